// Messages live in one file per language (en.ts, zh-CN.ts); the Messages type makes every
// language carry every key. Messages are ICU MessageFormat (common/message-format.ts, the one
// formatter main uses too): `{name}` is filled from the vars passed to t(), and
// `{count, plural, one {video} other {videos}}` picks the word form for that count by the
// language's plural rules (Chinese needs none).
import { createContext, useContext } from 'react';
import { formatMessage } from '@common/message-format';
import { en, type MessageKey, type Messages } from './en';
import { zhCN } from './zh-CN';
import { reasonLanguageFor, type ReasonLanguage } from '@common/reasons';

/** The languages the window is written in: the reason catalogue's. */
export type Language = ReasonLanguage;
export type LanguageSetting = Language | 'system';
export type { MessageKey };

const catalogs: Record<Language, Messages> = { en, 'zh-CN': zhCN };

/** 'system' follows the OS, read by the one rule the OS integration and the CLI use too. */
export function resolveLanguage(setting: LanguageSetting, osLocale: string): Language {
  return setting === 'system' ? reasonLanguageFor(osLocale) : setting;
}

export type Vars = Record<string, string | number>;

export function translate(language: Language, key: MessageKey, vars?: Vars): string {
  return formatMessage(catalogs[language][key] ?? en[key], language, vars);
}

export interface I18n {
  language: Language;
  /** BCP 47 tag for Intl formatting. */
  locale: string;
  t: (key: MessageKey, vars?: Vars) => string;
}

export function makeI18n(language: Language): I18n {
  return { language, locale: language, t: (key, vars) => translate(language, key, vars) };
}

export const I18nContext = createContext<I18n>(makeI18n('en'));

export function useI18n(): I18n {
  return useContext(I18nContext);
}
