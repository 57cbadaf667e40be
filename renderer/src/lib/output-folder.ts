// Where a batch's videos go by default: beside its images, in `videos` (`videos-simulated` in
// simulated mode, so test clips never take the real videos' names). A folder named so is a
// shoot's own: it is not carried to the next shoot, nor saved in a preset.

/** `videos` (or `videos-simulated`) in the first dropped folder; empty without one. */
export function defaultOutputDir(roots: readonly string[], platform: string, simulated: boolean): string {
  const root = roots[0];
  if (!root) return '';
  const sep = platform === 'win32' ? '\\' : '/';
  return `${root.replace(/[\\/]+$/, '')}${sep}${simulated ? 'videos-simulated' : 'videos'}`;
}

const SHOOT_FOLDER = /[\\/](videos|videos-simulated)[\\/]*$/;

/** A folder named as the defaults are: one shoot's own, not one the user keeps for every batch. */
export const isShootFolder = (dir: string): boolean => SHOOT_FOLDER.test(dir);
