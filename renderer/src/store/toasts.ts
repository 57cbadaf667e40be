// Short notices about what an action did ("Already generating: it will finish and be billed").
import { useSyncExternalStore } from 'react';
import { ValueStore } from './emitter';

export interface Toast {
  id: number;
  text: string;
  tone: 'info' | 'error';
}

const store = new ValueStore<Toast[]>([]);
let nextId = 1;

export function showToast(text: string, tone: Toast['tone'] = 'info'): void {
  const toast = { id: nextId++, text, tone };
  store.set([...store.get(), toast].slice(-4));
  setTimeout(() => dismissToast(toast.id), tone === 'error' ? 10_000 : 5_000);
}

export function dismissToast(id: number): void {
  store.set(store.get().filter((t) => t.id !== id));
}

export function useToasts(): Toast[] {
  return useSyncExternalStore(store.subscribe, store.get);
}
