// The items of a batch by state in queue order: "the next queued items" (asked before every
// submit) and "the items in flight" read straight off it. Without it the next queued items were
// found by walking the batch in position order past every finished item, so a night's batch
// cost time quadratic in its size. items_batch_state stays (later migrations only add).
import type { Migration } from './types';

export const queueOrderIndex: Migration = {
  version: 10,
  name: 'queue-order-index',
  up(db) {
    db.exec(`CREATE INDEX items_batch_state_position ON items (batch_id, state, position);`);
  },
};
