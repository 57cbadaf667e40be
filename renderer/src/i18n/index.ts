// Messages live in one file per language (en.ts, zh-CN.ts); the Messages type makes every
// language carry every key. `{name}` in a message is filled from the vars passed to t(), and
// `{name|one form|other form}` picks the word form for that count ("1 video", "2 videos") by
// the language's plural rules (Chinese needs none).
import { createContext, useContext } from 'react';
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

const pluralRules = new Map<Language, Intl.PluralRules>();

export function translate(language: Language, key: MessageKey, vars?: Vars): string {
  const message = catalogs[language][key] ?? en[key];
  if (!vars) return message;
  let rules = pluralRules.get(language);
  if (!rules) pluralRules.set(language, (rules = new Intl.PluralRules(language)));
  return message
    .replace(/\{(\w+)\|([^|{}]*)\|([^|{}]*)\}/g, (whole, name: string, one: string, other: string) =>
      name in vars ? (rules.select(Number(vars[name])) === 'one' ? one : other) : whole,
    )
    .replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
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
