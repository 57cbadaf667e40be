// Download: fetch a paid video to the output folder, never losing or clobbering one. Queued
// (a few at once across batches). One attempt per turn in the queue: the outcome says what
// comes next (done, failed, expired, a full-disk pause, or "again at" after a back-off or while
// the output folder is away, with a batch condition saying why); the coordinator settles it.
// File-level work (streaming, Range resume, naming) is in download-files.ts, what a file
// error means and whether the output folder is there in output-folder.ts.
import { dirname, resolve } from 'node:path';
import PQueue from 'p-queue';
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
import { text } from './messages';
import { formatReason, type Reason } from '../../../preload/reasons';
import { endedWithout, type Outcome } from './outcome';
import {
  classifyFileError,
  diskFullPause,
  folderAway,
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

/** How often the item was tried in this run: every try (the back-off) and the few-tries kinds. */
interface Tries {
  all: number;
  bounded: number;
  refusalsInARow: number;
  /** Clock time of the first refusal of the current row. */
  refusedSince: number;
}

const CONDITIONS: readonly BatchConditionCode[] = ['output_unavailable', 'network_down'];
/** Refusals in a row, past the link's lifetime, before the link is called expired. */
const REFUSALS_TO_EXPIRE = 3;

export class DownloadPhase {
  readonly queue: PQueue;
  private readonly active = new Set<number>();
  private readonly tries = new Map<number, Tries>();

  constructor(private readonly ctx: EngineContext) {
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
    // A full disk parks downloads until the user frees space and resumes.
    if (batch.state === 'paused' && batch.pauseReason === 'disk_full') return null;
    let result: Attempt;
    try {
      result = await this.once(item, batch);
    } catch (error) {
      // Whatever went wrong, the item gets a next step: no exception leaves it downloading.
      result = await this.fileProblem(item, batch, error);
    }
    // Close began during the attempt (a request it made was stopped): nothing is written now;
    // the item is still downloading on record, and the next start tries again.
    if (result === 'stopped' || closeSignal.aborted) return null;
    if ('retry' in result) return this.later(item, result);
    if (result.move) this.tries.delete(itemId);
    return result;
  }

  /** The outcome of an attempt to repeat: again after a back-off, or give up past its limits. */
  private async later(item: ItemRecord, attempt: Retry): Promise<Outcome> {
    const { clock, limits, random } = this.ctx;
    const now = clock.now();
    const tries = this.tries.get(item.id) ?? { all: 0, bounded: 0, refusalsInARow: 0, refusedSince: now };
    this.tries.set(item.id, tries);
    tries.all++;
    if (attempt.cause === 'content' || attempt.cause === 'file') tries.bounded++;
    // A 5xx or a cut connection says nothing about the link: it neither counts as a refusal nor
    // breaks a row of them (an expired link's 404s come with the CDN's usual errors in between).
    if (attempt.cause === 'refused') {
      if (tries.refusalsInARow++ === 0) tries.refusedSince = now;
    } else if (attempt.cause !== 'network' && attempt.cause !== 'server') tries.refusalsInARow = 0;
    if (tries.bounded >= limits.maxDownloadAttempts) {
      if (attempt.cause === 'file')
        return this.fail(item, 'file_error', text.fileError(item.outputRelativePath, attempt.retry));
      return this.fail(
        item,
        'download_failed',
        text.downloadGaveUp(tries.all, attempt.retry),
        'download kept failing',
      );
    }
    // The link's likely lifetime counts from the job's end (the item became `downloading`).
    const pastLifetime = now - item.stateChangedAt > limits.outputLinkLifetimeMs;
    // A CDN edge catches up within seconds: a link refused in a row for much longer, while
    // /result still hands out that same link, is dead before its likely lifetime.
    const keepsRefusing =
      tries.refusalsInARow >= REFUSALS_TO_EXPIRE && now - tries.refusedSince >= limits.linkRefusalGraceMs;
    if (
      attempt.cause === 'refused' &&
      tries.refusalsInARow >= REFUSALS_TO_EXPIRE &&
      (pastLifetime || keepsRefusing)
    ) {
      await this.dropPart(item);
      const message = text.outputExpired(attempt.httpStatus ?? 404);
      return this.fail(item, 'output_expired', message, undefined, 'expired');
    }
    // A network or server error past the link's likely lifetime is not given up on: the lifetime
    // is a guess (RunComfy does not say), so only the link itself (refusals) or /result (404001)
    // says the paid video is gone; until then it is retried about once a minute, with the batch
    // showing why when the network is the cause.
    const delay = Math.max(attempt.retryAfterMs ?? 0, this.backoff(tries.all, random()));
    const outcome: Outcome = { item, downloadAgainAt: now + delay };
    // Past the lifetime a busy video server is long trouble too: the batch says what it waits for.
    if (attempt.cause === 'network' || (attempt.cause === 'server' && pastLifetime))
      outcome.condition = {
        code: 'network_down',
        params: { detail: attempt.retry },
        message: formatReason(text.networkDown(attempt.retry)),
      };
    return outcome;
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
    const partPath = partPathFor(target, item.id);
    const dir = dirname(partPath);
    // Never mkdir -p the output folder onto another drive: once it was there (found at Start, at
    // a restart or at a save, or a video was saved into it before that was recorded), a
    // missing output folder is an unplugged drive.
    const outputDir = resolve(batch.settings.outputDir);
    const mayCreate = () =>
      store.getBatch(batch.id)?.outputDirSeenAt === null && store.counts(batch.id).done === 0;
    const folder = await prepareFolder(outputDir, dir, mayCreate, this.ctx.fileOps);
    if (!folder.ready) return this.park(item, batch, folder.detail);
    if (batch.outputDirSeenAt === null) store.markOutputDirSeen(batch.id, this.ctx.clock.now());
    let url = item.resultUrl;
    if (!url || !isAllowedDownloadUrl(url, this.ctx.originFor(item))) {
      // Ask /result again: a proxy or an old answer may have given an unusable link.
      const fresh = await this.freshUrl(item);
      if (typeof fresh !== 'string')
        return fresh ?? this.fail(item, 'unsafe_output_url', text.unsafeOutputUrl(url));
      url = fresh;
    }
    // Recorded before the file exists. No fsync of its own: the name follows from the item, so
    // a power cut that loses the record leaves a file the next attempt resumes by that name.
    if (item.partPath !== partPath) store.updateWithoutFsync(item.id, { partPath });
    const part = await fetchToPart({
      url,
      partPath,
      get: this.ctx.downloadGet,
      fileOps: this.ctx.fileOps,
      signal: this.ctx.closeSignal,
      timeoutMs: this.ctx.limits.downloadTimeoutMs,
      now: () => this.ctx.clock.now(),
      afterFirstChunk: () => crashPoint('mid-download'),
    });
    switch (part.kind) {
      case 'aborted':
        return 'stopped';
      case 'disk_full':
        return diskFullPause(item, batch, part.message);
      case 'refused': {
        // The link may be new on its CDN edge or refused by a firewall; /result decides whether
        // the job is gone (404001) and may hand out a fresh link.
        const fresh = await this.freshUrl(item);
        if (fresh !== null && typeof fresh !== 'string') return fresh;
        if (typeof fresh === 'string' && fresh !== url) await this.dropPart(item);
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
    // Choose the name and record it (with the content hash) before the file appears there, so
    // a crash right after the move is recognised as "ours" instead of being downloaded again.
    for (;;) {
      const finalPath = freeName(target);
      store.update(item.id, { outputPath: finalPath, outputBytes: info.bytes, outputSha256: info.sha256 });
      const placed = await placeFile(partPath, finalPath, this.ctx.fileOps);
      if (placed === 'exists') continue;
      crashPoint('after-rename');
      await syncDirectory(dir);
      return this.done(item, finalPath, info.bytes, info.sha256);
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
      await this.dropPart(item);
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
      // Not a file error (a busy database, a bug): logged loudly, tried again a few times.
      this.ctx.log(
        'error',
        `download of item ${item.id} failed: ${(error as Error)?.stack ?? String(error)}`,
      );
      return { retry: detail, cause: 'file', retryAfterMs: null };
    }
    const problem = classifyFileError(error);
    switch (problem) {
      case 'disk_full':
        return diskFullPause(item, batch, detail);
      case 'transient':
        return { retry: detail, cause: 'file', retryAfterMs: null };
      case 'unavailable':
        return this.park(item, batch, detail);
      case 'check_folder': {
        const dir = itemFolder(item, batch);
        if (!(await isWritableFolder(dir))) return this.park(item, batch, detail);
        // The folder is fine: the trouble is this one file (a read-only file of that name...).
        return this.fail(item, 'file_error', text.fileError(item.outputRelativePath, detail));
      }
      case 'failed':
        return this.fail(item, 'file_error', text.fileError(item.outputRelativePath, detail));
      default:
        return assertNever(problem);
    }
  }

  /** The output folder is away (output-folder.ts): the item waits, and is looked at again later. */
  private park(item: ItemRecord, batch: BatchRecord, detail: string): Outcome {
    return folderAway(item, batch, detail, this.ctx.clock.now() + this.ctx.limits.outputRecheckMs);
  }

  private async dropPart(item: ItemRecord): Promise<void> {
    const recorded = this.ctx.store.getItem(item.id)?.partPath ?? item.partPath;
    if (recorded) await removeIfExists(recorded).catch(() => {});
    this.ctx.store.update(item.id, { partPath: null });
  }

  private async done(item: ItemRecord, finalPath: string, bytes: number, sha256: string): Promise<Outcome> {
    if (item.partPath) await removeIfExists(item.partPath);
    const recorded = this.ctx.store.getItem(item.id)?.partPath;
    if (recorded) await removeIfExists(recorded);
    this.tries.delete(item.id);
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
      },
      streak: 'succeeded',
      // A video was saved: the folder is there and the network works.
      clearConditions: CONDITIONS,
    };
  }
}
