// The first schema: batches (with a lease so one process drives a batch), items and a
// per-item event log. STRICT tables and CHECKs let SQLite itself refuse a state the code
// does not know, so a bug cannot quietly write one.
//
// Frozen: the state lists are written out as they were when this shipped, never taken from
// the domain module. A state added later must come with its own migration; otherwise new and
// old databases would carry different CHECKs under the same version number.
import type { Migration } from './types';

export const initial: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE batches (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('draft', 'running', 'paused', 'finished', 'cancelled')),
        pause_reason TEXT CHECK (pause_reason IS NULL OR pause_reason IN ('user', 'bad_key', 'no_balance', 'budget_reached', 'disk_full', 'too_many_failures', 'lease_lost')),
        pause_message TEXT,
        settings_json TEXT NOT NULL,
        model_id TEXT NOT NULL,
        prompt_template TEXT NOT NULL,
        output_dir TEXT NOT NULL,
        budget_usd REAL,
        created_at INTEGER NOT NULL,
        started_at INTEGER,
        finished_at INTEGER,
        -- Which process drives the batch (app or CLI) and until when; a lease left by a
        -- killed process simply expires and can be taken over.
        lease_owner TEXT,
        lease_expires_at INTEGER
      ) STRICT;

      CREATE TABLE items (
        id INTEGER PRIMARY KEY,
        batch_id INTEGER NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('queued', 'submitting', 'in_queue', 'in_progress', 'downloading', 'done', 'failed', 'cancelled', 'expired', 'unknown_submit', 'rejected', 'skipped')),
        source_path TEXT NOT NULL,
        root_path TEXT NOT NULL,
        relative_path TEXT NOT NULL,
        image_hash TEXT NOT NULL,
        request_fingerprint TEXT NOT NULL,
        rendered_prompt TEXT NOT NULL,
        -- The request body with image-ref placeholders: never image bytes.
        request_json TEXT NOT NULL,
        output_relative_path TEXT NOT NULL,
        request_id TEXT,
        queue_position INTEGER,
        attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        created_at INTEGER NOT NULL,
        state_changed_at INTEGER NOT NULL,
        submitted_at INTEGER,
        -- Polling evidence used to learn how long generations take.
        last_queued_seen_at INTEGER,
        running_seen_at INTEGER,
        finished_at INTEGER,
        next_poll_at INTEGER,
        error_code TEXT,
        error_message TEXT,
        result_url TEXT,
        part_path TEXT,
        output_path TEXT,
        output_bytes INTEGER,
        output_sha256 TEXT,
        estimated_cost_usd REAL NOT NULL CHECK (estimated_cost_usd >= 0),
        cost_usd REAL,
        -- 1 from the moment a submit may have reached the API until we know it was not billed.
        may_be_billed INTEGER NOT NULL DEFAULT 0 CHECK (may_be_billed IN (0, 1)),
        -- What earlier attempts of this item may have cost (kept when the user retries).
        prior_spent_usd REAL NOT NULL DEFAULT 0,
        cancel_requested INTEGER NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1)),
        notes_json TEXT NOT NULL DEFAULT '[]'
      ) STRICT;

      CREATE INDEX items_batch_state ON items (batch_id, state);
      CREATE INDEX items_batch_position ON items (batch_id, position);
      CREATE INDEX items_done_lookup ON items (image_hash, request_fingerprint) WHERE state = 'done';
      CREATE UNIQUE INDEX items_request_id ON items (request_id) WHERE request_id IS NOT NULL;

      CREATE TABLE item_events (
        id INTEGER PRIMARY KEY,
        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        at INTEGER NOT NULL,
        from_state TEXT CHECK (from_state IS NULL OR from_state IN ('queued', 'submitting', 'in_queue', 'in_progress', 'downloading', 'done', 'failed', 'cancelled', 'expired', 'unknown_submit', 'rejected', 'skipped')),
        to_state TEXT NOT NULL CHECK (to_state IN ('queued', 'submitting', 'in_queue', 'in_progress', 'downloading', 'done', 'failed', 'cancelled', 'expired', 'unknown_submit', 'rejected', 'skipped')),
        reason TEXT NOT NULL
      ) STRICT;
      CREATE INDEX item_events_item ON item_events (item_id, id);

      CREATE TABLE batch_events (
        id INTEGER PRIMARY KEY,
        batch_id INTEGER NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
        at INTEGER NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('draft', 'running', 'paused', 'finished', 'cancelled')),
        pause_reason TEXT,
        reason TEXT NOT NULL
      ) STRICT;
    `);
  },
};
