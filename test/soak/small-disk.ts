// The night test's small output disk: a size-limited tmpfs mounted where the output folder's
// parent is (the soak runs as root), filled by a filler file beside the output folder and freed
// again, as a real disk fills with someone else's files and is cleared. Where mounting is not
// allowed the folder is a plain one and the caller injects ENOSPC instead. At the end the files
// are copied back to the same paths on the real disk and the tmpfs is unmounted, so the checker
// (and a kept failed run) reads them where the database says they are, and no mount outlives
// the run.
import { execFileSync } from 'node:child_process';
import { closeSync, cpSync, mkdirSync, openSync, renameSync, rmSync, statfsSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** What a 1 MiB write of zeros costs; tmpfs stores zeros like any byte. */
const CHUNK = Buffer.alloc(1024 * 1024);

export class SmallDisk {
  private filler: string | null = null;

  private constructor(
    /** The tmpfs's mount point (the output folder's parent); null: mounting was not allowed. */
    readonly mountPoint: string | null,
    readonly root: string,
  ) {}

  /** A tmpfs of `bytes` at `root` (created), or a plain folder there where mounting fails. */
  static create(root: string, bytes: number): SmallDisk {
    mkdirSync(root, { recursive: true });
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${Math.ceil(bytes / 4096) * 4096}`, 'tmpfs', root], {
        stdio: 'ignore',
      });
      return new SmallDisk(root, root);
    } catch {
      return new SmallDisk(null, root);
    }
  }

  get mounted(): boolean {
    return this.mountPoint !== null;
  }

  /** Free bytes on the small disk now. */
  freeBytes(): number {
    const stats = statfsSync(this.root);
    return stats.bavail * stats.bsize;
  }

  /** Fills the disk but `leave` bytes with a filler file beside the output folder; the bytes written. */
  fill(leave: number): number {
    if (!this.mounted) return 0;
    this.filler = join(this.root, 'filler.bin');
    const fd = openSync(this.filler, 'w');
    let written = 0;
    try {
      for (let room = this.freeBytes() - leave; room > 0; room = this.freeBytes() - leave) {
        const n = Math.min(room, CHUNK.length);
        written += writeSync(fd, CHUNK, 0, n);
      }
    } catch {
      // ENOSPC: the CLI took some of the room meanwhile; full is what was wanted.
    } finally {
      closeSync(fd);
    }
    return written;
  }

  /** Deletes the filler file: the space is there again. */
  free(): void {
    if (this.filler) rmSync(this.filler, { force: true });
    this.filler = null;
  }

  /**
   * Copies what is on the tmpfs to the same paths on the real disk, then unmounts it (lazily if
   * something still holds a file there). Call once no process of the run is left.
   */
  release(): void {
    this.free();
    if (!this.mountPoint) return;
    const saved = `${this.mountPoint}.saved`;
    rmSync(saved, { recursive: true, force: true });
    cpSync(this.mountPoint, saved, { recursive: true, preserveTimestamps: true });
    try {
      execFileSync('umount', [this.mountPoint], { stdio: 'ignore' });
    } catch {
      execFileSync('umount', ['-l', this.mountPoint], { stdio: 'ignore' });
    }
    rmSync(this.mountPoint, { recursive: true, force: true });
    renameSync(saved, this.mountPoint);
  }
}
