// Each figure a batch is shown by has one definition (common/batch-figures.ts): these are the
// disagreements the window had, each pinned to the definition that settles it.
import { describe, expect, it } from 'vitest';
import { batchFigures, doneShare, type BatchFigureSource } from '@common/batch-figures';

const batch = (
  patch: Partial<BatchFigureSource> & { counts: BatchFigureSource['counts'] },
): BatchFigureSource => ({
  state: 'running',
  total: Object.values(patch.counts).reduce((sum, n) => sum + (n ?? 0), 0),
  spentUsd: 0,
  unconfirmedUsd: 0,
  remainingEstimateUsd: 0,
  etaMs: null,
  ...patch,
});

describe('batch figures', () => {
  it('done of planned: a cancelled 12-item batch is 3 of 12 done with 9 cancelled, never "3 / 3"', () => {
    const f = batchFigures(batch({ state: 'cancelled', counts: { done: 3, cancelled: 9 } }));
    expect([f.done, f.planned, f.cancelled, f.settled]).toEqual([3, 12, 9, 12]);
    expect(doneShare(f)).toBe(0.25);
  });

  it('planned leaves out only what was never meant to be sent: 25 of 26 made with one refused is 25 of 25', () => {
    const f = batchFigures(batch({ state: 'finished', counts: { done: 25, rejected: 1 } }));
    expect([f.done, f.planned, f.notPlanned]).toEqual([25, 25, 1]);
    expect(batchFigures(batch({ counts: { done: 2, skipped: 3, failed: 1 } })).planned).toBe(3);
  });

  it('time left: only while the batch runs; paused, a draft or the end has none (never "< 1 min")', () => {
    const counts = { queued: 4, in_progress: 1 };
    expect(batchFigures(batch({ state: 'running', counts, etaMs: 30_000 })).timeLeftMs).toBe(30_000);
    for (const state of ['paused', 'draft', 'finished', 'cancelled'] as const)
      expect(batchFigures(batch({ state, counts, etaMs: 30_000 })).timeLeftMs).toBeNull();
  });

  it('money: spent is what was billed; what may be paid is beside it, not in it; the total adds what is left', () => {
    const f = batchFigures(
      batch({
        counts: { done: 2, unknown_submit: 1, queued: 3 },
        spentUsd: 0.84,
        unconfirmedUsd: 0.42,
        remainingEstimateUsd: 1.26,
      }),
    );
    expect([f.spentUsd, f.mayBePaidUsd, f.estimatedTotalUsd]).toEqual([0.84, 0.42, 0.84 + 1.26]);
  });

  it('groups the states once: problems, generating and waiting', () => {
    const f = batchFigures(
      batch({
        counts: {
          failed: 1,
          expired: 1,
          unknown_submit: 1,
          submitting: 1,
          in_queue: 2,
          in_progress: 1,
          downloading: 1,
          queued: 5,
        },
      }),
    );
    expect([f.problems, f.generating, f.waiting]).toEqual([3, 5, 5]);
  });
});
