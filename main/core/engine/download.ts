// Download: fetch a paid video to the output folder, never losing, mixing up or clobbering one.
// Queued (a few at once across batches). One attempt per turn in the queue: the outcome says
// what comes next (done, expired, failed only for what no waiting can mend, or "again at" after
// a back-off, while the folder is away or the disk full, with a batch condition saying why);
// the coordinator settles it. A paid video is tried until its link's likely end of life: only
// the link itself (refusals) or /result (404001) says it is gone, and a cause only a person can
// fix parks it rather than failing it.
// Correct by construction against the machine misbehaving: the temporary file carries its
// attempt (request and writer, temp-files.ts) and is recorded before it exists; a process
// writes only while its lease is known to last; the output name is claimed, and `done` written,
// only for the attempt that downloaded it and only under the lease (compare-and-set).
// File-level work (streaming, Range resume, naming) is in download-files.ts, what a file
// error means and whether the output folder is there in output-folder.ts.
import { dirname, resolve } from 'node:path';
import PQueue from 'p-queue';
import { LeaseLostError } from '../db/store';
import type { BatchRecord, ItemRecord } from '../db/rows';
import { assertNever } from '../domain';
import type { EngineContext } from './context';
import type { SaveFailureCode } from './save-failures';
import { crashPoint } from './crash-points';
import {
  describeError,
  freeName,
  inspectFile,
  isAllowedDownloadUrl,
  partPathFor,
  placeFile,
  removeIfExists,
  resolveOutputPath,
  syncDirectory,
} from './download-files';
import { DownloadRetries, type Cause } from './download-retries';
import { steadyNow } from '../util/clock';
import { fetchToPart } from './download-transfer';
import { attemptTag, type TempFiles } from './temp-files';
import { text } from './messages';
import { formatReason, type Reason } from '@common/reasons';
import { endedWithout, videoSaved, type Outcome } from './outcome';
import {
  diskFullWait,
  folderAway,
  freeBytes,
  isFolder,
  meaningOfFileError,
  prepareFolder,
} from './output-folder';

interface Retry {
  retry: string;
  cause: Cause;
  retryAfterMs: number | null;
  httpStatus?: number;
}
type Attempt = Outcome | 'stopped' | Retry;

export class DownloadPhase {
  readonly queue: PQueue;
  private readonly active = new Set<number>();
  private readonly retries: DownloadRetries;

  constructor(
    private readonly ctx: EngineContext,
    private readonly tempFiles: TempFiles,
    /** Whether this engine may write the batch's files now (leases.ts `mayWrite`). */
    private readonly mayWrite: (batchId: number) => boolean,
  ) {
    this.queue = new PQueue({ concurrency: ctx.limits.downloadConcurrency });
    this.retries = new DownloadRetries(ctx.limits, () => steadyNow(ctx.clock));
  }

  /**
   * Records that the batch's output folder is in place, when it is (called at Start, resume and
   * adoption): from then on a missing folder is waited for, never made again (migration 009).
   */
  async noteOutputFolder(batchId: number): Promise<void> {
    const batch = this.ctx.store.batches.getBatch(batchId);
    if (!batch || batch.outputDirSeenAt !== null) return;
    if (!(await isFolder(batch.settings.outputDir))) return;
    if (this.ctx.closeSignal.aborted) return; // nothing is written once close begins
    this.ctx.store.batches.markOutputDirSeen(batchId, this.ctx.clock.now());
  }

  /** Queues the item's download once; the promise gives its outcome (null: nothing to do now). */
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
    const { store, closeSignal } = this.ctx;
    if (closeSignal.aborted) return null;
    const item = store.items.getItem(itemId);
    // Checked before every attempt: a batch whose lease was lost is downloaded by its new owner.
    if (!item || item.state !== 'downloading' || !this.ctx.held.has(item.batchId)) {
      this.retries.forget(itemId);
      return null;
    }
    const batch = store.batches.getBatch(item.batchId);
    if (!batch) return null;
    // A full disk paused batches before it became a condition (older releases): resumed by a person.
    if (batch.state === 'paused' && batch.pauseReason === 'disk_full') return null;
    let result: Attempt;
    try {
      result = await this.once(item, batch);
    } catch (error) {
      // Another process drives the batch now: this one stops at once (the coordinator drops it).
      if (error instanceof LeaseLostError) throw error;
      // Whatever else went wrong, the item gets a next step: no exception leaves it downloading.
      result = await this.fileProblem(item, batch, error);
    }
    // Close began during the attempt (a request it made was stopped): nothing is written now;
    // the item is still downloading on record, and the next start tries again.
    if (result === 'stopped' || closeSignal.aborted) return null;
    if ('retry' in result) return this.later(item, result);
    if (result.move) this.retries.forget(itemId);
    return result;
  }

  /** The outcome of an attempt to repeat (download-retries.ts decides when, and when not). */
  private async later(item: ItemRecord, attempt: Retry): Promise<Outcome> {
    const { clock, random } = this.ctx;
    const now = clock.now();
    const decision = this.retries.decide(
      item.id,
      attempt.cause,
      now,
      now - item.stateChangedAt,
      attempt.retryAfterMs,
      random(),
    );
    switch (decision.kind) {
      case 'give_up':
        return this.fail(
          item,
          'download_failed',
          text.downloadGaveUp(decision.tries, attempt.retry),
          'download kept failing',
        );
      case 'expired': {
        await this.dropParts(item);
        const message = text.outputExpired(attempt.httpStatus ?? 404);
        return this.end(item, 'expired', 'output_expired', message);
      }
      case 'again': {
        if (decision.freshLink) {
          const fresh = await this.freshUrl(item);
          if (fresh !== null && typeof fresh !== 'string') return fresh;
        }
        const outcome: Outcome = { item, downloadAgainAt: decision.at };
        if (decision.showing === 'network_down')
          outcome.condition = {
            code: 'network_down',
            params: { detail: attempt.retry },
            message: formatReason(text.networkDown(attempt.retry)),
          };
        else if (decision.showing === 'saving_delayed')
          outcome.condition = {
            code: 'saving_delayed',
            params: { detail: attempt.retry },
            message: formatReason(text.savingDelayed(attempt.retry)),
          };
        return outcome;
      }
      default:
        return assertNever(decision);
    }
  }

  /** Paid, not saved: a save failure, so Retry fetches the same video again. */
  private fail(item: ItemRecord, code: SaveFailureCode, why: Reason, event?: string): Outcome {
    return this.end(item, 'failed', code, why, event);
  }

  private end(
    item: ItemRecord,
    to: 'failed' | 'expired',
    code: string,
    why: Reason,
    event = formatReason(why),
  ): Outcome {
    this.retries.forget(item.id);
    return endedWithout(item, 'downloading', to, why, { why: event, errorCode: code });
  }

  private async once(item: ItemRecord, batch: BatchRecord): Promise<Attempt> {
    const { store, clock, owner, limits } = this.ctx;
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
    // The name and hash were claimed for this very attempt (claimOutput), so they are its own.
    if (item.outputPath && item.outputSha256) {
      const placed = await inspectFile(item.outputPath).catch(() => null);
      if (placed && placed.sha256 === item.outputSha256)
        return this.done(item, item.outputPath, placed.bytes, placed.sha256, false);
    }
    // The attempt's own temporary file: only this request, written by this process.
    const partPath = partPathFor(target, item.id, attemptTag(item.requestId, owner));
    const dir = dirname(partPath);
    // Never mkdir -p the output folder onto another drive: once it was there (found at Start, at
    // a restart or at a save, or a video was saved into it before that was recorded), a
    // missing output folder is an unplugged drive.
    const outputDir = resolve(batch.settings.outputDir);
    const mayCreate = () =>
      store.batches.getBatch(batch.id)?.outputDirSeenAt === null &&
      store.itemQueries.counts(batch.id).done === 0;
    const folder = await prepareFolder(outputDir, dir, mayCreate, this.ctx.fileOps);
    if (!folder.ready) return folderAway(item, batch, folder.detail, this.recheckAt());
    if (batch.outputDirSeenAt === null) store.batches.markOutputDirSeen(batch.id, clock.now());
    // The disk was full: look at the free space before asking for the video again.
    const videoBytes = this.retries.videoBytes(item.id);
    if (batch.condition?.code === 'disk_full' && videoBytes) {
      const free = await freeBytes(dir);
      if (free !== null && free < videoBytes)
        return diskFullWait(
          item,
          batch,
          { detail: 'no room yet', free, needed: videoBytes },
          this.recheckAt(),
        );
    }
    let url = item.resultUrl;
    if (!url || !isAllowedDownloadUrl(url, this.ctx.originFor(item))) {
      // Ask /result again: a proxy or an old answer may have given an unusable link.
      const fresh = await this.freshUrl(item);
      if (typeof fresh !== 'string')
        return fresh ?? this.fail(item, 'unsafe_output_url', text.unsafeOutputUrl(url));
      url = fresh;
    }
    // Recorded before the file exists, under the lease (throws LeaseLostError otherwise).
    const recorded = store.tempFiles.tempFilesOf(item.id);
    if (!recorded.some((file) => file.path === partPath)) {
      // A part an older release recorded only on the item: known from now on, so it is removed
      // with the others (it is never continued: which attempt wrote it is not known).
      if (item.partPath && !recorded.some((file) => file.path === item.partPath))
        this.tempFiles.record({ ...item, requestId: null }, item.partPath, 'part');
      this.tempFiles.record(item, partPath, 'part');
      store.items.updateWithoutFsync(item.id, { partPath });
    }
    // A crashed writer's part of this same request is continued rather than fetched again.
    await this.tempFiles.adoptOrphanPart(item, partPath, recorded);
    const part = await fetchToPart({
      url,
      partPath,
      get: this.ctx.downloadGet,
      fileOps: this.ctx.fileOps,
      signal: this.ctx.closeSignal,
      timeoutMs: limits.downloadTimeoutMs,
      headersTimeoutMs: limits.downloadHeadersTimeoutMs,
      idleTimeoutMs: limits.downloadIdleTimeoutMs,
      now: () => clock.now(),
      clock,
      mayWrite: () => this.mayWrite(item.batchId),
      afterFirstChunk: () => crashPoint('mid-download'),
      onLength: (bytes) => this.retries.noteVideoBytes(item.id, bytes),
    });
    switch (part.kind) {
      case 'aborted':
        return 'stopped';
      case 'lease_lost':
        throw new LeaseLostError(item.batchId, store.batches.getBatch(item.batchId)?.leaseOwner ?? null);
      case 'disk_full': {
        const space = {
          detail: part.message,
          free: await freeBytes(dir),
          needed: this.retries.videoBytes(item.id),
        };
        return diskFullWait(item, batch, space, this.recheckAt());
      }
      case 'refused': {
        // The link may be new on its CDN edge or refused by a firewall; /result decides whether
        // the job is gone (404001) and may hand out a fresh link.
        const fresh = await this.freshUrl(item);
        if (fresh !== null && typeof fresh !== 'string') return fresh;
        if (typeof fresh === 'string' && fresh !== url) await this.dropParts(item);
        const detail = `the video link answered HTTP ${part.httpStatus}`;
        return { retry: detail, cause: 'refused', retryAfterMs: null, httpStatus: part.httpStatus };
      }
      case 'retry':
        return { retry: part.message, cause: part.cause, retryAfterMs: part.retryAfterMs };
      case 'complete':
        break;
      default:
        assertNever(part);
    }
    const info = part.info ?? (await inspectFile(partPath));
    if (!info.isMp4) {
      await removeIfExists(partPath);
      return { retry: text.notMp4, cause: 'content', retryAfterMs: null };
    }
    // Claim the name (with the content hash) before the file appears there, for this attempt and
    // under the lease: a crash right after the move is recognised as "ours", and a process that
    // lost its lease never places a file.
    for (;;) {
      const finalPath = freeName(target);
      const claimed = store.items.claimOutput(
        item.id,
        { requestId: item.requestId },
        { outputPath: finalPath, outputBytes: info.bytes, outputSha256: info.sha256 },
        { owner, leaseMs: limits.leaseMs },
        clock.now(),
      );
      // Another attempt began meanwhile (the item was retried, or moved on): not ours to place.
      if (!claimed) return 'stopped';
      const placed = await placeFile(partPath, finalPath, this.ctx.fileOps);
      if (placed === 'exists') continue;
      crashPoint('after-rename');
      await syncDirectory(dir);
      return this.done(item, finalPath, info.bytes, info.sha256, true);
    }
  }

  /**
   * Asks /result for the job's link again. A usable link (stored) as a string; an outcome when
   * the job is gone (404001: expired); null when /result gives nothing better right now.
   */
  private async freshUrl(item: ItemRecord): Promise<string | Outcome | null> {
    if (!item.requestId) return null;
    // Asked where the job was submitted (never the settings' current API, see endpoints.ts);
    // no key for that endpoint now: nothing better right now, the download waits.
    const client = this.ctx.clientFor(item);
    if (!client) return null;
    const answer = await client.result(item.requestId, this.ctx.closeSignal);
    if (!answer.ok) {
      if (answer.failure.kind !== 'not_found') return null;
      await this.dropParts(item);
      const message = text.requestUnknown(item.requestId);
      const code = answer.failure.errorCode ?? '404001';
      return this.end(item, 'expired', code, message, 'request unknown to the API');
    }
    const { videoUrl } = answer.value;
    if (!videoUrl || !isAllowedDownloadUrl(videoUrl, this.ctx.originFor(item))) return null;
    if (videoUrl !== item.resultUrl) this.ctx.store.items.update(item.id, { resultUrl: videoUrl });
    return videoUrl;
  }

  /** What a thrown error means (output-folder.ts): a retry, or a wait with the batch saying why. */
  private async fileProblem(item: ItemRecord, batch: BatchRecord, error: unknown): Promise<Attempt> {
    const meaning = await meaningOfFileError(error, item, batch, {
      recheckAt: this.recheckAt(),
      videoBytes: this.retries.videoBytes(item.id),
    });
    if (meaning === 'transient') {
      const code = (error as { code?: unknown })?.code;
      // Not a file error (a busy or full database, a bug): logged loudly, tried again after a
      // back-off for as long as it takes; the paid video is never given up for it.
      if (typeof code !== 'string' || !/^E[A-Z0-9]+$/.test(code))
        this.ctx.log(
          'error',
          `download of item ${item.id} failed: ${(error as Error)?.stack ?? String(error)}`,
        );
      return { retry: describeError(error), cause: 'file', retryAfterMs: null };
    }
    return meaning;
  }

  private recheckAt(): number {
    return this.ctx.clock.now() + this.ctx.limits.outputRecheckMs;
  }

  /** The item's parts are no use any more (the link changed, the job expired): removed, each forgotten once gone. */
  private async dropParts(item: ItemRecord): Promise<void> {
    await this.tempFiles.removeOf(item.id, { kind: 'part' });
  }

  /** The video is in place (outcome.ts `videoSaved`); its tries start over. */
  private async done(
    item: ItemRecord,
    finalPath: string,
    bytes: number,
    sha256: string,
    placedNow: boolean,
  ): Promise<Outcome> {
    this.retries.forget(item.id);
    const { store, clock } = this.ctx;
    // Placed by this attempt just now: if `done` is refused, the file goes unless the item names it.
    const undo = placedNow
      ? async () => {
          if (store.items.getItem(item.id)?.outputPath !== finalPath) await removeIfExists(finalPath);
        }
      : undefined;
    return videoSaved(item, { path: finalPath, bytes, sha256 }, clock.now(), undo);
  }
}
