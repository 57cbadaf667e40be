// Accessibility checks for the renderer's end-to-end tests: the axe-core rule set injected
// into the page, run in both themes and both languages, plus keyboard helpers that move only
// with Tab and report what each stop looked like.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import type { AxeResults, ImpactValue } from 'axe-core';

// Callbacks passed to page.evaluate run in the page; the node project has no DOM lib, so
// these declare just what they touch (module-local, not global).
interface PageElement {
  tagName: string;
  textContent: string | null;
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { left: number; right: number; top: number; bottom: number; width: number };
  closest(selector: string): PageElement | null;
  labels?: ArrayLike<PageElement> | null;
}
declare const document: {
  activeElement: PageElement | null;
  documentElement: { scrollWidth: number; clientWidth: number; getAttribute(name: string): string | null };
  querySelectorAll(selector: string): ArrayLike<PageElement> & Iterable<PageElement>;
};
declare const window: { axe?: { run(context: unknown, options: unknown): Promise<AxeResults> } };
declare const innerWidth: number;
declare function getComputedStyle(node: PageElement): {
  outlineStyle: string;
  outlineWidth: string;
  boxShadow: string;
  visibility: string;
  display: string;
};

const axeSource = readFileSync(createRequire(__filename).resolve('axe-core/axe.min.js'), 'utf8');
const FAILING: ImpactValue[] = ['serious', 'critical'];

export type Theme = 'light' | 'dark';
export type Language = 'en' | 'zh-CN';

/**
 * Runs axe over the page as it is now; answers one line per serious or critical violation
 * (rule, impact, the first nodes and why), prefixed with `label`. Milder findings are logged.
 */
export async function axeViolations(page: Page, label: string): Promise<string[]> {
  // Evaluated through the devtools protocol, so the page's CSP (no inline script) allows it.
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(axeSource);
  const results = await page.evaluate(() =>
    window.axe!.run(document, {
      resultTypes: ['violations'],
      reporter: 'v1',
      // Experimental in axe, on here: voice control needs the visible label inside the name.
      rules: { 'label-content-name-mismatch': { enabled: true } },
    }),
  );
  if (results.passes.length + results.violations.length === 0)
    throw new Error(`axe checked nothing on ${label}`);
  const failing: string[] = [];
  for (const v of results.violations) {
    const nodes = v.nodes
      .slice(0, 4)
      .map((n) => `    ${n.target.join(' ')}: ${(n.failureSummary ?? '').replace(/\s+/g, ' ')}`)
      .join('\n');
    const line = `${label}: ${v.id} (${v.impact}, ${v.nodes.length} nodes) ${v.help}\n${nodes}`;
    if (FAILING.includes(v.impact ?? null)) failing.push(line);
    else console.log(`axe, not failing: ${line}`);
  }
  return failing;
}

/**
 * The language switch as a user makes it: Settings, Appearance, Language, then back to the
 * screen they were on (the browser's Back; nothing to go back to when already in Settings).
 */
export async function setLanguage(page: Page, language: Language): Promise<void> {
  const inSettings = new URL(page.url()).hash.startsWith('#/settings');
  if (!inSettings) await page.getByTestId('settings-button').click();
  const settings = page.getByTestId('settings-page');
  await settings.getByTestId('language-select').selectOption(language);
  await page.waitForFunction((lang) => document.documentElement.getAttribute('lang') === lang, language);
  if (inSettings) return;
  await page.goBack();
  await settings.waitFor({ state: 'detached' });
}

/**
 * axe over the current screen in light and dark, in English and in Chinese; answers every
 * serious or critical violation. `show` brings up what is checked (a dialog) after a language
 * switch closed it, `hide` closes it before the next switch. Leaves the page in English, light.
 */
export async function axeEveryWay(
  page: Page,
  screen: string,
  options: { show?: () => Promise<void>; hide?: () => Promise<void> } = {},
): Promise<string[]> {
  const failing: string[] = [];
  for (const language of ['en', 'zh-CN'] as const) {
    if (language !== 'en') await setLanguage(page, language);
    await options.show?.();
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      failing.push(...(await axeViolations(page, `${screen} [${theme}, ${language}]`)));
    }
    await options.hide?.();
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await setLanguage(page, 'en');
  return failing;
}

export interface FocusStop {
  tag: string;
  name: string;
  outline: string;
}

/** What has focus: tag, accessible-ish name (aria-label, else text), and its focus outline. */
export function focused(page: Page): Promise<FocusStop | null> {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el.tagName === 'BODY') return null;
    const style = getComputedStyle(el);
    const label = el.getAttribute('aria-label') ?? el.labels?.[0]?.textContent ?? el.textContent ?? '';
    return {
      tag: el.tagName.toLowerCase(),
      name: label.trim(),
      outline:
        style.outlineStyle !== 'none' && style.outlineWidth !== '0px'
          ? `${style.outlineWidth} ${style.outlineStyle}`
          : style.boxShadow !== 'none'
            ? `box-shadow ${style.boxShadow}`
            : 'none',
    };
  });
}

/**
 * Presses Tab (or Shift+Tab) until the focused element's name matches `target`; fails after
 * `limit` presses. Every stop on the way must show a focus indicator: the stops without one
 * are returned in `unmarked`.
 */
export async function tabTo(
  page: Page,
  target: RegExp,
  options: { limit?: number; backwards?: boolean } = {},
): Promise<{ stops: number; unmarked: FocusStop[] }> {
  const unmarked: FocusStop[] = [];
  const seen: string[] = [];
  for (let i = 1; i <= (options.limit ?? 60); i++) {
    await page.keyboard.press(options.backwards ? 'Shift+Tab' : 'Tab');
    const stop = await focused(page);
    if (!stop) continue;
    seen.push(stop.name);
    if (stop.outline === 'none') unmarked.push(stop);
    if (target.test(stop.name)) return { stops: i, unmarked };
  }
  throw new Error(`Tab never reached ${target}; stops: ${seen.join(' | ')}`);
}

/** Controls whose box runs out of the window sideways (clipped at this zoom). */
export function clippedControls(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    for (const el of document.querySelectorAll('button, input, select, textarea, a[href]')) {
      const style = getComputedStyle(el);
      if (style.visibility === 'hidden' || style.display === 'none') continue;
      if (el.closest('.visually-hidden')) continue;
      const box = el.getBoundingClientRect();
      if (box.width === 0) continue;
      if (box.left < -1 || box.right > innerWidth + 1)
        out.push(
          `${el.tagName.toLowerCase()} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim()}" at ${Math.round(box.left)}..${Math.round(box.right)} of ${innerWidth}`,
        );
    }
    if (document.documentElement.scrollWidth > document.documentElement.clientWidth + 1)
      out.push(
        `the page scrolls sideways: ${document.documentElement.scrollWidth} > ${document.documentElement.clientWidth}`,
      );
    return out;
  });
}
