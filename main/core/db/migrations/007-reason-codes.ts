// Reasons as codes: why an item failed or a batch paused is stored as a code plus
// parameters (JSON, see common/reasons.ts), so each reader sees it in their language and a
// wording fix reaches old rows. The English sentence stays in error_message / pause_message for
// rows written before this step and for anything that reads the file directly.
import type { Migration } from './types';

export const reasonCodes: Migration = {
  version: 7,
  name: 'reason-codes',
  up(db) {
    db.exec(`
      ALTER TABLE items ADD COLUMN reason_json TEXT;
      ALTER TABLE batches ADD COLUMN pause_detail_json TEXT;
    `);
  },
};
