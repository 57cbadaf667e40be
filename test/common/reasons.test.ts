import { describe, expect, it } from 'vitest';
import {
  REASON_CODES,
  formatReason,
  reason,
  reasonLanguageFor,
  reasonText,
  type ReasonCode,
} from '@common/reasons';
import { causeFirst, providerCause } from '@common/cause-first';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('reasons', () => {
  it('every code names the same parameters in English and Chinese, and Chinese is really Chinese', () => {
    for (const code of REASON_CODES) {
      const en = formatReason(reason(code), 'en');
      const zh = formatReason(reason(code), 'zh-CN');
      expect(placeholders(zh), code).toEqual(placeholders(en));
      expect(zh, code).toMatch(/[\u4e00-\u9fff]/);
      expect(zh, code).not.toEqual(en);
    }
  });

  it('fills parameters and keeps provider text verbatim', () => {
    const r = reason('generation_failed', { provider: 'Content policy: {weird} <b>' });
    expect(formatReason(r, 'en')).toBe('RunComfy could not generate this video: Content policy: {weird} <b>');
    expect(formatReason(r, 'zh-CN')).toBe('RunComfy 无法生成此视频：Content policy: {weird} <b>');
    expect(
      formatReason(
        reason('budget_reached', { cap: '2.00', committed: '1.68', next: '0.42', left: 3, leftUsd: '1.26' }),
      ),
    ).toBe(
      'Budget of $2.00 reached: $1.68 is spent or in flight and the next video needs about $0.42. 3 items (about $1.26) are left to run; raise the budget and resume to continue.',
    );
  });

  it('leaves a missing parameter visible instead of dropping it', () => {
    expect(formatReason(reason('request_expired'))).toContain('{requestId}');
  });

  it('shows old free-text rows as they are, and codes in the reader language', () => {
    expect(reasonText({ reason: null, message: 'An old English sentence.' }, 'zh-CN')).toBe(
      'An old English sentence.',
    );
    expect(reasonText({ reason: { code: 'nonsense' as ReasonCode, params: {} }, message: 'kept' })).toBe(
      'kept',
    );
    expect(reasonText({ reason: reason('cancelled_by_user'), message: 'Cancelled' }, 'zh-CN')).toBe(
      '已由你取消。',
    );
    expect(reasonText({})).toBeNull();
  });

  it('maps locales: zh_CN, zh-Hans and zh to Chinese, the rest to English', () => {
    expect(reasonLanguageFor('zh_CN.UTF-8')).toBe('zh-CN');
    expect(reasonLanguageFor('zh-Hans')).toBe('zh-CN');
    expect(reasonLanguageFor('zh')).toBe('zh-CN');
    expect(reasonLanguageFor('zhx')).toBe('en');
    expect(reasonLanguageFor('en_US.UTF-8')).toBe('en');
    expect(reasonLanguageFor(undefined)).toBe('en');
  });
});

describe('cause first', () => {
  const id = '1379f0c2-aa51-4c7e-b2d4-9a1d1f0b7e11';
  it('cuts a lead-in that only names the request, so the cause comes first', () => {
    expect(
      providerCause(`Generation failed for request ${id}: the model could not animate this image`, id),
    ).toBe('the model could not animate this image');
    // Without the id at hand, a request-id-like token after "request" is still a lead-in.
    expect(providerCause('Job failed for request abc123XYZ - content policy', null)).toBe('content policy');
  });

  it('keeps text that has no such lead-in, or nothing after it', () => {
    expect(providerCause('content moderation: the image shows a face', id)).toBe(
      'content moderation: the image shows a face',
    );
    expect(providerCause(`Generation failed for request ${id}:`, id)).toBe(
      `Generation failed for request ${id}:`,
    );
  });

  it('renders a failed generation with the cause right after the sentence, in both languages', () => {
    const stored = reason('generation_failed', {
      provider: `Generation failed for request ${id}: the model could not animate this image`,
    });
    expect(formatReason(causeFirst(stored, id)!)).toBe(
      'RunComfy could not generate this video: the model could not animate this image',
    );
    expect(formatReason(causeFirst(stored, id)!, 'zh-CN')).toBe(
      'RunComfy 无法生成此视频：the model could not animate this image',
    );
    const keyRefused = reason('paused_by_user');
    expect(causeFirst(keyRefused, id)).toBe(keyRefused);
    expect(causeFirst(null, id)).toBeNull();
  });
});
