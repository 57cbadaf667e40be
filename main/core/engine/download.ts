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
import { assertNever, type BatchConditionCode } from '../domain';
import type { EngineContext } from './context';
import { crashPoint } from './crash-points';
import {
  describeError,
  fetchToPart,
  freeName,
  inspectFile,
  isAllowedDownloadUrl,
  partPathFor,
  placeFile,
  removeIfExists,
  resolveOutputPath,
  syncDirectory,
  type RetryCause,
} from './download-files';
import { attemptTag, type TempFiles } from './temp-files';
import { text } from './messages';
import { formatReason, type Reason } from '../../../preload/reasons';
import { endedWithout, type Outcome } from './outcome';
import {
  classifyFileError,
  diskFullWait,
  folderAway,
  folderBlocked,
  freeBytes,
  isFolder,
  isWritableFolder,
  itemFolder,
  prepareFolder,
} from './output-folder';

/**
 * Why an attempt should be repeated. `refused`: the link answered 403/404/410 (a CDN edge not
 * caught up, a firewall) while /result still knows the job. `file`: a transient file error.
 */
type Cause = RetryCause | 'refused' | 'file';
interface Retry {
  retry: string;
  cause: Cause;
  retryAfterMs: number | null;
  httpStatus?: number;
}
type Attempt = Outcome | 'stopped' | Retry;

/** How often the item was tried in this run: every try (the back-off) and the kinds in a row. */
interface Tries {
  all: number;
  /** Wrong content (length, offset, not an mp4) in a row from one link. */
  content: number;
  /** Transient file or database errors in a row. */
  file: number;
  refusalsInARow: number;
  /** Clock time of the first refusal of the current row. */
  refusedSince: number;
  /** Bytes the video was last announced at (a full disk says how much room it needs). */
  videoBytes: number | null;
}

/** Every condition a saved video shows to be over: the folder, the disk and the network work. */
const CONDITIONS: readonly BatchConditionCode[] = [
  'output_unavailable',
  'network_down',
  'disk_full',
  'saving_delayed',
  'output_blocked',
];
/** Transient file errors in a row before the batch says its saving is delayed. */
const FILE_TROUBLE_SHOWN_AFTER = 2;
/** Refusals in a row, past the link's lifetime, before the link is called expired. */
const REFUSALS_TO_EXPIRE = 3;

export class DownloadPhase {
  readonly queue: PQueue;
  private readonly active = new Set<number>();
  private readonly tries = new Map<number, Tries>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly tempFiles: TempFiles,
    /** Whether this engine may write the batch's files now (leases.ts `mayWrite`). */
    private readonly mayWrite: (batchId: number) => boolean,
  ) {
    this.queue = new PQueue({ concurrency: ctx.limits.downloadConcurrency });
  }

  /**
   * Records that the batch's output folder is in place, when it is (called at Start, resume and
   * adoption): from then on a missing folder is waited for, never made again (migration 009).
   */
  async noteOutputFolder(batchId: number): Promise<void> {
    const batch = this.ctx.store.getBatch(batchId);
    if (!batch || batch.outputDirSeenAt !== null) return;
    if (!(await isFolder(batch.settings.outputDir))) return;
    if (this.ctx.closeSignal.aborted) return; // nothing is written once close begins
    this.ctx.store.markOutputDirSeen(batchId, this.ctx.clock.now());
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
    const item = store.getItem(itemId);
    // Checked before every attempt: a batch whose lease was lost is downloaded by its new owner.
    if (!item || item.state !== 'downloading' || !this.ctx.held.has(item.batchId)) {
      this.tries.delete(itemId);
      return null;
    }
    const batch = store.getBatch(item.batchId);
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
    if (result.move) this.tries.delete(itemId);
    return result;
  }

  /**
   * The outcome of an attempt to repeat: again after a back-off, with the batch saying what it
   * waits for. A paid video is given up only when its link is gone (refusals past their grace or
   * lifetime), or when its content keeps coming wrong past the link's likely lifetime.
   */
  private async later(item: ItemRecord, attempt: Retry): Promise<Outcome> {
    const { clock, limits, random } = this.ctx;
    const now = clock.now();
    const tries = this.triesOf(item.id, now);
    tries.all++;
    tries.content = attempt.cause === 'content' ? tries.content + 1 : 0;
    tries.file = attempt.cause === 'file' ? tries.file + 1 : 0;
    // A 5xx or a cut connection says nothing about the link: it neither counts as a refusal nor
    // breaks a row of them (an expired link's 404s come with the CDN's usual errors in between).
    if (attempt.cause === 'refused') {
      if (tries.refusalsInARow++ === 0) tries.refusedSince = now;
    } else if (attempt.cause !== 'network' && attempt.cause !== 'server') tries.refusalsInARow = 0;
    // The link's likely lifetime counts from the job's end (the item became `downloading`).
    const pastLifetime = now - item.stateChangedAt > limits.outputLinkLifetimeMs;
    if (attempt.cause === 'content' && tries.content >= limits.maxDownloadAttempts) {
      if (pastLifetime)
        return this.fail(
          item,
          'download_failed',
          text.downloadGaveUp(tries.all, attempt.retry),
          'download kept failing',
        );
      // The same link keeps serving something else: ask /result for a fresh one and go on.
      tries.content = 0;
      const fresh = await this.freshUrl(item);
      if (fresh !== null && typeof fresh !== 'string') return fresh;
    }
    // A CDN edge catches up within seconds: a link refused in a row for much longer, while
    // /result still hands out that same link, is dead before its likely lifetime.
    const keepsRefusing =
      tries.refusalsInARow >= REFUSALS_TO_EXPIRE && now - tries.refusedSince >= limits.linkRefusalGraceMs;
    if (
      attempt.cause === 'refused' &&
      tries.refusalsInARow >= REFUSALS_TO_EXPIRE &&
      (pastLifetime || keepsRefusing)
    ) {
      await this.dropParts(item);
      const message = text.outputExpired(attempt.httpStatus ?? 404);
      return this.fail(item, 'output_expired', message, undefined, 'expired');
    }
    // A network or server error past the link's likely lifetime is not given up on: the lifetime
    // is a guess (RunComfy does not say), so only the link itself (refusals) or /result (404001)
    // says the paid video is gone; until then it is retried about once a minute, with the batch
    // showing why when the network is the cause. So are transient file and database errors.
    const delay = Math.max(attempt.retryAfterMs ?? 0, this.backoff(tries.all, random()));
    const outcome: Outcome = { item, downloadAgainAt: now + delay };
    // Past the lifetime a busy video server is long trouble too: the batch says what it waits for.
    if (attempt.cause === 'network' || (attempt.cause === 'server' && pastLifetime))
      outcome.condition = {
        code: 'network_down',
        params: { detail: attempt.retry },
        message: formatReason(text.networkDown(attempt.retry)),
      };
    else if (attempt.cause === 'file' && tries.file >= FILE_TROUBLE_SHOWN_AFTER)
      outcome.condition = {
        code: 'saving_delayed',
        params: { detail: attempt.retry },
        message: formatReason(text.savingDelayed(attempt.retry)),
      };
    return outcome;
  }

  private triesOf(itemId: number, now: number): Tries {
    let tries = this.tries.get(itemId);
    if (!tries) {
      tries = { all: 0, content: 0, file: 0, refusalsInARow: 0, refusedSince: now, videoBytes: null };
      this.tries.set(itemId, tries);
    }
    return tries;
  }

  /** Half fixed, half random, capped: a long outage is retried about once a minute. */
  private backoff(tries: number, random: number): number {
    const ceiling = Math.min(this.ctx.limits.downloadBackoffCapMs, 1000 * 2 ** Math.min(tries, 20));
    return Math.round(ceiling / 2 + (random * ceiling) / 2);
  }

  private fail(
    item: ItemRecord,
    code: string,
    why: Reason,
    event = formatReason(why),
    to: 'failed' | 'expired' = 'failed',
  ): Outcome {
    this.tries.delete(item.id);
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
      store.getBatch(batch.id)?.outputDirSeenAt === null && store.counts(batch.id).done === 0;
    const folder = await prepareFolder(outputDir, dir, mayCreate, this.ctx.fileOps);
    if (!folder.ready) return this.park(item, batch, folder.detail);
    if (batch.outputDirSeenAt === null) store.markOutputDirSeen(batch.id, clock.now());
    // The disk was full: look at the free space before asking for the video again.
    const tries = this.tries.get(item.id);
    if (batch.condition?.code === 'disk_full' && tries?.videoBytes) {
      const free = await freeBytes(dir);
      if (free !== null && free < tries.videoBytes)
        return this.diskFull(item, batch, 'no room yet', free, tries.videoBytes);
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
    const recorded = store.tempFilesOf(item.id);
    if (!recorded.some((file) => file.path === partPath)) {
      // A part an older release recorded only on the item: known from now on, so it is removed
      // with the others (it is never continued: which attempt wrote it is not known).
      if (item.partPath && !recorded.some((file) => file.path === item.partPath))
        this.tempFiles.record({ ...item, requestId: null }, item.partPath, 'part');
      this.tempFiles.record(item, partPath, 'part');
      store.updateWithoutFsync(item.id, { partPath });
    }
    // A crashed writer's part of this same request is continued rather than fetched again.
    await this.tempFiles.adoptOrphanPart(item, partPath);
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
      mayWrite: () => this.mayWrite(item.batchId),
      afterFirstChunk: () => crashPoint('mid-download'),
      onLength: (bytes) => {
        this.triesOf(item.id, clock.now()).videoBytes = bytes;
      },
    });
    switch (part.kind) {
      case 'aborted':
        return 'stopped';
      case 'lease_lost':
        throw new LeaseLostError(item.batchId, store.getBatch(item.batchId)?.leaseOwner ?? null);
      case 'disk_full':
        return this.diskFull(
          item,
          batch,
          part.message,
          await freeBytes(dir),
          this.tries.get(item.id)?.videoBytes ?? null,
        );
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
      const claimed = store.claimOutput(
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
      return this.fail(
        item,
        answer.failure.errorCode ?? '404001',
        message,
        'request unknown to the API',
        'expired',
      );
    }
    const { videoUrl } = answer.value;
    if (!videoUrl || !isAllowedDownloadUrl(videoUrl, this.ctx.originFor(item))) return null;
    if (videoUrl !== item.resultUrl) this.ctx.store.update(item.id, { resultUrl: videoUrl });
    return videoUrl;
  }

  /** What a thrown error means: a retry, a parked download, a full disk, or a failure with a reason. */
  private async fileProblem(item: ItemRecord, batch: BatchRecord, error: unknown): Promise<Attempt> {
    const detail = describeError(error);
    const code = (error as { code?: unknown })?.code;
    if (typeof code !== 'string' || !/^E[A-Z0-9]+$/.test(code)) {
      // Not a file error (a busy or full database, a bug): logged loudly, tried again after a
      // back-off for as long as it takes; the paid video is never given up for it.
      this.ctx.log(
        'error',
        `download of item ${item.id} failed: ${(error as Error)?.stack ?? String(error)}`,
      );
      return { retry: detail, cause: 'file', retryAfterMs: null };
    }
    const problem = classifyFileError(error);
    switch (problem) {
      case 'disk_full':
        return this.diskFull(
          item,
          batch,
          detail,
          await freeBytes(itemFolder(item, batch)),
          this.tries.get(item.id)?.videoBytes ?? null,
        );
      case 'transient':
        return { retry: detail, cause: 'file', retryAfterMs: null };
      case 'unavailable':
        return this.park(item, batch, detail);
      case 'check_folder': {
        const dir = itemFolder(item, batch);
        if (!(await isWritableFolder(dir))) return this.park(item, batch, detail);
        // The folder is fine: the trouble is this one file (a read-only file of that name...).
        return this.blocked(item, batch, detail);
      }
      case 'failed':
        return this.blocked(item, batch, detail);
      default:
        return assertNever(problem);
    }
  }

  /** The output folder is away (output-folder.ts): the item waits, and is looked at again later. */
  private park(item: ItemRecord, batch: BatchRecord, detail: string): Outcome {
    return folderAway(item, batch, detail, this.recheckAt());
  }

  /** Something only a person can fix keeps this one video from its folder: it waits, rechecked. */
  private blocked(item: ItemRecord, batch: BatchRecord, detail: string): Outcome {
    return folderBlocked(item, batch, detail, this.recheckAt());
  }

  /** The disk is full: the batch says how much room is needed; the free space is rechecked. */
  private diskFull(
    item: ItemRecord,
    batch: BatchRecord,
    detail: string,
    free: number | null,
    needed: number | null,
  ): Outcome {
    return diskFullWait(item, batch, { detail, free, needed }, this.recheckAt());
  }

  private recheckAt(): number {
    return this.ctx.clock.now() + this.ctx.limits.outputRecheckMs;
  }

  /** The item's parts are no use any more (the link changed, the job expired): removed, each forgotten once gone. */
  private async dropParts(item: ItemRecord): Promise<void> {
    const recorded = this.ctx.store.getItem(item.id)?.partPath ?? item.partPath;
    if (recorded && !this.ctx.store.tempFilesOf(item.id).some((file) => file.path === recorded)) {
      // A part an older release recorded only here: its record is cleared once it is gone.
      try {
        await removeIfExists(recorded);
        this.ctx.store.update(item.id, { partPath: null });
      } catch {
        // Kept recorded: recovery removes it later.
      }
    }
    await this.tempFiles.removeOf(item.id, { kind: 'part' });
  }

  /**
   * The video is in place: `done`, for this attempt only and only under the lease. `placedNow`:
   * this process placed the file just now, so if the write does not go through (the lease went
   * elsewhere, another attempt began) the file is removed again unless the item names it.
   */
  private async done(
    item: ItemRecord,
    finalPath: string,
    bytes: number,
    sha256: string,
    placedNow: boolean,
  ): Promise<Outcome> {
    this.tries.delete(item.id);
    const { store } = this.ctx;
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
          // Cleared by the sidecar writer; still set at start-up, the sidecar is written then.
          sidecarPending: true,
        },
        reason: `saved to ${finalPath}`,
        // The name and hash were stored (fsync'd) before the file was placed: a restart that
        // finds the item still downloading sees its file in place and ends it done again.
        durable: false,
        lease: true,
        expect: { requestId: item.requestId },
      },
      ifNotWritten: placedNow
        ? async () => {
            if (store.getItem(item.id)?.outputPath !== finalPath) await removeIfExists(finalPath);
          }
        : undefined,
      streak: 'succeeded',
      // A video was saved: the folder is there and the network works.
      clearConditions: CONDITIONS,
    };
  }
}
