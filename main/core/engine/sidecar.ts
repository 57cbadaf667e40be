// The sidecar: `<video name>.json` beside each saved video, saying what made it (model, prompt,
// every request field with images as hash and path, request id, actual cost, times, the source
// image, the app version) so a video moved away from Stillmotion still explains itself. Never
// the key, never image bytes. Written after the video is in place and its item is done; a
// failure (the drive pulled between the two) never touches the paid video: it is logged and
// tried again a few times, then left with a warning in the log. The item stays marked
// (sidecar_pending) until its sidecar is in place, so a crash in between is mended at the next
// start: recovery writes it, over the same temporary file.
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname } from 'node:path';
import type { BatchRecord, ItemRecord } from '../db/rows';
import { hashFile } from '../util/hash-file';
import { parseImageRef } from '../intake/fit';
import { imageRefsOf, mapRequest } from '../intake/request-placeholders';
import { APP_VERSION } from '../version';
import type { EngineContext } from './context';
import { crashPoint } from './crash-points';
import { freeName, hiddenPathBeside, placeFile, removeIfExists, withExtension } from './download-files';
import type { TempFiles } from './temp-files';

/** Tries of one sidecar before it is given up (logged), one output recheck interval apart. */
export const SIDECAR_TRIES = 5;
export const SIDECAR_FORMAT = 1;

export interface SidecarImage {
  path: string;
  /** Content sha256; null when the file could not be read when the sidecar was written. */
  sha256: string | null;
}

export interface Sidecar {
  format: typeof SIDECAR_FORMAT;
  app: { name: 'Stillmotion'; version: string };
  video: { file: string; bytes: number | null; sha256: string | null };
  model: string;
  prompt: string;
  /** The request as sent, each image as { image: { path, sha256 } } in place of its bytes. */
  request: Record<string, unknown>;
  requestId: string | null;
  costUsd: number | null;
  estimatedCostUsd: number;
  /** ISO times: planned, last sent, video saved. */
  createdAt: string;
  submittedAt: string | null;
  finishedAt: string | null;
  source: { path: string; relativePath: string; sha256: string };
  batch: { id: number; name: string };
  itemId: number;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

async function sha256Of(path: string): Promise<string | null> {
  return hashFile(path).catch(() => null);
}

/** The request with every image placeholder as its path and hash (the start image's from the scan). */
async function describeRequest(item: ItemRecord): Promise<Record<string, unknown>> {
  const hashes = new Map<string, string | null>([[item.sourcePath, item.imageHash]]);
  // A fitted image's placeholder carries its fit before the path: the file is the path.
  const pathOf = (ref: string) => parseImageRef(ref).path;
  for (const ref of imageRefsOf(item.request))
    if (!hashes.has(pathOf(ref))) hashes.set(pathOf(ref), await sha256Of(pathOf(ref)));
  return mapRequest(item.request, (ref) => ({
    image: { path: pathOf(ref), sha256: hashes.get(pathOf(ref)) ?? null } satisfies SidecarImage,
  }));
}

export async function buildSidecar(item: ItemRecord, batch: BatchRecord): Promise<Sidecar> {
  return {
    format: SIDECAR_FORMAT,
    app: { name: 'Stillmotion', version: APP_VERSION },
    video: { file: basename(item.outputPath ?? ''), bytes: item.outputBytes, sha256: item.outputSha256 },
    model: batch.settings.modelId,
    prompt: item.renderedPrompt,
    request: await describeRequest(item),
    requestId: item.requestId,
    costUsd: item.costUsd,
    estimatedCostUsd: item.estimatedCostUsd,
    createdAt: iso(item.createdAt)!,
    submittedAt: iso(item.submittedAt),
    finishedAt: iso(item.finishedAt),
    source: { path: item.sourcePath, relativePath: item.relativePath, sha256: item.imageHash },
    batch: { id: batch.id, name: batch.name },
    itemId: item.id,
  };
}

/**
 * `<folder>/<video name without extension>.json`, the name shortened where the video's own
 * name already uses the 255 bytes a file name may have (it would never be written otherwise).
 */
export function sidecarPathFor(videoPath: string): string {
  return withExtension(dirname(videoPath), basename(videoPath, extname(videoPath)), '.json');
}

/** The sidecar's temporary file beside it (hidden, the item's id in its name). */
export function sidecarTempPathFor(sidecarPath: string, itemId: number): string {
  return hiddenPathBeside(sidecarPath, `.sm-${itemId}.tmp`);
}

/** Errors no retry can mend: the sidecar is given up at once (logged), the video stays saved. */
const HOPELESS_CODES = new Set(['ENAMETOOLONG', 'EINVAL', 'EISDIR']);

/** A file at `path` that is this item's own sidecar (written before a crash or a retry). */
async function isOwnSidecar(path: string, item: ItemRecord): Promise<boolean> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<Sidecar>;
    return parsed.itemId === item.id && parsed.video?.sha256 === item.outputSha256;
  } catch {
    return false;
  }
}

export class SidecarWriter {
  /** Items whose sidecar this process is writing: a resume's recovery must not start another. */
  private readonly writing = new Set<number>();

  /**
   * `mayWrite`: whether this process may write the batch's files now (its lease, or nobody's
   * for a batch that ended): a process stopped past its lease names no sidecar after it.
   */
  constructor(
    private readonly ctx: EngineContext,
    private readonly tempFiles: TempFiles,
    private readonly mayWrite: (batchId: number) => boolean,
  ) {}

  /**
   * Writes the item's sidecar if its batch wants one; retries, never throws. Then clears the
   * item's pending mark (without an fsync: if that is lost, a restart writes the same sidecar
   * again over its own), unless the engine is closing with the sidecar not yet placed.
   */
  async write(itemId: number): Promise<void> {
    if (this.writing.has(itemId)) return;
    this.writing.add(itemId);
    try {
      if (await this.tryToPlace(itemId))
        this.ctx.store.items.updateWithoutFsync(itemId, { sidecarPending: false });
    } catch (error) {
      // The database closed under a late write: the mark stays, the next start writes it again.
      this.ctx.log('warn', `item ${itemId}: sidecar state not recorded (${(error as Error).message})`);
    } finally {
      this.writing.delete(itemId);
    }
  }

  /**
   * True once nothing is left to do: placed, not wanted, or the item is no longer a saved video.
   * False when the engine closes first or every try failed (the drive gone all the while): the
   * mark stays and the next start, or resume, of the batch tries again.
   */
  private async tryToPlace(itemId: number): Promise<boolean> {
    for (let attempt = 1; attempt <= SIDECAR_TRIES; attempt++) {
      if (this.ctx.closeSignal.aborted) return false;
      const item = this.ctx.store.items.getItem(itemId);
      const batch = item && this.ctx.store.batches.getBatch(item.batchId);
      if (!item || !batch || item.state !== 'done' || !item.outputPath) return true;
      if (batch.settings.sidecars === false) return true;
      try {
        const path = await this.place(item, batch);
        if (path === null) return false; // the batch's holder writes it (the mark stays)
        this.ctx.log('info', `item ${itemId}: sidecar written to ${path}`);
        return true;
      } catch (error) {
        const last = attempt === SIDECAR_TRIES || HOPELESS_CODES.has((error as { code?: string }).code ?? '');
        // The video is saved and done either way: only its description is missing.
        this.ctx.log(
          last ? 'error' : 'warn',
          `item ${itemId}: the sidecar beside ${item.outputPath} could not be written ` +
            `(${(error as Error).message}); ${last ? 'gave up, the video itself is saved' : 'trying again'}`,
        );
        // Hopeless (a name this file system cannot hold): not tried again at every start.
        if (last) return HOPELESS_CODES.has((error as { code?: string }).code ?? '');
        try {
          await this.ctx.clock.sleep(this.ctx.limits.outputRecheckMs, this.ctx.closeSignal);
        } catch {
          return false;
        }
      }
    }
    return false;
  }

  /**
   * Writes the JSON to a temporary file, flushes it, then gives it its name without replacing
   * anything that is not this item's own sidecar: a taken name gets " (2)" like a video does.
   */
  private async place(item: ItemRecord, batch: BatchRecord): Promise<string | null> {
    const { fileOps } = this.ctx;
    const target = sidecarPathFor(item.outputPath!);
    const temp = sidecarTempPathFor(target, item.id);
    const json = `${JSON.stringify(await buildSidecar(item, batch), null, 2)}\n`;
    if (!this.mayWrite(item.batchId)) return null;
    // Recorded before it exists (so it is always cleaned up), then made anew: created
    // exclusively, never written through a link someone put in its place.
    this.tempFiles.record(item, temp, 'sidecar');
    await removeIfExists(temp);
    const handle = await fileOps.open(temp, 'create');
    try {
      await fileOps.write(handle, [Buffer.from(json, 'utf8')]);
      await handle.sync();
    } finally {
      await handle.close();
    }
    crashPoint('mid-sidecar');
    // Named only by the batch's writer: lost meanwhile (stopped past the lease), the temporary
    // file this process made (exclusively: it is its own) goes, and the holder names its own.
    if (!this.mayWrite(item.batchId)) {
      await removeIfExists(temp);
      return null;
    }
    try {
      if (await isOwnSidecar(target, item)) {
        await fileOps.rename(temp, target);
        return target;
      }
      for (;;) {
        const name = freeName(target);
        if ((await placeFile(temp, name, fileOps)) === 'placed') return name;
      }
    } finally {
      await this.tempFiles.removeOf(item.id, { kind: 'sidecar' });
    }
  }
}
