// When the engine first found a batch's output folder in place (at Start, at a restart, or at a
// save). From then on a missing output folder is an unplugged drive or an unmounted share, never
// a folder to make again: `mkdir` would put the night's videos on the system disk under an empty
// mount point. Before this column only a saved video (or this process having seen the folder)
// proved that, so a folder pulled between Start and the first save, or while the app was closed,
// was made again. NULL: never seen (the first save may create it when its parent exists).
import type { Migration } from './types';

export const outputDirSeen: Migration = {
  version: 9,
  name: 'output-dir-seen',
  up(db) {
    db.exec(`ALTER TABLE batches ADD COLUMN output_dir_seen_at INTEGER;`);
  },
};
