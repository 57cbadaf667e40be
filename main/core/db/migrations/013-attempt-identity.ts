// Each paid attempt known by its own identity, so that what the machine does (a locked or full
// database, a suspended process, a key replaced mid-run) can never mix two attempts up:
// - temp_files: every temporary file the engine makes in a user's folder (a download's part,
//   a sidecar's temporary JSON), recorded BEFORE the file is created and forgotten only once it
//   is gone, so a delete that did not happen (a read-only moment) is tried again and a finished
//   batch leaves none behind. The part's name carries its request and its writer.
// - earlier_attempts gains the request id and attempt number of each attempt that ended (a
//   retry, a resubmit): every request RunComfy billed stays known to the database, and a late
//   answer to an older attempt is filed with that attempt instead of landing on the current one.
// - items.key_fingerprint: which API key (a hash, never the key) the current attempt was sent
//   with, so its job is polled and downloaded with that key after the user set another one.
import type { Migration } from './types';

export const attemptIdentity: Migration = {
  version: 13,
  name: 'attempt-identity',
  up(db) {
    db.exec(`
      CREATE TABLE temp_files (
        path TEXT PRIMARY KEY,
        item_id INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
        kind TEXT NOT NULL CHECK (kind IN ('part', 'sidecar')),
        request_id TEXT,
        owner TEXT NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX temp_files_item ON temp_files (item_id);

      ALTER TABLE earlier_attempts ADD COLUMN request_id TEXT;
      ALTER TABLE earlier_attempts ADD COLUMN attempt INTEGER;
      CREATE INDEX earlier_attempts_item ON earlier_attempts (item_id);
      DROP TRIGGER items_prior_spent_grew;
      CREATE TRIGGER items_attempt_ended AFTER UPDATE OF prior_spent_usd, request_id ON items
        WHEN NEW.prior_spent_usd > OLD.prior_spent_usd
          OR (OLD.request_id IS NOT NULL AND NEW.request_id IS NOT OLD.request_id)
      BEGIN
        INSERT INTO earlier_attempts (item_id, submitted_at, usd, request_id, attempt)
          VALUES (OLD.id, OLD.submitted_at, MAX(0, NEW.prior_spent_usd - OLD.prior_spent_usd),
                  OLD.request_id, OLD.attempts);
      END;

      ALTER TABLE items ADD COLUMN key_fingerprint TEXT;
    `);
  },
};
