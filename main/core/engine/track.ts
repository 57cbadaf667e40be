// Track: follow an accepted request until it ends, asking /status when the poll policy aims
// (near the expected finish), and /result for the verdict (success is decided by /result
// alone: a failed job may show `completed` on /status). Also cancels at the API. It yields
// what happened; the coordinator settles each outcome before the loop asks again.
import PQueue from 'p-queue';
import type { ApiFailure } from '../api/client';
import { fullJitterBackoff } from '../api/retry';
import type { ItemRecord } from '../db/rows';
import { assertNever, type ItemState } from '../domain';
import type { CancelItemOutcome } from '../contracts';
import type { EngineContext } from './context';
import { crashPoint } from './crash-points';
import { text } from './messages';
import type { Outcome } from './outcome';
import type { PollObservation } from './poll-policy';
import type { RunTimes } from './run-times';

const LIVE: readonly ItemState[] = ['in_queue', 'in_progress'];

export class TrackPhase {
  private readonly following = new Set<number>();
  private readonly pollErrors = new Map<number, number>();
  private readonly polls: PQueue;

  constructor(
    private readonly ctx: EngineContext,
    private readonly runTimes: RunTimes,
  ) {
    this.polls = new PQueue({ concurrency: ctx.limits.pollConcurrency });
  }

  isFollowing(itemId: number): boolean {
    return this.following.has(itemId);
  }

  /** Polls the item while it is live and its batch held here; yields each outcome to settle. */
  async *follow(itemId: number): AsyncGenerator<Outcome> {
    if (this.following.has(itemId)) return;
    this.following.add(itemId);
    try {
      while (!this.ctx.closeSignal.aborted) {
        const item = this.ctx.store.getItem(itemId);
        if (!item || !LIVE.includes(item.state) || !this.ctx.held.has(item.batchId)) return;
        const wait = (item.nextPollAt ?? 0) - this.ctx.clock.now();
        if (wait > 0) {
          try {
            await this.ctx.clock.sleep(wait, this.ctx.wakeSignal());
          } catch {
            // Woken (wake(), close()): re-read the item and decide again.
          }
          continue;
        }
        const outcome = await this.polls.add(() => this.pollOnce(item));
        if (outcome) yield outcome;
      }
    } finally {
      this.following.delete(itemId);
      this.pollErrors.delete(itemId);
    }
  }

  private async pollOnce(item: ItemRecord): Promise<Outcome | null> {
    const status = await this.ctx.client().status(item.requestId!);
    crashPoint('mid-poll');
    const now = this.ctx.clock.now();
    const current = this.ctx.store.getItem(item.id);
    if (!current || !LIVE.includes(current.state)) return null;
    const pollCount = current.pollCount + 1;
    if (!status.ok) return this.pollFailed(current, status.failure, pollCount);
    this.pollErrors.delete(item.id);
    switch (status.value.status) {
      case 'in_queue': {
        const seen = { lastQueuedSeenAt: now, queuePosition: status.value.queuePosition };
        this.ctx.store.note(item.id, {
          ...seen,
          pollCount,
          nextPollAt: this.nextPoll(current, 'in_queue', seen),
        });
        return null;
      }
      case 'in_progress': {
        const nextPollAt = this.nextPoll(current, 'in_progress', {});
        if (current.state !== 'in_queue') {
          this.ctx.store.note(item.id, { nextPollAt, pollCount });
          return null;
        }
        return {
          item: current,
          move: {
            from: 'in_queue',
            to: 'in_progress',
            patch: { runningSeenAt: now, queuePosition: null, nextPollAt, pollCount },
            reason: 'generating (will be billed)',
          },
        };
      }
      case 'completed':
      case 'failed':
      case 'cancelled':
        this.ctx.store.note(item.id, { pollCount });
        return this.fetchResult(current);
      default:
        return assertNever(status.value.status);
    }
  }

  private async fetchResult(item: ItemRecord): Promise<Outcome | null> {
    const answer = await this.ctx.client().result(item.requestId!);
    const current = this.ctx.store.getItem(item.id);
    if (!current || !LIVE.includes(current.state)) return null;
    const pollCount = current.pollCount + 1;
    if (!answer.ok) return this.pollFailed(current, answer.failure, pollCount);
    const now = this.ctx.clock.now();
    const { status, videoUrl, error, costUsd, serverElapsedMs } = answer.value;
    switch (status) {
      case 'in_queue':
      case 'in_progress':
        // /status ran ahead of /result: ask again shortly.
        this.ctx.store.note(item.id, { pollCount, nextPollAt: this.nextPoll(current, 'in_progress', {}) });
        return null;
      case 'completed': {
        if (!videoUrl) {
          const message = text.noOutput(current.requestId);
          return {
            item: current,
            move: {
              from: LIVE,
              to: 'failed',
              patch: { errorCode: 'no_output', reason: message, costUsd, finishedAt: now, pollCount },
              reason: 'succeeded without a video URL',
            },
            streak: { failed: message },
          };
        }
        // Its generation slot is free now: the next submit need not wait for this download.
        return {
          item: current,
          move: {
            from: LIVE,
            to: 'downloading',
            patch: { resultUrl: videoUrl, costUsd, queuePosition: null, nextPollAt: null, pollCount },
            reason: 'generated; downloading',
          },
          learnedRunMs: this.runTimes.observedRunMs(current, now, serverElapsedMs),
        };
      }
      case 'failed': {
        const message = text.generationFailed(error);
        return {
          item: current,
          move: {
            from: LIVE,
            to: 'failed',
            patch: {
              errorCode: 'generation_failed',
              reason: message,
              costUsd,
              finishedAt: now,
              queuePosition: null,
              pollCount,
            },
            reason: 'generation failed',
          },
          streak: { failed: message },
        };
      }
      case 'cancelled':
        return {
          item: current,
          move: {
            from: LIVE,
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

  private pollFailed(item: ItemRecord, failure: ApiFailure, pollCount: number): Outcome | null {
    const now = this.ctx.clock.now();
    let pause: Outcome['pause'];
    switch (failure.kind) {
      case 'not_found': {
        const message = text.requestUnknown(item.requestId);
        return {
          item,
          move: {
            from: LIVE,
            to: 'expired',
            patch: {
              errorCode: failure.errorCode ?? '404001',
              reason: message,
              finishedAt: now,
              pollCount,
            },
            reason: 'request unknown to the API',
          },
          streak: { failed: message },
        };
      }
      case 'forbidden': {
        const message = text.otherAccount(item.requestId);
        return {
          item,
          move: {
            from: LIVE,
            to: 'failed',
            patch: { errorCode: '403001', reason: message, finishedAt: now, pollCount },
            reason: 'request belongs to another account',
          },
          streak: { failed: message },
        };
      }
      case 'bad_key':
      case 'no_balance':
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
      fullJitterBackoff(attempt, this.ctx.random, 2000, 5 * 60_000),
      250,
    );
    this.ctx.log(
      'info',
      `item ${item.id}: poll failed (${failure.message}); next in ${Math.round(delay)} ms`,
    );
    this.ctx.store.note(item.id, { nextPollAt: now + delay, pollCount });
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

  /** Asks the API to cancel a request that waits in its queue; says what became of it. */
  async cancelRemote(item: ItemRecord): Promise<{ result: CancelItemOutcome; outcome?: Outcome }> {
    if (!item.requestId) return { result: 'cancel_requested' };
    this.ctx.store.update(item.id, { cancelRequested: true });
    const answer = await this.ctx.client().cancel(item.requestId);
    if (!answer.ok) {
      this.ctx.log('warn', `item ${item.id}: cancel not confirmed (${answer.failure.message})`);
      return { result: 'cancel_requested' };
    }
    switch (answer.value.outcome) {
      case 'cancelled':
        return {
          result: 'cancelled',
          outcome: {
            item,
            move: {
              from: 'in_queue',
              to: 'cancelled',
              patch: { mayBeBilled: false, finishedAt: this.ctx.clock.now(), queuePosition: null },
              reason: 'cancelled at the API before it ran',
            },
          },
        };
      case 'not_cancellable':
        // Already running: it will be billed; keep polling and download it.
        this.ctx.store.update(item.id, { nextPollAt: this.ctx.clock.now() });
        return { result: 'running_cannot_stop' };
      case 'not_confirmed':
        this.ctx.store.update(item.id, { nextPollAt: this.ctx.clock.now() });
        return { result: 'cancel_requested' };
      default:
        return assertNever(answer.value.outcome);
    }
  }
}
