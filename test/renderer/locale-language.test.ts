// One rule turns a locale into a language for the window (the "system" setting), the OS
// integration (tray, menus, notifications) and the CLI (LANG): any Chinese locale, however the
// OS writes it, is Simplified Chinese, anything else English. Type-checked with the web project
// (tsconfig.web.json), like the window's i18n.
import { describe, expect, it } from 'vitest';
import { desktopLanguage } from '@common/desktop-texts';
import { reasonLanguageFor } from '@common/reasons';
import { resolveLanguage } from '../../renderer/src/i18n';

const CHINESE = [
  'zh',
  'zh-CN',
  'zh-TW',
  'zh-Hans',
  'zh-Hant-HK',
  'zh_CN',
  'zh_CN.UTF-8',
  'zh.UTF-8',
  'ZH_tw',
];
const OTHERS = ['en-US', 'en_US.UTF-8', 'zhx', 'fr', 'C', 'POSIX', ''];

describe('a locale to a language', () => {
  it('is the same for the window, the OS integration and the CLI', () => {
    for (const locale of [...CHINESE, ...OTHERS]) {
      const expected = CHINESE.includes(locale) ? 'zh-CN' : 'en';
      expect({ locale, window: resolveLanguage('system', locale) }).toEqual({ locale, window: expected });
      expect({ locale, desktop: desktopLanguage('system', locale) }).toEqual({ locale, desktop: expected });
      expect({ locale, cli: reasonLanguageFor(locale) }).toEqual({ locale, cli: expected });
    }
  });

  it('leaves a language the user chose as it is', () => {
    expect(resolveLanguage('en', 'zh-CN')).toBe('en');
    expect(desktopLanguage('zh-CN', 'en-US')).toBe('zh-CN');
  });
});
