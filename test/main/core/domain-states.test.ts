import { describe, expect, it } from 'vitest';
import { ITEM_STATES, TERMINAL_STATES } from '../../../main/core/domain';
import { actionFor, canTransition, TRANSITIONS } from '../../../main/core/domain/states';

describe('item state machine', () => {
  it('has a row for every state and only known targets', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...ITEM_STATES].sort());
    for (const targets of Object.values(TRANSITIONS))
      for (const t of targets) expect(ITEM_STATES).toContain(t);
  });

  it('follows the happy path and never lets a submitted item be sent again on its own', () => {
    const path = ['queued', 'submitting', 'in_queue', 'in_progress', 'downloading', 'done'] as const;
    for (let i = 0; i + 1 < path.length; i++) expect(canTransition(path[i]!, path[i + 1]!)).toBe(true);
    // Only "provably never sent" goes back to queued; everything after the request id is stored cannot.
    for (const state of ['in_queue', 'in_progress', 'downloading', 'done'] as const)
      expect(canTransition(state, 'queued')).toBe(false);
    expect(canTransition('in_progress', 'cancelled')).toBe(true); // the API reported it cancelled
    expect(canTransition('downloading', 'cancelled')).toBe(false);
  });

  it('ends every item in a state a person can act on', () => {
    for (const state of TERMINAL_STATES) expect(actionFor(state)).not.toBe('wait');
    expect(actionFor('unknown_submit')).toBe('resubmit');
    expect(actionFor('failed')).toBe('retry');
    expect(TRANSITIONS.done).toEqual([]);
  });
});
