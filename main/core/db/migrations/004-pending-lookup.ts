// "Already generated" also counts work on its way: dropping a folder again
// while its first batch still runs must not pay twice. The planner asks once per image, so the
// lookup of unfinished items by image and request needs an index like the done one has.
import type { Migration } from './types';

export const pendingLookup: Migration = {
  version: 4,
  name: 'pending-lookup',
  up(db) {
    db.exec(`
      CREATE INDEX items_pending_lookup ON items (image_hash, request_fingerprint)
        WHERE state IN ('queued', 'submitting', 'in_queue', 'in_progress', 'downloading', 'unknown_submit');
    `);
  },
};
