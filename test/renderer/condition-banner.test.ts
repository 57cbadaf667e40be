// The window shows a running batch's condition (output folder away, network down) in the
// reader's language, and nothing when there is none. Rendered to markup on Node: no browser.
// Type-checked with the web project (tsconfig.web.json), like the component.
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import type { BatchViewDto } from '@common/contract';
import { ConditionBanner } from '../../renderer/src/components/ConditionBanner';
import { I18nContext, makeI18n } from '../../renderer/src/i18n';
import { ITEM_STATES } from '@common/item-states';

function batch(overrides: Partial<BatchViewDto> = {}): BatchViewDto {
  const counts = Object.fromEntries(ITEM_STATES.map((state) => [state, 0])) as BatchViewDto['counts'];
  return {
    id: 3,
    name: 'shoot',
    state: 'running',
    pauseReason: null,
    pauseMessage: null,
    pauseDetail: null,
    simulated: false,
    settings: { outputDir: '/media/usb/out' } as BatchViewDto['settings'], // the banner reads none
    createdAt: 0,
    startedAt: 0,
    finishedAt: null,
    counts: { ...counts, downloading: 1 },
    total: 1,
    spentUsd: 0.42,
    unconfirmedUsd: 0,
    remainingEstimateUsd: 0,
    etaMs: null,
    ...overrides,
  };
}

const unplugged = {
  code: 'output_unavailable' as const,
  params: { dir: '/media/usb/out', detail: '/media/usb is missing' },
  since: 0,
  message: 'Output folder not available: /media/usb/out (/media/usb is missing). ...',
};

function render(view: BatchViewDto, language: 'en' | 'zh-CN'): string {
  return renderToStaticMarkup(
    createElement(
      I18nContext.Provider,
      { value: makeI18n(language) },
      createElement(ConditionBanner, { batch: view, onChanged: () => {} }),
    ),
  );
}

describe('ConditionBanner', () => {
  it('says the output folder is not available, with its path, in English and Chinese', () => {
    const en = render(batch({ condition: unplugged }), 'en');
    expect(en).toContain('data-testid="condition-banner"');
    expect(en).toContain('Output folder not available: /media/usb/out (/media/usb is missing)');
    const zh = render(batch({ condition: unplugged }), 'zh-CN');
    expect(zh).toContain('输出文件夹不可用：/media/usb/out');
  });

  it('says what happens next in a sentence, offers another folder, and keeps the specifics under Details', () => {
    const en = render(batch({ condition: unplugged }), 'en');
    expect(en).toMatch(
      /<p>Reconnect the drive or share: downloads continue by themselves when it is back\. Or save the next videos in another folder\.<\/p>/,
    );
    expect(en).toMatch(
      /<details[^>]*><summary>Details<\/summary><p class="small">Output folder not available: \/media\/usb\/out/,
    );
    expect(en).toContain('data-testid="choose-output-folder"');
    expect(en).toContain('Choose another folder…');
    const offline = render(
      batch({ condition: { code: 'network_down', params: { detail: 'ECONNRESET' }, since: 0, message: '' } }),
      'en',
    );
    expect(offline).toContain(
      'Nothing has failed: the batch continues by itself when the connection is back.',
    );
    expect(offline).not.toContain('choose-output-folder');
  });

  it('shows nothing without a condition, or once the batch is finished', () => {
    expect(render(batch(), 'en')).toBe('');
    expect(render(batch({ condition: unplugged, state: 'finished' }), 'en')).toBe('');
  });
});
