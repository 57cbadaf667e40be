// Download: fetch a paid video to the output folder, never losing or clobbering one. Queued
// (a few at once across batches), retried with back-off, parked on a full disk until the user
// resumes. Returns the item's final outcome (done, failed, expired) or a pause; the
// coordinator settles it. File-level work (streaming, Range resume, naming) is in download-files.ts.
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import PQueue from 'p-queue';
import { fullJitterBackoff } from '../api/retry';
import type { BatchRecord, ItemRecord } from '../db/rows';
import { assertNever, type ItemState } from '../domain';
import type { EngineContext } from './context';
import { crashPoint } from './crash-points';
import {
  fetchToPart,
  freeName,
  inspectFile,
  isAllowedDownloadUrl,
  isDiskFull,
  partPathFor,
  placeFile,
  removeIfExists,
  resolveOutputPath,
  syncDirectory,
} from './download-files';
import { text } from './messages';
import { formatReason, type Reason } from '../../../preload/reasons';
import type { Outcome } from './outcome';

type Attempt = Outcome | 'parked' | { retry: string; retryAfterMs: number | null };

export class DownloadPhase {
  readonly queue: PQueue;
  private readonly active = new Set<number>();

  constructor(private readonly ctx: EngineContext) {
    this.queue = new PQueue({ concurrency: ctx.limits.downloadConcurrency });
  }

  /** Queues the item's download once; the promise gives its final outcome (null: parked or stopped). */
  enqueue(itemId: number): Promise<Outcome | null> | null {
    if (this.active.has(itemId)) return null;
    this.active.add(itemId);
    return this.queue
      .add(() => this.run(itemId))
      .finally(() => this.active.delete(itemId)) as Promise<Outcome | null>;
  }

  get busy(): boolean {
    return this.queue.size + this.queue.pending > 0;
  }

  private async run(itemId: number): Promise<Outcome | null> {
    const { store, closeSignal, limits, clock, random } = this.ctx;
    for (let attempt = 1; !closeSignal.aborted; attempt++) {
      const item = store.getItem(itemId);
      if (!item || item.state !== 'downloading' || !this.ctx.held.has(item.batchId)) return null;
      const batch = store.getBatch(item.batchId);
      if (!batch) return null;
      // A full disk parks downloads until the user frees space and resumes.
      if (batch.state === 'paused' && batch.pauseReason === 'disk_full') return null;
      const result = await this.once(item, batch);
      if (result === 'parked') return null;
      if (!('retry' in result)) return result;
      if (attempt >= limits.maxDownloadAttempts) {
        const message = text.downloadGaveUp(attempt, result.retry);
        return this.fail(item, 'download_failed', message, 'download kept failing');
      }
      const delay = Math.max(result.retryAfterMs ?? 0, fullJitterBackoff(attempt, random, 1000, 60_000));
      try {
        await clock.sleep(delay, closeSignal);
      } catch {
        return null;
      }
    }
    return null;
  }

  private fail(
    item: ItemRecord,
    code: string,
    why: Reason,
    event = formatReason(why),
    to: ItemState = 'failed',
  ): Outcome {
    return {
      item,
      move: { from: 'downloading', to, patch: { errorCode: code, reason: why }, reason: event },
      streak: { failed: why },
    };
  }

  private async once(item: ItemRecord, batch: BatchRecord): Promise<Attempt> {
    const { store } = this.ctx;
    let target: string;
    try {
      target = resolveOutputPath(batch.settings.outputDir, item.outputRelativePath);
    } catch (error) {
      return this.fail(
        item,
        'bad_output_path',
        text.badOutputPath(item.outputRelativePath, batch.settings.outputDir, (error as Error).message),
      );
    }
    // A crash after the video was moved into place but before `done` was stored: finish up.
    if (item.outputPath && item.outputSha256) {
      const placed = await inspectFile(item.outputPath).catch(() => null);
      if (placed && placed.sha256 === item.outputSha256)
        return this.done(item, item.outputPath, placed.bytes, placed.sha256);
    }
    const url = item.resultUrl;
    if (!url || !isAllowedDownloadUrl(url, this.ctx.originFor(item)))
      return this.fail(item, 'unsafe_output_url', text.unsafeOutputUrl(url));
    const partPath = partPathFor(target, item.id);
    if (item.partPath !== partPath) store.update(item.id, { partPath }); // recorded before the file exists
    const dir = dirname(partPath);
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      if (isDiskFull(error)) return this.diskFull(item, batch, (error as Error).message);
      return this.fail(item, 'output_folder', text.outputFolder(dir, (error as Error).message));
    }
    const part = await fetchToPart({
      url,
      partPath,
      fetch: this.ctx.fetch,
      fileOps: this.ctx.fileOps,
      signal: this.ctx.closeSignal,
      timeoutMs: this.ctx.limits.downloadTimeoutMs,
      now: () => this.ctx.clock.now(),
      afterFirstChunk: () => crashPoint('mid-download'),
    });
    switch (part.kind) {
      case 'aborted':
        return 'parked';
      case 'disk_full':
        return this.diskFull(item, batch, part.message);
      case 'expired': {
        await removeIfExists(partPath);
        store.update(item.id, { partPath: null });
        const message = text.outputExpired(part.httpStatus);
        return this.fail(item, 'output_expired', message, undefined, 'expired');
      }
      case 'retry':
        return { retry: part.message, retryAfterMs: part.retryAfterMs };
      case 'complete':
        break;
      default:
        assertNever(part);
    }
    const info = await inspectFile(partPath);
    if (!info.isMp4) {
      await removeIfExists(partPath);
      return { retry: text.notMp4, retryAfterMs: null };
    }
    // Choose the name and record it (with the content hash) before the file appears there, so
    // a crash right after the move is recognised as "ours" instead of being downloaded again.
    for (;;) {
      const finalPath = freeName(target);
      store.update(item.id, { outputPath: finalPath, outputBytes: info.bytes, outputSha256: info.sha256 });
      let placed: 'placed' | 'exists';
      try {
        placed = await placeFile(partPath, finalPath);
      } catch (error) {
        if (isDiskFull(error)) return this.diskFull(item, batch, (error as Error).message);
        throw error;
      }
      if (placed === 'exists') continue;
      crashPoint('after-rename');
      await syncDirectory(dir);
      return this.done(item, finalPath, info.bytes, info.sha256);
    }
  }

  private async done(item: ItemRecord, finalPath: string, bytes: number, sha256: string): Promise<Outcome> {
    if (item.partPath) await removeIfExists(item.partPath);
    const recorded = this.ctx.store.getItem(item.id)?.partPath;
    if (recorded) await removeIfExists(recorded);
    return {
      item,
      move: {
        from: 'downloading',
        to: 'done',
        patch: {
          outputPath: finalPath,
          outputBytes: bytes,
          outputSha256: sha256,
          partPath: null,
          finishedAt: this.ctx.clock.now(),
        },
        reason: `saved to ${finalPath}`,
      },
      streak: 'succeeded',
    };
  }

  private diskFull(item: ItemRecord, batch: BatchRecord, detail: string): Outcome {
    return {
      item,
      pause: {
        scope: 'batch',
        reason: 'disk_full',
        detail: text.diskFull(batch.settings, detail, item.outputRelativePath),
      },
    };
  }
}
