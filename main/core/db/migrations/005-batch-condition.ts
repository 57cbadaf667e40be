// A batch condition: something outside the batch that holds its
// downloads back while it stays `running` (the output folder unplugged, the network down). It
// is not a pause: nobody has to act, the engine re-checks and clears it by itself. Stored as
// JSON {code, params, since, message} so the window and the CLI can show it; NULL when none.
// Not a pause reason because those have a CHECK in 001 (a new one would need a table rebuild).
import type { Migration } from './types';

export const batchCondition: Migration = {
  version: 5,
  name: 'batch-condition',
  up(db) {
    db.exec(`ALTER TABLE batches ADD COLUMN condition_json TEXT;`);
  },
};
