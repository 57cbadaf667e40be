// The morning review: the user marks each video kept or rejected, and "Export kept"
// copies the kept ones out. Stored on the item so the app and the CLI see the same marks and a
// restart keeps them. NULL is "not reviewed yet"; the CHECK lets SQLite refuse any other word.
//
// Numbered 8: versions 5 to 7 are taken by steps of other work in progress. The runner applies
// every step above the stored version in list order, so the gap is harmless.
import type { Migration } from './types';

export const itemReview: Migration = {
  version: 8,
  name: 'item-review',
  up(db) {
    db.exec(
      `ALTER TABLE items ADD COLUMN review TEXT CHECK (review IS NULL OR review IN ('kept', 'rejected'));`,
    );
  },
};
