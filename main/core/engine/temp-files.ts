// Temporary files in the user's folders (a download's part, a sidecar's JSON before it is
// named), kept correct by construction rather than by a check per path:
// - every one is recorded in the database BEFORE it is created, while this process holds the
//   item's batch (a process that lost its lease cannot make one), so none is ever unknown;
// - a part's name carries its attempt: the request it downloads and the process writing it,
//   so a new paid attempt never continues an old one's bytes and two processes never write
//   one file (a part is only continued by the writer that began it, or taken over by rename
//   from a writer that provably no longer runs);
// - a record is forgotten only once its file is gone: a delete that did not happen (a
//   read-only moment, a file held open, its folder unplugged) is tried again, and nothing is
//   left behind.
import { createHash } from 'node:crypto';
import { rename, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TempFileRecord } from '../db/store';
import type { ItemRecord } from '../db/rows';
import type { EngineContext } from './context';
import { removeIfExists } from './download-files';
import { ownerIsGone } from './leases';

/** A short tag for one attempt's writer: the request it downloads and the process writing it. */
export function attemptTag(requestId: string | null, owner: string): string {
  return createHash('sha256')
    .update(`${requestId ?? ''}\u0000${owner}`)
    .digest('hex')
    .slice(0, 12);
}

export class TempFiles {
  /** Items whose leftovers are being removed now (one sweep at a time per item). */
  private readonly removing = new Set<number>();

  constructor(private readonly ctx: EngineContext) {}

  /**
   * Records `path` as the item's temporary file of `kind` before it is created (write-ahead). A
   * part only under the batch's lease (LeaseLostError otherwise); a sidecar's also for a batch
   * that ended (its last video's sidecar is written after the lease was released).
   */
  record(item: ItemRecord, path: string, kind: TempFileRecord['kind']): void {
    const { store, owner, limits, clock } = this.ctx;
    store.tempFiles.recordTempFile(
      { path, itemId: item.id, kind, requestId: kind === 'part' ? item.requestId : null, owner },
      kind === 'part' ? { leaseMs: limits.leaseMs } : null,
      clock.now(),
    );
  }

  /**
   * A part of the same request begun by a writer that provably no longer runs (a crashed
   * process of this machine): taken over by renaming it to `ours`, so its bytes are continued
   * rather than fetched again. A writer that may still run (suspended, on another machine) is
   * never taken from: its part is left to it and cleaned up once the item ends. `recorded`:
   * the item's temporary files as the caller just read them.
   */
  async adoptOrphanPart(
    item: ItemRecord,
    ours: string,
    recorded: readonly TempFileRecord[] = this.ctx.store.tempFiles.tempFilesOf(item.id),
  ): Promise<void> {
    for (const file of recorded) {
      if (file.kind !== 'part' || file.path === ours || file.requestId !== item.requestId) continue;
      if (file.owner === this.ctx.owner || !ownerIsGone(file.owner)) continue;
      try {
        await rename(file.path, ours);
        this.ctx.store.tempFiles.forgetTempFile(file.path, file.itemId);
        return;
      } catch (error) {
        if ((error as { code?: string }).code === 'ENOENT')
          this.ctx.store.tempFiles.forgetTempFile(file.path, file.itemId);
      }
    }
  }

  /**
   * Removes the item's temporary files of `kind` (all kinds when absent) but `keep`; each record
   * is forgotten once its file is gone. True when none is left; false when a delete failed (it
   * is tried again by the next sweep).
   */
  async removeOf(
    itemId: number,
    options: { kind?: TempFileRecord['kind']; keep?: string } = {},
  ): Promise<boolean> {
    if (this.removing.has(itemId)) return false;
    this.removing.add(itemId);
    try {
      let allGone = true;
      for (const file of this.ctx.store.tempFiles.tempFilesOf(itemId)) {
        if ((options.kind && file.kind !== options.kind) || file.path === options.keep) continue;
        if (!(await this.remove(file))) allGone = false;
      }
      return allGone;
    } finally {
      this.removing.delete(itemId);
    }
  }

  /** Removes the leftovers of items that no longer need them (ended downloads, placed sidecars). */
  async sweepLeftovers(): Promise<void> {
    const leftovers = this.ctx.store.tempFiles.leftoverTempFiles();
    for (const file of leftovers) {
      if (this.ctx.closeSignal.aborted) return;
      if (this.removing.has(file.itemId)) continue;
      await this.remove(file);
    }
  }

  private async remove(file: TempFileRecord): Promise<boolean> {
    try {
      await removeIfExists(file.path);
      // "Not there" is gone only if its folder is there: an unplugged drive (a folder renamed
      // away, a mount point empty) hides the file, which comes back with it.
      if (!(await isDirectory(dirname(file.path)))) return false;
    } catch (error) {
      this.ctx.log(
        'warn',
        `item ${file.itemId}: the temporary file ${file.path} could not be removed yet ` +
          `(${(error as Error).message}); it stays recorded and is tried again`,
      );
      return false;
    }
    try {
      this.ctx.store.tempFiles.forgetTempFile(file.path, file.itemId);
    } catch (error) {
      // The file is gone; its record is forgotten by the next sweep (ENOENT is success).
      this.ctx.log(
        'warn',
        `item ${file.itemId}: ${file.path} removed, its record not yet (${(error as Error).message})`,
      );
    }
    return true;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );
}
