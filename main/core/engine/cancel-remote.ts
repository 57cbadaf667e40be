// Cancel at the API: asks RunComfy to cancel a request of ours that still waits in its queue,
// and says what became of it (cancelled, already running and so billed, or not confirmed). The
// coordinator settles the outcome; the command that asked (cancelItem) reports the result.
import type { CancelItemOutcome } from '../core-api';
import type { ItemRecord } from '../db/rows';
import { assertNever } from '../domain';
import type { EngineContext } from './context';
import type { Outcome } from './outcome';

/** Asks the API to cancel a request that waits in its queue; says what became of it. */
export async function cancelRemote(
  ctx: EngineContext,
  item: ItemRecord,
): Promise<{ result: CancelItemOutcome; outcome?: Outcome }> {
  if (!item.requestId) return { result: 'cancel_requested' };
  ctx.store.items.update(item.id, { cancelRequested: true });
  const client = ctx.clientFor(item);
  // No key for the API the job is at: nothing can be asked there; it stays tracked.
  if (!client) return { result: 'cancel_requested' };
  const answer = await client.cancel(item.requestId);
  if (!answer.ok) {
    ctx.log('warn', `item ${item.id}: cancel not confirmed (${answer.failure.message})`);
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
            patch: { mayBeBilled: false, finishedAt: ctx.clock.now(), queuePosition: null },
            reason: 'cancelled at the API before it ran',
          },
        },
      };
    case 'not_cancellable':
      // Already running: it will be billed; keep polling and download it.
      ctx.store.items.update(item.id, { nextPollAt: ctx.clock.now() });
      return { result: 'running_cannot_stop' };
    case 'not_confirmed':
      ctx.store.items.update(item.id, { nextPollAt: ctx.clock.now() });
      return { result: 'cancel_requested' };
    default:
      return assertNever(answer.value.outcome);
  }
}
