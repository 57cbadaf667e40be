// One queue for the account: batches take the account's generation slots in the
// user's order (batches.queue_order, numbered by creation, moved by the user; a pause keeps
// it), a batch may run only at chosen hours (batches.schedule_json: a start time and a night
// window) and may keep watching its folders for new images (batches.watch_json), and every
// file a watching batch looked at is remembered with its size and modification time
// (watch_files), so a restart neither takes a file twice nor misses one that arrived while the
// app was closed. The account-wide limit and its temporary lowering after a 429 live in
// account_settings (migration 011), keyed apart. The partial index answers "how many
// generations are in flight across every batch" inside each submit's intent transaction.
import type { Migration } from './types';

export const accountQueue: Migration = {
  version: 14,
  name: 'account-queue',
  up(db) {
    db.exec(`
      ALTER TABLE batches ADD COLUMN queue_order INTEGER;
      UPDATE batches SET queue_order = id;
      CREATE INDEX batches_queue_order ON batches (queue_order);
      ALTER TABLE batches ADD COLUMN schedule_json TEXT;
      ALTER TABLE batches ADD COLUMN watch_json TEXT;

      CREATE TABLE watch_files (
        batch_id INTEGER NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ms INTEGER NOT NULL,
        taken_at INTEGER NOT NULL,
        PRIMARY KEY (batch_id, path)
      ) STRICT;

      CREATE INDEX items_generating ON items (batch_id)
        WHERE state IN ('submitting', 'in_queue', 'in_progress');
    `);
  },
};
