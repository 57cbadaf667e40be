// docs/state-machine.md draws the item state machine and lists each state's action; the tables
// in main/core/domain/states.ts and common/item-actions.ts are the one source. A move or an
// action changed in one and not the other fails here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ITEM_ACTIONS, ITEM_STATES, TRANSITIONS } from '../../main/core/domain/states';

describe('docs/state-machine.md', () => {
  it('draws exactly the transitions of the table', () => {
    const doc = readFileSync(join(__dirname, '../../docs/state-machine.md'), 'utf8');
    const drawn = [...doc.matchAll(/^\s+(\w+) --> (\w+)$/gm)].map((m) => `${m[1]} -> ${m[2]}`).sort();
    const table = ITEM_STATES.flatMap((from) => TRANSITIONS[from].map((to) => `${from} -> ${to}`)).sort();
    expect(drawn).toEqual(table);
  });

  it('lists exactly the action of each state (common/item-actions.ts)', () => {
    const doc = readFileSync(join(__dirname, '../../docs/state-machine.md'), 'utf8');
    const listed = Object.fromEntries(
      [...doc.matchAll(/^\| `(\w+)` \| (\w+) \|$/gm)].map((m) => [m[1], m[2]]),
    );
    expect(listed).toEqual(ITEM_ACTIONS);
  });
});
