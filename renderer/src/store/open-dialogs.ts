// The modal dialogs open now, innermost last. A modal <dialog> sits in the browser's top layer
// with a backdrop over the page and makes the rest of the page inert, so anything that must stay
// visible and reachable while one is open (the toasts) renders inside the innermost one.
import { useSyncExternalStore } from 'react';
import { ValueStore } from './emitter';

const store = new ValueStore<readonly HTMLDialogElement[]>([]);

export function dialogOpened(dialog: HTMLDialogElement): void {
  store.set([...store.get().filter((open) => open !== dialog), dialog]);
}

export function dialogClosed(dialog: HTMLDialogElement): void {
  store.set(store.get().filter((open) => open !== dialog));
}

/** The innermost open modal dialog, or null. */
export function useInnermostDialog(): HTMLDialogElement | null {
  const open = useSyncExternalStore(store.subscribe, store.get);
  return open[open.length - 1] ?? null;
}
