// Waiting on the engine from outside (tests, the harness, the bench): until an item reaches a
// state, or until nothing runs. Real time, not the engine's clock: the waiter is a person's
// script, and a timeout names what did not happen.
import { setTimeout as realDelay } from 'node:timers/promises';
import { toItemView, type ItemRecord } from '../db/rows';
import type { JobStore } from '../db/store';
import type { ItemState, ItemView } from '../domain';

/** Resolves with the item once it is in one of `states` (at once if it already is). */
export function waitForItemState(
  store: JobStore,
  listeners: Set<(item: ItemRecord) => void>,
  itemId: number,
  states: ItemState | readonly ItemState[],
  timeoutMs: number,
): Promise<ItemView> {
  const wanted: readonly ItemState[] = typeof states === 'string' ? [states] : states;
  return new Promise((resolve, reject) => {
    const check = (item: ItemRecord | null) => {
      if (item && wanted.includes(item.state)) {
        cleanup();
        resolve(toItemView(item));
      }
    };
    const listener = (item: ItemRecord) => {
      if (item.id === itemId) check(item);
    };
    const timer = setTimeout(() => {
      cleanup();
      const item = store.items.getItem(itemId);
      reject(
        new Error(
          `Item ${itemId} did not reach ${wanted.join('|')} within ${timeoutMs} ms; it is '${item?.state}'.`,
        ),
      );
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      listeners.delete(listener);
    };
    listeners.add(listener);
    check(store.items.getItem(itemId));
  });
}

/** Resolves once `busy()` has said no twice in a row (a finishing task may schedule the next one). */
export async function waitUntilIdle(busy: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let quietChecks = 0;
  while (quietChecks < 2) {
    quietChecks = busy() ? 0 : quietChecks + 1;
    if (Date.now() > deadline) throw new Error(`The engine was still busy after ${timeoutMs} ms.`);
    await realDelay(5);
  }
}
