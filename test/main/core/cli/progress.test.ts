// The CLI's status block shows what holds a running batch back (a batch condition), not only
// pauses: "Output folder not available: ..." while the drive is unplugged.
import { describe, expect, it } from 'vitest';
import { conditionLine, setCliLanguage, statusBlock } from '../../../../main/core/cli/progress';
import { formatReason } from '@common/reasons';
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

describe('conditionLine (what a log says when the batch is held back, and when that is over)', () => {
  const params = { dir: '/media/usb/out', detail: '0.1 MB free, about 4.0 MB needed', file: 'shot.mp4' };
  const message = formatReason({ code: 'disk_full', params });
  const full = view({ condition: { code: 'disk_full', params, since: 0, message } });
  const at = Date.UTC(2026, 11, 7, 3, 4, 5);

  it('says it once when it begins, with the room needed', () => {
    expect(conditionLine(full, null, at)).toBe(
      '03:04:05 batch 7: The disk holding /media/usb/out is full (0.1 MB free, about 4.0 MB needed) while saving shot.mp4. Free some space: downloads continue by themselves where they stopped, and nothing paid for is lost.',
    );
    expect(conditionLine(full, 'disk_full', at)).toBeNull();
  });

  it('says when it is over', () => {
    expect(conditionLine(view(), 'disk_full', at)).toBe(
      '03:04:05 batch 7: disk_full is over; downloads go on',
    );
    expect(conditionLine(view(), null, at)).toBeNull();
  });
});
