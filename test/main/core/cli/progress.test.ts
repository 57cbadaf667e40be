// The CLI's status block shows what holds a running batch back (a batch condition), not only
// pauses: "Output folder not available: ..." while the drive is unplugged.
import { describe, expect, it } from 'vitest';
import { setCliLanguage, statusBlock } from '../../../../main/core/cli/progress';
import { formatReason } from '../../../../preload/reasons';
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
    pauseDetail: null,
    simulated: false,
    settings: { ...DEFAULT_SETTINGS, outputDir: '/media/usb/out' },
    createdAt: 0,
    startedAt: 0,
    finishedAt: null,
    counts: { ...counts, downloading: 2 },
    total: 2,
    spentUsd: 0.84,
    unconfirmedUsd: 0,
    remainingEstimateUsd: 0,
    etaMs: null,
    ...overrides,
  };
}

describe('statusBlock', () => {
  it("shows a running batch's condition", () => {
    const params = { dir: '/media/usb/out', detail: 'ENOENT: it is missing' };
    const message = formatReason({ code: 'output_unavailable', params });
    const condition = { code: 'output_unavailable' as const, params, since: 0, message };
    const block = statusBlock(view({ condition }));
    expect(block).toContain('— running');
    expect(block).toContain('Output folder not available: /media/usb/out (ENOENT: it is missing).');
    // In the CLI's language when one is given.
    setCliLanguage('zh-CN');
    try {
      expect(statusBlock(view({ condition }))).toContain('输出文件夹不可用：/media/usb/out');
    } finally {
      setCliLanguage('en');
    }
  });

  it('shows no condition line when there is none', () => {
    expect(statusBlock(view()).split('\n')).toHaveLength(3);
  });
});
