// Learned generation times: one row per finished job, so the poller can aim its requests
// near the expected finish of the next job of the same model and duration, across restarts.
// Also counts the status/result requests per item, which is how polling cost is measured.
import type { Migration } from './types';

export const runTimings: Migration = {
  version: 2,
  name: 'run-timings',
  up(db) {
    db.exec(`
      CREATE TABLE run_timings (
        id INTEGER PRIMARY KEY,
        model_id TEXT NOT NULL,
        duration INTEGER NOT NULL,
        -- Upper bound of the run time: finish seen minus the last time it was seen queued.
        run_ms INTEGER NOT NULL CHECK (run_ms >= 0),
        at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX run_timings_key ON run_timings (model_id, duration, id);
      ALTER TABLE items ADD COLUMN poll_count INTEGER NOT NULL DEFAULT 0;
    `);
  },
};
