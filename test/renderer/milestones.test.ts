// What the live region says about a batch, on an injected clock and timer: milestones, not
// items; progress at most once per gap with the latest figure; state changes after a settle,
// with the counts of the snapshot that followed the state event.
import { describe, expect, it } from 'vitest';
import {
  decileOf,
  MilestoneAnnouncer,
  needsUser,
  type Milestone,
  type ProgressView,
} from '../../renderer/src/lib/milestones';
import { finishedNotice } from '@common/batch-notices';

function harness(options: { gap?: number; settle?: number } = {}) {
  let now = 0;
  const timers: { at: number; fn: () => void; cancelled: boolean }[] = [];
  const said: Milestone[] = [];
  const announcer = new MilestoneAnnouncer({
    say: (m) => said.push(m),
    now: () => now,
    setTimer: (fn, ms) => {
      const timer = { at: now + ms, fn, cancelled: false };
      timers.push(timer);
      return () => {
        timer.cancelled = true;
      };
    },
    progressGapMs: options.gap ?? 10_000,
    settleMs: options.settle ?? 500,
  });
  const advance = (ms: number) => {
    const until = now + ms;
    for (;;) {
      const due = timers.filter((t) => !t.cancelled && t.at <= until).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      now = due.at;
      due.cancelled = true;
      due.fn();
    }
    now = until;
  };
  const kinds = () => said.map((m) => (m.kind === 'progress' ? `progress ${m.percent}` : m.kind));
  return { announcer, said, advance, kinds };
}

const view = (patch: Partial<ProgressView>): ProgressView => ({
  state: 'running',
  pauseReason: null,
  done: 0,
  problems: 0,
  toRun: 100,
  settled: (patch.done ?? 0) + (patch.problems ?? 0),
  spentUsd: 0,
  ending: finishedNotice({ counts: { done: patch.done ?? 0 }, total: 100, spentUsd: patch.spentUsd ?? 0 }),
  ...patch,
});

describe('batch milestones for assistive tech', () => {
  it('says a batch opened just after Start has started, once the counts settle', () => {
    const { announcer, advance, kinds } = harness();
    announcer.update(view({ state: 'running' }));
    expect(kinds()).toEqual([]);
    advance(500);
    expect(kinds()).toEqual(['started']);
  });

  it('says a pause that needs the user even when the batch was paused before it was opened', () => {
    const { announcer, advance, said } = harness();
    announcer.update(view({ state: 'paused', pauseReason: 'no_balance', done: 3 }));
    advance(500);
    expect(said).toHaveLength(1);
    expect(said[0]).toMatchObject({ kind: 'paused', reason: 'no_balance' });
    expect(needsUser(said[0]!)).toBe(true);
  });

  it('opening a batch that is already under way, or paused by the user, says nothing until something changes', () => {
    const paused = harness();
    paused.announcer.update(view({ state: 'paused', pauseReason: 'user', done: 3 }));
    paused.advance(60_000);
    expect(paused.kinds()).toEqual([]);
    const { announcer, advance, kinds } = harness();
    announcer.update(view({ done: 42 }));
    advance(60_000);
    expect(kinds()).toEqual([]);
  });

  it('never speaks per item: 100 items done one by one give one message per 10 % at most', () => {
    const { announcer, advance, kinds } = harness({ gap: 0 });
    announcer.update(view({ done: 0 }));
    advance(500);
    for (let done = 1; done < 100; done++) {
      announcer.update(view({ done }));
      advance(1_000);
    }
    expect(kinds()).toEqual([
      'started',
      'progress 10',
      'progress 20',
      'progress 30',
      'progress 40',
      'progress 50',
      'progress 60',
      'progress 70',
      'progress 80',
      'progress 90',
    ]);
  });

  it('throttles progress: within the gap only the latest figure is said, when the gap ends', () => {
    const { announcer, advance, said, kinds } = harness({ gap: 10_000 });
    announcer.update(view({ done: 0 }));
    advance(500); // started, at t=500
    announcer.update(view({ done: 12 }));
    advance(1_000);
    announcer.update(view({ done: 25, problems: 10 }));
    advance(1_000);
    expect(kinds()).toEqual(['started']);
    advance(8_500); // t=11,000: the gap since "started" is over
    expect(kinds()).toEqual(['started', 'progress 30']);
    const last = said[said.length - 1]!;
    expect(last.view.done).toBe(25);
    expect(last.view.problems).toBe(10);
  });

  it('says paused with its reason and resumed, with the counts of the snapshot after the event', () => {
    const { announcer, advance, said, kinds } = harness();
    announcer.update(view({ done: 30 }));
    // The state event arrives with stale counts; the refetch follows within the settle.
    announcer.update(view({ state: 'paused', pauseReason: 'budget_reached', done: 30 }));
    announcer.update(view({ state: 'paused', pauseReason: 'budget_reached', done: 33 }));
    advance(500);
    expect(kinds()).toEqual(['paused']);
    expect(said[0]).toMatchObject({ kind: 'paused', reason: 'budget_reached' });
    expect(said[0]!.view.done).toBe(33);
    announcer.update(view({ state: 'running', done: 33 }));
    advance(500);
    expect(kinds()).toEqual(['paused', 'resumed']);
  });

  it('says finished with the final counts, and nothing for a state that flipped back while settling', () => {
    const { announcer, advance, said, kinds } = harness();
    announcer.update(view({ done: 95 }));
    announcer.update(view({ state: 'paused', pauseReason: 'user', done: 95 }));
    announcer.update(view({ state: 'running', done: 95 }));
    advance(500);
    expect(kinds()).toEqual([]);
    announcer.update(view({ state: 'finished', done: 97 }));
    announcer.update(view({ state: 'finished', done: 98, problems: 2, spentUsd: 41.16 }));
    advance(500);
    expect(kinds()).toEqual(['finished']);
    expect(said[0]!.view).toMatchObject({ done: 98, problems: 2, spentUsd: 41.16 });
  });

  it('counts tenths of the items to run, done or given up', () => {
    expect(decileOf(view({ done: 9, toRun: 10 }))).toBe(9);
    expect(decileOf(view({ done: 5, problems: 5, toRun: 10 }))).toBe(10);
    expect(decileOf(view({ toRun: 0 }))).toBe(0);
  });
});
