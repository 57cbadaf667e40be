// Submit: turn a picked item into a request RunComfy accepted, without ever sending one twice
// on its own. Three steps, each returning what happened: prepare (read the image), intent
// (the durable "maybe sent" row, written by settle BEFORE anything is sent), send (the request
// and what its answer means). A refusal that provably never reached the server goes back to
// `queued` with a back-off; an answer that was lost becomes `unknown_submit`, for the user.
import type { RunComfyClient } from '../api/client';
import { API_BACKOFF } from '../api/retry';
import { backoffDelay } from '../util/backoff';
import type { ItemRecord } from '../db/rows';
import type { BatchSettings } from '../domain';
import { assertNever } from '../domain';
import type { BatchRuntime, EngineContext } from './context';
import { endedWithout } from './outcome';
import { crashPoint } from './crash-points';
import { text } from './messages';
import { assertAccountSlot } from './account-slots';
import type { Outcome } from './outcome';
import type { RunTimes } from './run-times';

/** The intent was not written: it would have passed the daily cap (the item stays queued). */
export class DailyCapPassedError extends Error {
  constructor(readonly itemId: number) {
    super(`Item ${itemId} was not sent: it would pass the daily spending cap.`);
    this.name = 'DailyCapPassedError';
  }
}

export class SubmitPhase {
  constructor(
    private readonly ctx: EngineContext,
    private readonly runTimes: RunTimes,
  ) {}

  /**
   * Reads the images into the request body; a file that cannot be read, or that changed since the
   * scan, fails the item (nothing sent). Every image is re-verified, the end image too: the
   * planned fingerprint and model let the intake check the ones without a hash of their own.
   */
  async prepare(
    item: ItemRecord,
    modelId: string,
  ): Promise<{ body: Record<string, unknown> } | { outcome: Outcome }> {
    try {
      const body = await this.ctx.materialize(item.request, {
        sourcePath: item.sourcePath,
        relativePath: item.relativePath,
        imageHash: item.imageHash,
        requestFingerprint: item.requestFingerprint,
        modelId,
      });
      return { body };
    } catch (error) {
      const message = text.unreadableInput(item.sourcePath, (error as Error).message);
      return {
        outcome: endedWithout(item, 'queued', 'failed', message, {
          why: 'image could not be read',
          errorCode: 'input_unreadable',
        }),
      };
    }
  }

  /**
   * Whether a prepared item may still go out. Paused meanwhile: it stays queued. Except for a
   * budget or daily-cap pause: this item was picked within the cap, and the pause was about the
   * one after it.
   * Never once close() began, nor when the settings changed meanwhile to
   * no key or to the other mode (a demo batch is never paid for, nor a real one faked).
   */
  mayStillSend(item: ItemRecord): boolean {
    if (this.ctx.closeSignal.aborted) return false;
    const batch = this.ctx.store.batches.getBatch(item.batchId);
    const goAhead =
      batch?.state === 'running' ||
      (batch?.state === 'paused' &&
        (batch.pauseReason === 'budget_reached' || batch.pauseReason === 'daily_cap_reached'));
    const credentials = this.ctx.credentials();
    return (
      goAhead &&
      this.ctx.held.has(item.batchId) &&
      credentials.apiKey !== null &&
      batch.simulated === credentials.simulated
    );
  }

  /**
   * The intent, durably, before anything is sent: after a crash this row says "maybe sent". It
   * records where the request goes (`client`'s base URL): the job is polled and downloaded there.
   */
  intent(item: ItemRecord, client: RunComfyClient): Outcome {
    return {
      item,
      move: {
        from: 'queued',
        to: 'submitting',
        // Runs inside the intent's write transaction, so the daily cap and the account's limit
        // on generations in flight are checked against what every process has recorded, with
        // no other submit recorded in between.
        patch: (current) => ({
          ...this.assertDailyRoom(current),
          ...assertAccountSlot(this.ctx, current),
          attempts: current.attempts + 1,
          submittedAt: this.ctx.clock.now(),
          mayBeBilled: true,
          requestId: null,
          apiBaseUrl: client.baseUrl,
          keyFingerprint: this.ctx.keyFingerprintOf(client),
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

  /**
   * Throws DailyCapPassedError when recording this item would pass the daily cap (another
   * process spent since admission picked it). Returns an empty patch to spread.
   */
  private assertDailyRoom(item: ItemRecord): Record<string, never> {
    const cap = this.ctx.account.dailyCap();
    if (cap === null || this.ctx.store.batches.batchFixed(item.batchId)?.simulated) return {};
    const committed = this.ctx.account.committedSince(this.ctx.dayStart(this.ctx.clock.now()));
    if (committed + item.estimatedCostUsd > cap + 1e-9) throw new DailyCapPassedError(item.id);
    return {};
  }

  /**
   * Sends the request of an item whose intent is stored (through the client the intent named),
   * and says what the answer means.
   */
  async send(
    runtime: BatchRuntime,
    item: ItemRecord,
    settings: BatchSettings,
    body: Record<string, unknown>,
    client: RunComfyClient,
  ): Promise<Outcome> {
    crashPoint('after-intent');
    // close() began while the intent was written: nothing goes out; it was not sent, so it is
    // queued again (the attempt did not happen).
    if (this.ctx.closeSignal.aborted)
      return {
        item,
        move: {
          from: 'submitting',
          to: 'queued',
          patch: (current) => ({ attempts: Math.max(0, current.attempts - 1), mayBeBilled: false }),
          reason: 'not sent: Stillmotion was closing',
        },
      };
    const answer = await client.submit(settings.modelId, body);
    const { clock, random, policy, store } = this.ctx;
    if (answer.ok) {
      runtime.submitRetries = 0;
      const now = clock.now();
      const { requestId } = answer.value;
      // Durably, before anything else can fail: the database write below may not go through.
      this.ctx.journal.record({
        itemId: item.id,
        attempt: item.attempts,
        requestId,
        apiBaseUrl: client.baseUrl,
        keyFingerprint: this.ctx.keyFingerprintOf(client),
        at: now,
      });
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
          // unknown_submit: this process lost the batch's lease while the request was on the
          // wire, and the new holder could only call it unknown. The answer proves the job
          // exists and will be billed: store it (no lease needed), the holder tracks it.
          from: ['submitting', 'unknown_submit'],
          to: 'in_queue',
          patch: { requestId, nextPollAt, errorCode: null, errorMessage: null },
          reason: `accepted as ${requestId}`,
          // Only onto the attempt that sent it: a late answer never lands on a newer attempt
          // (the user's Resubmit) and takes that paid job's place.
          expect: { attempts: item.attempts },
        },
        reopens: true,
        // Not this attempt any more (or stored already from the journal): the job exists and is
        // billed, so it is filed with the attempt that sent it.
        ifNotWritten: async () =>
          store.attempts.fileEarlierAnswer(
            item.id,
            item.attempts,
            requestId,
            item.submittedAt,
            item.estimatedCostUsd,
          ),
      };
    }
    const failure = answer.failure;
    const notBilled = { mayBeBilled: false, errorCode: failure.errorCode, errorMessage: failure.message };
    if (failure.neverSent) {
      // Provably never reached the server (refused, DNS, 429): it is safe to send again later.
      runtime.submitRetries++;
      const delay = Math.max(
        failure.retryAfterMs ?? 0,
        backoffDelay(runtime.submitRetries, API_BACKOFF, random()),
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
        ...(failure.kind === 'rate_limited' ? { accountRefused: true } : {}),
      };
    }
    switch (failure.kind) {
      case 'bad_key':
      case 'no_balance':
        // The API refused before creating anything: the item waits, the whole queue pauses,
        // unless the key was replaced while it was on the wire (the answer is not about the
        // key in use now; the item goes out again with it).
        return {
          item,
          move: { from: 'submitting', to: 'queued', patch: notBilled, reason: `refused: ${failure.message}` },
          ...(this.ctx.speaksForCurrentKey(client)
            ? { pause: { scope: 'account' as const, reason: failure.kind, detail: text.account(failure) } }
            : {}),
        };
      case 'rejected':
      case 'forbidden':
      case 'not_found': {
        return endedWithout(item, 'submitting', 'failed', text.refused(failure.message), {
          why: 'refused by the API',
          ...notBilled,
          errorCode: failure.errorCode ?? failure.kind,
        });
      }
      case 'rate_limited':
      case 'server':
      case 'network':
      case 'timeout':
      case 'garbage': {
        return endedWithout(item, 'submitting', 'unknown_submit', text.answerLost(failure.message), {
          why: `answer lost: ${failure.kind}`,
          errorCode: 'unknown_submit',
        });
      }
      default:
        return assertNever(failure.kind);
    }
  }
}
