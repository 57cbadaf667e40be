// The screen shown, kept in the URL hash (#/new, #/batch/12, #/batch/12/review, #/history,
// #/settings/account) so reloads and tests can open a screen directly.
import { useSyncExternalStore } from 'react';

/** A batch shows its item list, or the review grid of its videos (the morning after). */
export type BatchView = 'items' | 'review';

/** The Settings page's sections, in their order on the page. */
export const SETTINGS_SECTIONS = ['account', 'spending', 'notifications', 'models', 'appearance'] as const;
export type SettingsSection = (typeof SETTINGS_SECTIONS)[number];

/**
 * Where Settings opens: a section, or a field a banner sends the user to (the key field when
 * RunComfy refused the key, the daily cap when it paused a batch).
 */
export type SettingsTarget = SettingsSection | 'key' | 'daily-cap';
const SETTINGS_TARGETS: readonly string[] = [...SETTINGS_SECTIONS, 'key', 'daily-cap'];

export type Route =
  | { screen: 'new' }
  | { screen: 'batch'; batchId: number; view?: BatchView }
  | { screen: 'history' }
  | { screen: 'settings'; target?: SettingsTarget };

export function parseRoute(hash: string): Route {
  const batch = /^#\/batch\/(\d+)(\/review)?$/.exec(hash);
  if (batch) return { screen: 'batch', batchId: Number(batch[1]), view: batch[2] ? 'review' : 'items' };
  if (hash === '#/history') return { screen: 'history' };
  const settings = /^#\/settings(?:\/([a-z-]+))?$/.exec(hash);
  if (settings) {
    const target = settings[1];
    return target && SETTINGS_TARGETS.includes(target)
      ? { screen: 'settings', target: target as SettingsTarget }
      : { screen: 'settings' };
  }
  return { screen: 'new' };
}

export function routeHash(route: Route): string {
  switch (route.screen) {
    case 'new':
      return '#/new';
    case 'history':
      return '#/history';
    case 'batch':
      return `#/batch/${route.batchId}${route.view === 'review' ? '/review' : ''}`;
    case 'settings':
      return route.target ? `#/settings/${route.target}` : '#/settings';
  }
}

export function navigate(route: Route): void {
  const hash = routeHash(route);
  if (window.location.hash !== hash) window.location.hash = hash;
}

function subscribe(listener: () => void): () => void {
  window.addEventListener('hashchange', listener);
  return () => window.removeEventListener('hashchange', listener);
}

export function useHash(): string {
  return useSyncExternalStore(subscribe, () => window.location.hash);
}
