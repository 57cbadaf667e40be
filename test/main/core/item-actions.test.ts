// One table decides which action an item in each state allows (common/item-actions.ts): the
// engine's commands accept exactly what it allows, "retry chosen items" picks exactly those, the
// renderer shows its buttons from the same answer, and the CLI's lists come from it too.
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { planRetry } from '../../../main/core/app/retry-failed';
import { ITEM_STATES, TERMINAL_STATES, type ItemState } from '../../../main/core/domain';
import {
  actionFor,
  GENERATING_STATES,
  IN_FLIGHT_STATES,
  NOT_PLANNED_STATES,
  POLLED_STATES,
  PROBLEM_STATES,
  RETRY_ALL_STATES,
  statesAllowing,
  UNFINISHED_STATES,
} from '@common/item-actions';
import {
  actionFor as rendererActionFor,
  ITEM_STATES as rendererStates,
} from '../../../renderer/src/lib/states';
import { harness, type Harness } from './engine/harness';

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

/** Puts each item straight into a state, as another process (or an old build) may have left it. */
function setStates(dbPath: string, states: Map<number, ItemState>): void {
  const db = new Database(dbPath);
  try {
    const set = db.prepare('UPDATE items SET state = ? WHERE id = ?');
    for (const [id, state] of states) set.run(state, id);
  } finally {
    db.close();
  }
}

describe('the groups of states', () => {
  it('are read from the action table, so every state lands in exactly the groups its action says', () => {
    // Unfinished and terminal split the states in two: the engine waits for the one, the
    // overnight tray and the event stream count the other.
    expect(UNFINISHED_STATES).toEqual(['queued', 'submitting', 'in_queue', 'in_progress', 'downloading']);
    expect([...UNFINISHED_STATES, ...TERMINAL_STATES].sort()).toEqual([...ITEM_STATES].sort());
    expect(UNFINISHED_STATES.filter((state) => TERMINAL_STATES.includes(state))).toEqual([]);
    // In flight: what recovery re-attaches and a cancel must reach; generating: what holds a slot
    // of the account's concurrency at RunComfy (a download does not).
    expect(IN_FLIGHT_STATES).toEqual(['submitting', 'in_queue', 'in_progress', 'downloading']);
    expect(GENERATING_STATES).toEqual(['submitting', 'in_queue', 'in_progress']);
    // Polled: accepted by RunComfy (a request id) and not finished there.
    expect(POLLED_STATES).toEqual(['in_queue', 'in_progress']);
    expect(PROBLEM_STATES).toEqual(['failed', 'expired', 'unknown_submit']);
    expect(NOT_PLANNED_STATES).toEqual(['rejected', 'skipped']);
  });
});

describe('which action an item in a state allows', () => {
  it('is one table: the renderer asks the same function, and the lists are read from it', () => {
    expect(rendererActionFor).toBe(actionFor);
    for (const state of ITEM_STATES) expect(statesAllowing(actionFor(state))).toContain(state);
    expect(statesAllowing('retry')).toEqual(['failed', 'expired', 'cancelled']);
    expect(statesAllowing('resubmit')).toEqual(['unknown_submit']);
    expect(statesAllowing('cancel')).toEqual(['queued', 'submitting', 'in_queue']);
    // "Retry all failed" leaves cancelled items alone; each of its states allows a retry.
    expect(RETRY_ALL_STATES).toEqual(['failed', 'expired']);
    for (const state of RETRY_ALL_STATES) expect(actionFor(state)).toBe('retry');
    // Terminal (nothing happens without the user asking) is read from the table too.
    expect(TERMINAL_STATES).toEqual([
      'done',
      'failed',
      'cancelled',
      'expired',
      'unknown_submit',
      'rejected',
      'skipped',
    ]);
    expect(rendererStates).toBe(ITEM_STATES);
  });

  it('is what the engine accepts: retry, resubmit and cancel in every state', async () => {
    h = await harness();
    const n = ITEM_STATES.length;
    const { batchId, itemIds } = h.batch(3 * n);
    const byOp = (op: number) => new Map(ITEM_STATES.map((state, i) => [itemIds[op * n + i]!, state]));
    const [retry, resubmit, cancel] = [byOp(0), byOp(1), byOp(2)];
    setStates(h.dbPath, new Map([...retry, ...resubmit, ...cancel]));
    const engine = h.engine;

    // Retry of chosen items picks exactly the states the table allows a retry in.
    const plan = planRetry(engine, batchId, [...retry.keys()]);
    expect(plan.notRetryable.map((item) => item.state)).toEqual(
      ITEM_STATES.filter((state) => actionFor(state) !== 'retry'),
    );
    expect(plan.itemIds.map((id) => retry.get(id)).sort()).toEqual(statesAllowing('retry').sort());

    for (const [id, state] of retry) {
      const attempt = () => engine.commands.retryItem(id);
      if (actionFor(state) === 'retry') expect(attempt, state).not.toThrow();
      else expect(attempt, state).toThrow(/can be retried/);
    }
    for (const [id, state] of resubmit) {
      const attempt = () => engine.commands.resubmitItem(id);
      if (actionFor(state) === 'resubmit') expect(attempt, state).not.toThrow();
      else expect(attempt, state).toThrow(/can be resubmitted/);
    }
    for (const [id, state] of cancel) {
      const outcome = await engine.commands.cancelItem(id);
      const action = actionFor(state);
      if (action === 'cancel') expect(['cancelled', 'cancel_requested'], state).toContain(outcome);
      else if (action === 'wait') expect(outcome, state).toBe('running_cannot_stop');
      else expect(outcome, state).toBe('already_finished');
    }
  });
});
