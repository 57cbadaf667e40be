// Whether a batch was made in simulated (demo) mode. Money is sacred: a batch the user
// created to try the app for free must never be sent to RunComfy with a real, paid key just
// because the key was set later; the engine refuses to submit across modes.
import type { Migration } from './types';

export const batchMode: Migration = {
  version: 3,
  name: 'batch-mode',
  up(db) {
    db.exec(
      `ALTER TABLE batches ADD COLUMN simulated INTEGER NOT NULL DEFAULT 0 CHECK (simulated IN (0, 1));`,
    );
  },
};
