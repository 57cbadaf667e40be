// A done item whose sidecar (`<video>.json`) is not yet in place. Set in the same write that
// marks the item done, cleared once the sidecar is named or given up; a process killed between
// the two finds it set at start-up and writes the sidecar then, reusing its temporary file, so
// no `.…json.sm-N.tmp` is left in the user's folder and no saved video goes undescribed. The
// partial index keeps the start-up question ("which of this batch's?") off the other items.
import type { Migration } from './types';

export const sidecarPending: Migration = {
  version: 12,
  name: 'sidecar-pending',
  up(db) {
    db.exec(`
      ALTER TABLE items ADD COLUMN sidecar_pending INTEGER NOT NULL DEFAULT 0;
      CREATE INDEX items_sidecar_pending ON items (batch_id) WHERE sidecar_pending = 1;
    `);
  },
};
