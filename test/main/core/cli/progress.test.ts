// The CLI's status block shows what holds a running batch back (a batch condition), not only
// pauses: "Output folder not available: ..." while the drive is unplugged.
import { describe, expect, it } from 'vitest';
import { statusBlock } from '../../../../main/core/cli/progress';
import {
  DEFAULT_SETTINGS,
  ITEM_STATES,
  type BatchView,
  type StateCounts,
} from '../../../../main/core/domain';

function view(overrides: Partial<BatchView> = {}): BatchView {
  const counts = Object.fromEntries(ITEM_STATES.map((state) => [state, 0])) as StateCounts;
  return {
    id: 7,
    name: 'shoot',
    state: 'running',
    pauseReason: null,
    pauseMessage: null,
    simulated: false,
    settings: { ...DEFAULT_SETTINGS, outputDir: '/media/usb/out' },
    createdAt: 0,
    startedAt: 0,
    finishedAt: null,
    counts: { ...counts, downloading: 2 },
    total: 2,
    spentUsd: 0.84,
    remainingEstimateUsd: 0,
    etaMs: null,
    ...overrides,
  };
}

describe('statusBlock', () => {
  it("shows a running batch's condition", () => {
    const message = 'Output folder not available: /media/usb/out (it is missing).';
    const block = statusBlock(
      view({ condition: { code: 'output_unavailable', params: {}, since: 0, message } }),
    );
    expect(block).toContain('— running');
    expect(block).toContain(message);
  });

  it('shows no condition line when there is none', () => {
    expect(statusBlock(view()).split('\n')).toHaveLength(3);
  });
});
