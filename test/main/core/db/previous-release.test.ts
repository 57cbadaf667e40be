// A database made by the previous release (its schema typed out literally in the fixture, with
// rows in it) opens with the current code: the rows read back as records, and every state the
// current domain knows is accepted. A state added to the domain without its own migration fails
// here, because the shipped migrations hold their lists literally.
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import {
  closeDatabase,
  LATEST_VERSION,
  openDatabase,
  schemaVersion,
} from '../../../../main/core/db/connection';
import { pauseReasonColumn } from '../../../../main/core/db/rows';
import { JobStore } from '../../../../main/core/db/store';
import { BATCH_STATES, ITEM_STATES, PAUSE_REASONS } from '../../../../main/core/domain';
import { settingsFor, tempDir } from '../engine/helpers';
import { RELEASE_3_SCHEMA } from './fixtures/release-3-schema';

const dirs: { remove: () => void }[] = [];
afterEach(() => dirs.splice(0).forEach((d) => d.remove()));

function releaseDatabase(): string {
  const dir = tempDir('sm-release-');
  dirs.push(dir);
  const path = join(dir.path, 'stillmotion.sqlite');
  const old = new Database(path);
  old.exec(RELEASE_3_SCHEMA);
  const settings = JSON.stringify(settingsFor('/videos/shoot', { concurrency: 2, budgetUsd: 5 }));
  old
    .prepare(
      `INSERT INTO batches (id, name, state, pause_reason, pause_message, settings_json, model_id,
         prompt_template, output_dir, budget_usd, created_at, started_at, simulated)
       VALUES (7, 'shoot (3 images)', 'paused', 'budget_reached', 'Budget of $5.00 reached', ?,
         'kling/kling-3.0/standard/image-to-video', '{name}', '/videos/shoot', 5, 1000, 1100, 0)`,
    )
    .run(settings);
  const item = old.prepare(
    `INSERT INTO items (id, batch_id, position, state, source_path, root_path, relative_path, image_hash,
       request_fingerprint, rendered_prompt, request_json, output_relative_path, request_id, created_at,
       state_changed_at, estimated_cost_usd, cost_usd, may_be_billed, output_path, poll_count)
     VALUES (?, 7, ?, ?, ?, '/photos', ?, ?, ?, 'A slow dolly shot', '{"prompt":"A slow dolly shot"}', ?, ?,
       1000, 1200, 0.42, ?, ?, ?, ?)`,
  );
  item.run(
    1,
    0,
    'done',
    '/photos/a.jpg',
    'a.jpg',
    'ha',
    'fa',
    'a.mp4',
    'req-a',
    0.42,
    1,
    '/videos/shoot/a.mp4',
    4,
  );
  item.run(2, 1, 'in_progress', '/photos/b.jpg', 'b.jpg', 'hb', 'fb', 'b.mp4', 'req-b', null, 1, null, 2);
  item.run(3, 2, 'queued', '/photos/c.jpg', 'c.jpg', 'hc', 'fc', 'c.mp4', null, null, 0, null, 0);
  old
    .prepare(
      `INSERT INTO item_events (item_id, at, from_state, to_state, reason) VALUES (1, 1200, 'downloading', 'done', 'saved')`,
    )
    .run();
  old.prepare(`INSERT INTO run_timings (model_id, duration, run_ms, at) VALUES ('m', 5, 90000, 1200)`).run();
  old.close();
  return path;
}

describe('a database from the previous release (schema 3)', () => {
  it('opens with the current code, keeping its batches, items, events and timings', () => {
    const db = openDatabase(releaseDatabase());
    expect(schemaVersion(db)).toBe(LATEST_VERSION);
    const store = new JobStore(db);
    const batch = store.batches.getBatch(7)!;
    expect(batch).toMatchObject({ name: 'shoot (3 images)', state: 'paused', pauseReason: 'budget_reached' });
    expect(batch.settings.budgetUsd).toBe(5);
    expect(store.items.getItem(1)).toMatchObject({
      state: 'done',
      outputPath: '/videos/shoot/a.mp4',
      costUsd: 0.42,
    });
    expect(store.items.getItem(2)).toMatchObject({ state: 'in_progress', requestId: 'req-b', pollCount: 2 });
    expect(store.itemQueries.counts(7)).toMatchObject({ done: 1, in_progress: 1, queued: 1 });
    expect(store.items.itemEvents(1).map((e) => e.toState)).toEqual(['done']);
    expect(store.runTimings.recentRunTimings('m', 5, 10)).toEqual([90000]);
    // The store still moves the old rows along the current transition table.
    expect(store.items.transition(3, 'queued', 'submitting', {}, 'submit attempt 1', 2000)?.state).toBe(
      'submitting',
    );
    closeDatabase(db);
  });

  it('accepts every item state, batch state and pause reason the current domain knows', () => {
    const db = openDatabase(releaseDatabase());
    for (const state of ITEM_STATES) {
      db.prepare(`UPDATE items SET state = ? WHERE id = 3`).run(state);
      db.prepare(
        `INSERT INTO item_events (item_id, at, from_state, to_state, reason) VALUES (3, 1, ?, ?, 't')`,
      ).run(state, state);
    }
    for (const state of BATCH_STATES) db.prepare(`UPDATE batches SET state = ? WHERE id = 7`).run(state);
    // As the store writes them: a daily-cap pause goes into the column under its CHECK's word.
    for (const reason of PAUSE_REASONS)
      db.prepare(`UPDATE batches SET pause_reason = ? WHERE id = 7`).run(pauseReasonColumn(reason));
    closeDatabase(db);
  });

  it('is what a new database gets too: the shipped migrations are frozen', () => {
    const dir = tempDir('sm-fresh-');
    dirs.push(dir);
    const fresh = openDatabase(join(dir.path, 'fresh.sqlite'));
    const old = new Database(':memory:');
    old.exec(RELEASE_3_SCHEMA);
    const schemaOf = (db: Database.Database) =>
      (
        db.prepare(`SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name`).all() as {
          name: string;
          sql: string;
        }[]
      ).map(({ name, sql }) => ({ name, sql: sql.replace(/--[^\n]*/g, '').replace(/\s+/g, ' ') }));
    // Up to the release's version the two must match exactly; later migrations only add.
    const release = schemaOf(old);
    const current = new Map(schemaOf(fresh).map((entry) => [entry.name, entry.sql]));
    if (LATEST_VERSION === 3) for (const entry of release) expect(current.get(entry.name)).toBe(entry.sql);
    else for (const entry of release) expect(current.has(entry.name)).toBe(true);
    old.close();
    closeDatabase(fresh);
  });
});
