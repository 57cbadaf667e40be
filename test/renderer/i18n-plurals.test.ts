// English counts agree with their nouns ("Start 1 video", "Start 2 videos"): messages are ICU
// MessageFormat, so one may hold `{count, plural, one {video} other {videos}}`, chosen by the
// language's plural rules. Chinese has no plural forms, so its messages carry none; every English
// message that puts a noun after a count uses one.
import { describe, expect, it } from 'vitest';
import { en } from '../../renderer/src/i18n/en';
import { zhCN } from '../../renderer/src/i18n/zh-CN';
import { translate } from '../../renderer/src/i18n';
import { checkMessage } from '@common/message-format';
import { noticeText, type NoticeTextKey } from '@common/batch-notices';
import { PAUSE_REASONS } from '@common/batch-states';
import { englishPhrases } from '../english-in-chinese';

describe('plurals in the messages', () => {
  it('picks the form by the count, in the start button, the re-run and the announcements', () => {
    expect(translate('en', 'start.button', { count: 1, cost: '$0.42' })).toBe('Start 1 video — est. $0.42');
    expect(translate('en', 'start.button', { count: 2, cost: '$0.84' })).toBe('Start 2 videos — est. $0.84');
    expect(translate('en', 'start.button', { count: 0, cost: '$0.00' })).toBe('Start 0 videos — est. $0.00');
    expect(translate('en', 'rerun.missing', { count: 1 })).toMatch(/^1 image is no longer where/);
    expect(translate('en', 'rerun.missing', { count: 3 })).toMatch(/^3 images are no longer where/);
    expect(translate('en', 'announce.cancelled', { done: 0, total: 1 })).toBe(
      'Batch cancelled: 0 of 1 video done.',
    );
    expect(translate('en', 'retryFailed.done', { count: 1 })).toBe('Retrying 1 item.');
    expect(translate('zh-CN', 'start.button', { count: 1, cost: '$0.42' })).toBe(
      '开始生成 1 个视频 — 预计 $0.42',
    );
  });

  it('leaves no English message with a bare count before a plural noun', () => {
    const nouns =
      'videos|items|images|files|elements|reference images|kept videos|failed items|selected items';
    const bare = new RegExp(`\\{(\\w+)\\} (${nouns})\\b`);
    const offenders = Object.entries(en).filter(([, message]) => bare.test(message));
    expect(offenders).toEqual([]);
  });

  it('a form that is missing its variable stays visible rather than vanishing', () => {
    expect(translate('en', 'start.button', { cost: '$1' })).toBe('Start {count} videos — est. $1');
  });

  it('every message of both languages is valid ICU syntax (a literal brace is quoted)', () => {
    const invalid = [...Object.entries(en), ...Object.entries(zhCN)].filter(([, message]) => {
      try {
        checkMessage(message, 'en');
        return false;
      } catch {
        return true;
      }
    });
    expect(invalid).toEqual([]);
    expect(translate('en', 'template.unopened', { column: 3 })).toBe(
      'A "}" at character 3 closes nothing: remove it, or write "}}" for a literal brace.',
    );
  });

  it('the window’s pause titles and hints are these words, in Chinese too', () => {
    for (const r of PAUSE_REASONS) {
      for (const part of ['title', 'hint'] as const) {
        const key = `pause.${r}.${part}` as NoticeTextKey & keyof typeof en;
        expect(en[key]).toBe(noticeText('en', key));
        expect(zhCN[key]).toBe(noticeText('zh-CN', key));
        expect(englishPhrases(noticeText('zh-CN', key))).toEqual([]);
      }
    }
  });
});
