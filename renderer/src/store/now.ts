// One shared once-a-second clock for elapsed times, so a thousand rows do not each run a timer;
// it ticks only while something listens.
import { useSyncExternalStore } from 'react';

let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of [...listeners]) l();
    }, 1000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

const noSubscribe = () => () => {};

/** Date.now(), refreshed every second while `active`; a constant otherwise. */
export function useNow(active: boolean): number {
  return useSyncExternalStore(active ? subscribe : noSubscribe, () => now);
}
