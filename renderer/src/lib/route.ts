// The screen shown, kept in the URL hash (#/new, #/batch/12, #/batch/12/review, #/history) so reloads and tests
// can open a screen directly.
import { useSyncExternalStore } from 'react';

/** A batch shows its item list, or the review grid of its videos (the morning after). */
export type BatchView = 'items' | 'review';

export type Route =
  { screen: 'new' } | { screen: 'batch'; batchId: number; view?: BatchView } | { screen: 'history' };

export function parseRoute(hash: string): Route {
  const batch = /^#\/batch\/(\d+)(\/review)?$/.exec(hash);
  if (batch) return { screen: 'batch', batchId: Number(batch[1]), view: batch[2] ? 'review' : 'items' };
  if (hash === '#/history') return { screen: 'history' };
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
