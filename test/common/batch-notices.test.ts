// One voice for what happened to a batch: the OS notification, the webhook, the command line and
// the window say the same words for the same pause or end, in English and in Chinese, because
// batch-notices.ts decides and words it once.
import { describe, expect, it } from 'vitest';
import {
  finishedNotice,
  noticeText,
  noticeWords,
  pausedNotice,
  stalledNotice,
  watchingNotice,
} from '@common/batch-notices';
import { reason } from '@common/reasons';
import { notificationFor } from '../../main/electron/overnight';
import { webhookNotice } from '../../main/core/app/webhooks';
import { finishedExit } from '../../main/core/cli/follow';
import { setCliLanguage } from '../../main/core/cli/progress';
import { PAUSE_REASONS, type BatchView } from '../../main/core/domain';
import { englishPhrases } from '../english-in-chinese';

const paused = {
  id: 4,
  name: 'holiday',
  simulated: false,
  state: 'paused',
  pauseReason: 'daily_cap_reached',
  pauseDetail: reason('daily_cap_reached', { cap: '0.50', spent: '0.42' }),
  pauseMessage: 'The daily spending cap of $0.50 is reached.',
  counts: { done: 1, queued: 2 },
  total: 3,
} as unknown as BatchView;

describe('batch notices', () => {
  it('a pause reads the same in the OS notification, the webhook and the CLI, in both languages', () => {
    for (const language of ['en', 'zh-CN'] as const) {
      const notice = pausedNotice(paused.pauseReason, paused)!;
      const words = noticeWords(notice, paused, language);
      const os = notificationFor(
        { type: 'batch', batchId: 4, state: 'paused', pauseReason: 'daily_cap_reached' },
        paused,
        { notifications: true },
        language,
      );
      expect(os).toEqual(words);
      const hook = webhookNotice(notice, paused, language);
      expect(hook.message).toBe(words.body);
      expect(hook.title).toBe(noticeText(language, 'notice.fromApp', { title: words.title }));
      setCliLanguage(language);
      try {
        expect(finishedExit(paused).reason).toBe(`paused: ${words.body}`);
      } finally {
        setCliLanguage('en');
      }
    }
    expect(noticeWords(pausedNotice(paused.pauseReason, paused)!, paused, 'zh-CN').body).toBe(
      '已达到每日支出上限 $0.50：今天所有批次共花费 $0.42。请在设置中提高上限或等到明天；批次随后会继续。',
    );
  });

  it('an end counts with the language’s plural forms, and says nothing of what did not happen', () => {
    const end = (counts: Record<string, number>, total: number) =>
      noticeWords(finishedNotice({ counts, total, spentUsd: 0.42 }), { id: 1, name: 'b', simulated: false })
        .body;
    expect(end({ done: 1 }, 1)).toBe('1 of 1 video done; $0.42 spent.');
    expect(end({ done: 1, failed: 1 }, 2)).toBe('1 of 2 videos done, 1 needs attention; $0.42 spent.');
    expect(end({ done: 1, failed: 2, cancelled: 1, rejected: 1, skipped: 2 }, 7)).toBe(
      '1 of 4 videos done, 2 need attention, 1 cancelled, 1 not usable, 2 already generated; $0.42 spent.',
    );
    const zh = noticeWords(
      finishedNotice({ counts: { done: 2, expired: 1 }, total: 3, spentUsd: 0.84 }),
      { id: 1, name: 'b', simulated: true },
      'zh-CN',
    );
    expect(zh.body).toBe('3 个视频中 2 个已完成，1 个需要处理；已花费 $0.84（模拟）。');
    expect(englishPhrases(`${zh.title}\n${zh.body}`)).toEqual([]);
  });

  it('a user’s own pause tells nobody; every other pause is one the user must act on', () => {
    expect(pausedNotice('user', paused)).toBeNull();
    expect(pausedNotice(null, paused)).toBeNull();
    for (const r of PAUSE_REASONS.filter((r) => r !== 'user'))
      expect(noticeWords(pausedNotice(r, null)!, paused, 'zh-CN').body).not.toContain('pause.');
  });

  it('a running batch is stalled only with work that should move; a watching one whose work is done is up to date', () => {
    const running = { counts: { done: 2, queued: 3 }, total: 5, spentUsd: 0.84 };
    expect(stalledNotice(running, 31)).toEqual({ kind: 'stalled', minutes: 31 });
    expect(stalledNotice({ ...running, condition: { code: 'waiting_for_start' } }, 31)).toBeNull();
    expect(stalledNotice({ ...running, counts: { done: 5 } }, 31)).toBeNull();
    const watch = { active: true, folders: ['/studio/drop'] };
    expect(watchingNotice({ ...running, watch })).toBeNull();
    const upToDate = watchingNotice({ ...running, counts: { done: 5 }, watch })!;
    const zh = noticeWords(upToDate, { id: 1, name: '工作室', simulated: false }, 'zh-CN');
    expect(zh).toEqual({
      title: '已是最新：工作室',
      body: '5 个视频中 5 个已完成；已花费 $0.84。正在监视 /studio/drop：每张新图片完整复制后即会发送。',
    });
    expect(
      watchingNotice({ ...running, counts: { done: 5 }, watch: { ...watch, active: false } }),
    ).toBeNull();
  });
});
