// Where each job was submitted, because a job exists only at the API it was sent
// to: switching to simulated mode, or to another API base URL, must not send its polls (and
// its key) elsewhere, where the answer "unknown request" would expire a paid job. The engine
// records the base URL with the submit intent and polls and downloads through it; the mode is
// the batch's (a batch is only ever submitted in its own mode). NULL: submitted by an earlier
// release, before this was recorded (polled through the current settings, as then).
import type { Migration } from './types';

export const itemEndpoint: Migration = {
  version: 6,
  name: 'item-endpoint',
  up(db) {
    db.exec(`ALTER TABLE items ADD COLUMN api_base_url TEXT;`);
  },
};
