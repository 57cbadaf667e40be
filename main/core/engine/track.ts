// Track: follow an accepted request until it ends, asking /status when the poll policy aims
// (near the expected finish), and /result for the verdict (success is decided by /result
// alone: a failed job may show `completed` on /status). It yields what happened (cancelling
// at the API is cancel-remote.ts); the coordinator settles each outcome before the loop asks again.
import PQueue from 'p-queue';
import type { ApiFailure, RunComfyClient } from '../api/client';
import { API_BACKOFF } from '../api/retry';
import { backoffDelay } from '../util/backoff';
import type { ItemRecord } from '../db/rows';
import { assertNever } from '../domain';
import type { EngineContext } from './context';
import { crashPoint } from './crash-points';
import { text } from './messages';
import { formatReason } from '@common/reasons';
import { endedWithout, type Outcome } from './outcome';
import { pollEndpoint, type PollObservation } from './poll-policy';
import type { RunTimes } from './run-times';
import { POLLED_STATES } from '@common/item-actions';

// 404001 ("unknown request") answers in a row before a paid job counts as expired: a gateway, or
// an API node that has not seen the request yet, may say it once.
const NOT_FOUND_CONFIRMATIONS = 3;
/** Clock ms between two checks of an item whose endpoint has no key (a key change wakes it). */
const NO_KEY_RECHECK_MS = 60_000;
/** The error code an item carries while it waits for the key of the API it was submitted to. */
const WAITING_FOR_KEY = 'endpoint_key_missing';

/** What the last poll said about an item, as the poll policy reads it. */
function lastStatusOf(item: ItemRecord): PollObservation['lastStatus'] {
  if (item.state === 'in_progress') return 'in_progress';
  return item.lastQueuedSeenAt === null ? 'submitted' : 'in_queue';
}

export class TrackPhase {
  private readonly following = new Set<number>();
  private readonly pollErrors = new Map<number, number>();
  /** 404001 answers in a row, by item. */
  private readonly notFound = new Map<number, number>();
  /** Exceptions in a row while polling or settling, by item, and the clock time to try again. */
  private readonly troubles = new Map<number, { count: number; until: number }>();
  private readonly polls: PQueue;
  /** Aborted by reaim(): sleeping pollers re-read their item's next poll time. */
  private reaimed = new AbortController();

  constructor(
    private readonly ctx: EngineContext,
    private readonly runTimes: RunTimes,
  ) {
    this.polls = new PQueue({ concurrency: ctx.limits.pollConcurrency });
  }

  isFollowing(itemId: number): boolean {
    return this.following.has(itemId);
  }

  /**
   * Polls the item while it is live and its batch held here; yields each outcome to settle.
   * An exception (a database write failing with SQLITE_BUSY, say) never ends it: it is logged,
   * and the item is polled again after a back-off. Only the item's end,
   * its batch going elsewhere, or close() ends it.
   */
  async *follow(itemId: number): AsyncGenerator<Outcome> {
    if (this.following.has(itemId)) return;
    this.following.add(itemId);
    try {
      while (!this.ctx.closeSignal.aborted) {
        let outcome: Outcome | null;
        try {
          const item = this.ctx.store.items.getItem(itemId);
          if (!item || !POLLED_STATES.includes(item.state) || !this.ctx.held.has(item.batchId)) return;
          const due = Math.max(item.nextPollAt ?? 0, this.troubles.get(itemId)?.until ?? 0);
          const wait = due - this.ctx.clock.now();
          if (wait > 0) {
            try {
              await this.ctx.clock.sleep(wait, AbortSignal.any([this.ctx.wakeSignal(), this.reaimed.signal]));
            } catch {
              // Woken (wake(), close()): re-read the item and decide again.
            }
            continue;
          }
          outcome = await this.polls.add(() => this.pollOnce(item));
          // With an outcome, the coordinator says whether settling it went through.
          if (!outcome) this.settledWell(itemId);
        } catch (error) {
          this.troubled(itemId, error);
          continue;
        }
        if (outcome) yield outcome;
      }
    } finally {
      this.following.delete(itemId);
      this.pollErrors.delete(itemId);
      this.notFound.delete(itemId);
      this.troubles.delete(itemId);
    }
  }

  /**
   * A run time was learned for the first time: the batch's running jobs were polled on the
   * prior; aim them at the learned finish now when that is sooner, and wake their pollers.
   */
  reaim(batchId: number): void {
    for (const item of this.ctx.store.itemQueries.itemsInStates(batchId, ['in_progress'])) {
      if (item.nextPollAt === null || item.errorCode === WAITING_FOR_KEY) continue;
      const aimed = this.nextPoll(item, 'in_progress', {});
      if (aimed < item.nextPollAt) this.ctx.store.items.updateWithoutFsync(item.id, { nextPollAt: aimed });
    }
    this.reaimed.abort();
    this.reaimed = new AbortController();
  }

  /** A poll and what it found went through: the back-off after exceptions starts over. */
  settledWell(itemId: number): void {
    this.troubles.delete(itemId);
  }

  /**
   * Something threw while polling the item or settling what a poll found: log it and try again
   * after a back-off kept in memory (the database may be what fails). The coordinator calls it
   * for an exception while settling; the item stays where it was, so the next poll asks again.
   */
  troubled(itemId: number, error: unknown): void {
    const count = (this.troubles.get(itemId)?.count ?? 0) + 1;
    const delay = Math.max(1000, backoffDelay(count, API_BACKOFF, this.ctx.random()));
    this.troubles.set(itemId, { count, until: this.ctx.clock.now() + delay });
    this.ctx.log(
      'warn',
      `item ${itemId}: polling failed (${(error as Error)?.message ?? String(error)}); ` +
        `trying again in ${Math.round(delay)} ms`,
    );
  }

  private async pollOnce(item: ItemRecord): Promise<Outcome | null> {
    // close() aborts the request itself: a status request that hangs does not hold it up, and
    // nothing is written once it has begun (the job is polled again after a restart).
    const { closeSignal } = this.ctx;
    if (closeSignal.aborted) return null;
    const client = this.ctx.clientFor(item);
    if (!client) return this.waitForKey(item);
    if (pollEndpoint(lastStatusOf(item), this.runTimes.estimateFor(item)) === 'result')
      return this.fetchResult(item, client);
    const status = await client.status(item.requestId!, closeSignal);
    if (closeSignal.aborted) return null;
    crashPoint('mid-poll');
    const current = this.ctx.store.items.getItem(item.id);
    if (!current || !POLLED_STATES.includes(current.state)) return null;
    const pollCount = current.pollCount + 1;
    if (!status.ok) return this.pollFailed(current, client, status.failure, pollCount);
    this.answered(current);
    switch (status.value.status) {
      case 'in_queue':
      case 'in_progress':
        return this.stillLive(current, status.value.status, status.value.queuePosition, pollCount);
      case 'completed':
      case 'failed':
      case 'cancelled':
        this.ctx.store.items.updateWithoutFsync(item.id, { pollCount });
        return this.fetchResult(current, client);
      default:
        return assertNever(status.value.status);
    }
  }

  /** The job waits or runs: note what was seen and when to ask next (a move when it started). */
  private stillLive(
    current: ItemRecord,
    status: 'in_queue' | 'in_progress',
    queuePosition: number | null,
    pollCount: number,
  ): Outcome | null {
    const now = this.ctx.clock.now();
    if (status === 'in_queue') {
      const seen = { lastQueuedSeenAt: now, queuePosition };
      this.ctx.store.items.updateWithoutFsync(current.id, {
        ...seen,
        pollCount,
        nextPollAt: this.nextPoll(current, 'in_queue', seen),
      });
      return null;
    }
    const nextPollAt = this.nextPoll(current, 'in_progress', {});
    if (current.state !== 'in_queue') {
      this.ctx.store.items.updateWithoutFsync(current.id, { nextPollAt, pollCount });
      return null;
    }
    return {
      item: current,
      move: {
        from: 'in_queue',
        to: 'in_progress',
        patch: { runningSeenAt: now, queuePosition: null, nextPollAt, pollCount },
        reason: 'generating (will be billed)',
        // Lost in a power cut, the next poll sees it running again.
        durable: false,
      },
    };
  }

  private async fetchResult(item: ItemRecord, client: RunComfyClient): Promise<Outcome | null> {
    const answer = await client.result(item.requestId!, this.ctx.closeSignal);
    if (this.ctx.closeSignal.aborted) return null;
    crashPoint('mid-poll');
    const current = this.ctx.store.items.getItem(item.id);
    if (!current || !POLLED_STATES.includes(current.state)) return null;
    const pollCount = current.pollCount + 1;
    if (!answer.ok) return this.pollFailed(current, client, answer.failure, pollCount);
    const now = this.ctx.clock.now();
    const { status, videoUrl, error, costUsd, serverElapsedMs } = answer.value;
    switch (status) {
      case 'in_queue':
      case 'in_progress':
        // Asked before the end, or /status ran ahead of /result: ask again when due.
        this.answered(current);
        return this.stillLive(current, status, null, pollCount);
      case 'completed': {
        if (!videoUrl) {
          return endedWithout(current, POLLED_STATES, 'failed', text.noOutput(current.requestId), {
            why: 'succeeded without a video URL',
            errorCode: 'no_output',
            costUsd,
            finishedAt: now,
            pollCount,
          });
        }
        // Its generation slot is free now: the next submit need not wait for this download.
        return {
          item: current,
          move: {
            from: POLLED_STATES,
            to: 'downloading',
            patch: { resultUrl: videoUrl, costUsd, queuePosition: null, nextPollAt: null, pollCount },
            reason: 'generated; downloading',
          },
          learnedRunMs: this.runTimes.observedRunMs(current, now, serverElapsedMs),
        };
      }
      case 'failed': {
        return endedWithout(current, POLLED_STATES, 'failed', text.generationFailed(error), {
          why: 'generation failed',
          errorCode: 'generation_failed',
          queuePosition: null,
          costUsd,
          finishedAt: now,
          pollCount,
        });
      }
      case 'cancelled':
        return {
          item: current,
          move: {
            from: POLLED_STATES,
            to: 'cancelled',
            patch: {
              costUsd,
              mayBeBilled: (costUsd ?? 0) > 0,
              finishedAt: now,
              queuePosition: null,
              pollCount,
            },
            reason: 'cancelled at the API',
          },
        };
      default:
        return assertNever(status);
    }
  }

  /** An answer about the job came: the streaks of errors and 404001s end, a key wait is over. */
  private answered(item: ItemRecord): void {
    this.pollErrors.delete(item.id);
    this.notFound.delete(item.id);
    if (item.errorCode === WAITING_FOR_KEY)
      this.ctx.store.items.updateWithoutFsync(item.id, { errorCode: null, errorMessage: null });
  }

  /**
   * No key is known for the API the job was submitted to (the settings point elsewhere now, or
   * the key was removed): the job is still there, so it waits, and says why. Asking another
   * server would only hear "unknown request"; a key change wakes it (setCredentials).
   */
  private waitForKey(item: ItemRecord): null {
    const message = text.waitingForEndpointKey(item.apiBaseUrl ?? this.ctx.credentials().apiBaseUrl);
    const now = this.ctx.clock.now();
    if (item.errorCode !== WAITING_FOR_KEY) this.ctx.log('warn', `item ${item.id}: ${formatReason(message)}`);
    this.ctx.store.items.updateWithoutFsync(item.id, {
      errorCode: WAITING_FOR_KEY,
      reason: message,
      nextPollAt: now + NO_KEY_RECHECK_MS,
    });
    return null;
  }

  /** The job is visible only to the key that sent it, not set now: it waits, and says why. */
  private waitForItsKey(item: ItemRecord): null {
    if (item.errorCode !== WAITING_FOR_KEY)
      this.ctx.log('warn', `item ${item.id}: ${formatReason(text.sentWithOtherKey)}`);
    this.ctx.store.items.updateWithoutFsync(item.id, {
      errorCode: WAITING_FOR_KEY,
      reason: text.sentWithOtherKey,
      nextPollAt: this.ctx.clock.now() + NO_KEY_RECHECK_MS,
    });
    return null;
  }

  private pollFailed(
    item: ItemRecord,
    client: RunComfyClient,
    failure: ApiFailure,
    pollCount: number,
  ): Outcome | null {
    const now = this.ctx.clock.now();
    let pause: Outcome['pause'];
    if (failure.kind !== 'not_found') this.notFound.delete(item.id);
    switch (failure.kind) {
      case 'not_found': {
        // Only RunComfy's 404001 gets here (a bare 404 is `garbage`), and only a few in a row
        // expire the job; until then it is asked again like after any hiccup.
        const seen = (this.notFound.get(item.id) ?? 0) + 1;
        this.notFound.set(item.id, seen);
        if (seen < NOT_FOUND_CONFIRMATIONS) break;
        return endedWithout(item, POLLED_STATES, 'expired', text.requestUnknown(item.requestId), {
          why: `request unknown to the API (${seen} answers in a row)`,
          errorCode: failure.errorCode ?? '404001',
          finishedAt: now,
          pollCount,
        });
      }
      case 'forbidden': {
        // Asked with another key than the one that sent it (the user set a new key, and this
        // process no longer has the old one): the job is not gone, only hidden from this key.
        if (!this.ctx.sendsItsKey(client, item)) return this.waitForItsKey(item);
        return endedWithout(item, POLLED_STATES, 'failed', text.otherAccount(item.requestId), {
          why: 'request belongs to another account',
          errorCode: '403001',
          finishedAt: now,
          pollCount,
        });
      }
      case 'bad_key':
      case 'no_balance':
        // Only an answer to the key in use now says something about it; one to a key replaced
        // since (or to no key) waits for the next poll with the current one.
        if (this.ctx.speaksForCurrentKey(client))
          pause = { scope: 'account', reason: failure.kind, detail: text.account(failure) };
        break;
      case 'rate_limited':
      case 'server':
      case 'network':
      case 'timeout':
      case 'garbage':
      case 'rejected':
        break;
      default:
        assertNever(failure.kind);
    }
    // Transient (or waiting for a new key): back off with full jitter, honouring Retry-After.
    const attempt = (this.pollErrors.get(item.id) ?? 0) + 1;
    this.pollErrors.set(item.id, attempt);
    const delay = Math.max(
      failure.retryAfterMs ?? 0,
      backoffDelay(attempt, API_BACKOFF, this.ctx.random()),
      250,
    );
    this.ctx.log(
      'info',
      `item ${item.id}: poll failed (${failure.message}); next in ${Math.round(delay)} ms`,
    );
    this.ctx.store.items.updateWithoutFsync(item.id, { nextPollAt: now + delay, pollCount });
    return pause ? { item, pause } : null;
  }

  private nextPoll(
    item: ItemRecord,
    lastStatus: PollObservation['lastStatus'],
    patch: { lastQueuedSeenAt?: number | null; queuePosition?: number | null },
  ): number {
    const now = this.ctx.clock.now();
    return this.ctx.policy.nextPollAt(
      {
        now,
        submittedAt: item.submittedAt ?? now,
        lastQueuedSeenAt:
          patch.lastQueuedSeenAt !== undefined ? patch.lastQueuedSeenAt : item.lastQueuedSeenAt,
        lastStatus,
        queuePosition: patch.queuePosition ?? null,
      },
      this.runTimes.estimateFor(item),
      this.ctx.random,
    );
  }
}
