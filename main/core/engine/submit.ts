// Submit: turn a picked item into a request RunComfy accepted, without ever sending one twice
// on its own. Three steps, each returning what happened: prepare (read the image), intent
// (the durable "maybe sent" row, written by settle BEFORE anything is sent), send (the request
// and what its answer means). A refusal that provably never reached the server goes back to
// `queued` with a back-off; an answer that was lost becomes `unknown_submit`, for the user.
import { fullJitterBackoff } from '../api/retry';
import type { ItemRecord } from '../db/rows';
import type { BatchSettings } from '../domain';
import { assertNever } from '../domain';
import type { BatchRuntime, EngineContext } from './context';
import { crashPoint } from './crash-points';
import { text } from './messages';
import type { Outcome } from './outcome';
import type { RunTimes } from './run-times';

export class SubmitPhase {
  constructor(
    private readonly ctx: EngineContext,
    private readonly runTimes: RunTimes,
  ) {}

  /** Reads the image into the request body; a file that cannot be read fails the item (nothing sent). */
  async prepare(item: ItemRecord): Promise<{ body: Record<string, unknown> } | { outcome: Outcome }> {
    try {
      const body = await this.ctx.materialize(item.request, {
        sourcePath: item.sourcePath,
        relativePath: item.relativePath,
        imageHash: item.imageHash,
      });
      return { body };
    } catch (error) {
      const message = text.unreadableInput(item.sourcePath, (error as Error).message);
      return {
        outcome: {
          item,
          move: {
            from: 'queued',
            to: 'failed',
            patch: { errorCode: 'input_unreadable', reason: message },
            reason: 'image could not be read',
          },
          streak: { failed: message },
        },
      };
    }
  }

  /**
   * Whether a prepared item may still go out. Paused meanwhile: it stays queued. Except for a
   * budget pause: this item was picked within the budget, and the pause was about the one after it.
   */
  mayStillSend(item: ItemRecord): boolean {
    const batch = this.ctx.store.getBatch(item.batchId);
    const goAhead =
      batch?.state === 'running' || (batch?.state === 'paused' && batch.pauseReason === 'budget_reached');
    return goAhead && this.ctx.held.has(item.batchId);
  }

  /** The intent, durably, before anything is sent: after a crash this row says "maybe sent". */
  intent(item: ItemRecord): Outcome {
    return {
      item,
      move: {
        from: 'queued',
        to: 'submitting',
        patch: (current) => ({
          attempts: current.attempts + 1,
          submittedAt: this.ctx.clock.now(),
          mayBeBilled: true,
          requestId: null,
          queuePosition: null,
          lastQueuedSeenAt: null,
          runningSeenAt: null,
          errorCode: null,
          errorMessage: null,
        }),
        reason: `submit attempt ${item.attempts + 1}`,
        lease: true,
      },
    };
  }

  /** Sends the request of an item whose intent is stored, and says what the answer means. */
  async send(
    runtime: BatchRuntime,
    item: ItemRecord,
    settings: BatchSettings,
    body: Record<string, unknown>,
  ): Promise<Outcome> {
    crashPoint('after-intent');
    const answer = await this.ctx.client().submit(settings.modelId, body);
    const { clock, random, policy } = this.ctx;
    if (answer.ok) {
      runtime.submitRetries = 0;
      const now = clock.now();
      const nextPollAt = policy.nextPollAt(
        {
          now,
          submittedAt: item.submittedAt ?? now,
          lastQueuedSeenAt: null,
          lastStatus: 'submitted',
          queuePosition: null,
        },
        this.runTimes.estimateFor(item),
        random,
      );
      return {
        item,
        move: {
          from: 'submitting',
          to: 'in_queue',
          patch: { requestId: answer.value.requestId, nextPollAt },
          reason: `accepted as ${answer.value.requestId}`,
        },
      };
    }
    const failure = answer.failure;
    const notBilled = { mayBeBilled: false, errorCode: failure.errorCode, errorMessage: failure.message };
    if (failure.neverSent) {
      // Provably never reached the server (refused, DNS, 429): it is safe to send again later.
      runtime.submitRetries++;
      const delay = Math.max(
        failure.retryAfterMs ?? 0,
        fullJitterBackoff(runtime.submitRetries, random, 2000, 5 * 60_000),
      );
      return {
        item,
        move: {
          from: 'submitting',
          to: 'queued',
          patch: notBilled,
          reason: `not sent (${failure.kind}: ${failure.message}); will retry`,
        },
        holdSubmitsUntil: clock.now() + delay,
      };
    }
    switch (failure.kind) {
      case 'bad_key':
      case 'no_balance':
        // The API refused before creating anything: the item waits, the whole queue pauses.
        return {
          item,
          move: { from: 'submitting', to: 'queued', patch: notBilled, reason: `refused: ${failure.message}` },
          pause: { scope: 'account', reason: failure.kind, detail: text.account(failure) },
        };
      case 'rejected':
      case 'forbidden':
      case 'not_found': {
        const message = text.refused(failure.message);
        return {
          item,
          move: {
            from: 'submitting',
            to: 'failed',
            patch: { ...notBilled, errorCode: failure.errorCode ?? failure.kind, reason: message },
            reason: 'refused by the API',
          },
          streak: { failed: message },
        };
      }
      case 'rate_limited':
      case 'server':
      case 'network':
      case 'timeout':
      case 'garbage': {
        const message = text.answerLost(failure.message);
        return {
          item,
          move: {
            from: 'submitting',
            to: 'unknown_submit',
            patch: { errorCode: 'unknown_submit', reason: message },
            reason: `answer lost: ${failure.kind}`,
          },
          streak: { failed: message },
        };
      }
      default:
        return assertNever(failure.kind);
    }
  }
}
