// Time and randomness are injected everywhere (engine, simulator, pollers) so tests and
// benchmarks can run an eight-hour night in seconds without global fake timers.
import { readFileSync } from 'node:fs';

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` of this clock's time; rejects with the signal's reason if aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /**
   * This clock's ms from a steady source, for spans within one process: a wall clock set
   * forward or back (a sync, a wake from sleep) does not move it. Absent: `now()` is used.
   */
  steady?(): number;
}

/** The clock's steady reading, or its time when it has none (a test's plain clock). */
export function steadyNow(clock: Clock): number {
  return clock.steady ? clock.steady() : clock.now();
}

export type Random = () => number;

export const systemClock: Clock = {
  now: () => Date.now(),
  steady: () => performance.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(
        () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
        Math.max(0, ms),
      );
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * A clock that runs `factor` times faster than real time (factor 1000: one simulated
 * minute passes in 60 ms). Reads `start` at real time `realStart` (both default: now). Two
 * processes given the same three numbers agree on the time (the soak's simulator and CLI).
 * Used to run a night in minutes.
 */
export function scaledClock(factor: number, start = Date.now(), realStart = Date.now()): Clock {
  return {
    now: () => start + (Date.now() - realStart) * factor,
    steady: () => performance.now() * factor,
    sleep: (ms, signal) => systemClock.sleep(ms / factor, signal),
  };
}

/** Deterministic PRNG (mulberry32) for seeded faults and jitter. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The clock a process should use: real time, unless STILLMOTION_CLOCK_FACTOR is set (tests,
 * soak and benchmarks only), in which case time runs that many times faster from the shared
 * epoch STILLMOTION_CLOCK_EPOCH (ms), so separate processes agree on the simulated time.
 * STILLMOTION_CLOCK_STEP_FILE (the soak only) adds the offset that file holds: see steppedClock.
 */
export function clockFromEnv(env: Record<string, string | undefined>): Clock {
  const factor = Number(env.STILLMOTION_CLOCK_FACTOR);
  const epoch = Number(env.STILLMOTION_CLOCK_EPOCH) || Date.now();
  const base =
    !env.STILLMOTION_CLOCK_FACTOR || !(factor > 0) ? systemClock : scaledClock(factor, epoch, epoch);
  const stepFile = env.STILLMOTION_CLOCK_STEP_FILE?.trim();
  return stepFile ? steppedClock(base, stepFile) : base;
}

/** Real ms between two reads of a step file: now() stays a subtraction in between. */
const STEP_REREAD_MS = 100;

/**
 * `base` moved by the offset (ms, may be negative) that `stepFile` holds, as a machine's wall
 * clock jumps when it is set, synced or woken from sleep: the night test writes the file to
 * step every process's clock forward and back at once. The file is read at most every 100 real
 * ms; missing or unreadable, the offset is 0. Sleeps are not moved (timers run on real time).
 */
export function steppedClock(base: Clock, stepFile: string): Clock {
  let readAt = -Infinity;
  let offset = 0;
  return {
    now: () => {
      const real = performance.now();
      if (real - readAt >= STEP_REREAD_MS) {
        readAt = real;
        try {
          offset = Number(readFileSync(stepFile, 'utf8').trim()) || 0;
        } catch {
          offset = 0;
        }
      }
      return base.now() + offset;
    },
    // The step moves the wall clock only.
    steady: () => steadyNow(base),
    sleep: base.sleep,
  };
}

/**
 * Runs `tick` every `intervalMs` of `clock` time until `signal` aborts (a fast test clock makes
 * an hour of ticks pass in seconds); an error in one tick goes to `onError`, the next still runs.
 */
export function repeatEvery(
  clock: Clock,
  intervalMs: number,
  signal: AbortSignal,
  tick: () => void,
  onError: (error: unknown) => void,
): void {
  void (async () => {
    while (!signal.aborted) {
      try {
        await clock.sleep(intervalMs, signal);
      } catch {
        return;
      }
      try {
        tick();
      } catch (error) {
        onError(error);
      }
    }
  })();
}
