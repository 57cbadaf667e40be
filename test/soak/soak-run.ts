// What a night-test run is made of: its options (the night's faults, sizes and clock) and what
// the driver hands the checker (kills, restarts, memory and event-loop samples, idle stretches,
// the ledger, what the environment and the machine did), plus the seeded plan of its kills.
import type { FaultRates, Ledger } from '../../main/core/simulator/types';
import type { Random } from '../../main/core/util/clock';
import type { EnvironmentEvent, SoakEnvironment } from './environment';
import type { MachineFaults, MachineRecord } from './machine';

/** The faults of the night test (issue "The night test"); probabilities per request. */
export const NIGHT_FAULTS: FaultRates = {
  http5xx: 0.05,
  // "2% connection resets (before and after body)": half each.
  resetBeforeBody: 0.01,
  resetAfterBody: 0.01,
  http429: 0.01,
  retryAfter: 'seconds',
  generationFailure: 0.02,
  truncatedDownload: 0.03,
  slowDownload: 0.03,
  slowDownloadBytesPerSec: 256 * 1024,
};

export interface SoakOptions {
  seed: number;
  items: number;
  kills: number;
  /** Simulated ms per real ms (the shared clock's speed). */
  clockFactor: number;
  /** `--parallel` of the batch; the simulator runs as many at once. */
  parallel: number;
  /** Simulated ms an output URL keeps working after its job ended. */
  outputTtlMs: number;
  /** Bytes of each served mp4 (bigger: downloads long enough to be killed in the middle). */
  outputBytes: number;
  faults: FaultRates;
  /** Faults of the world around the API (environment.ts); none by default. */
  environment: SoakEnvironment;
  /** Faults of the machine itself (machine.ts); none by default. */
  machine: MachineFaults;
  /** Kills happen while settled items are between these fractions of the batch. */
  killWindow: [number, number];
  /** Real ms the whole run may take before it is called hung. */
  timeoutMs: number;
  /** Real ms without any database change (child alive) before the child is called hung. */
  stallTimeoutMs: number;
  /**
   * Wait for the killed process's lease to expire before `resume` (what works). Off: resume at
   * once, as a person would, and count the resumes that only watched a dead process's lease.
   */
  waitForLease: boolean;
  /** Keep the work folder (database, outputs, logs) for a post-mortem. */
  keep: boolean;
  log: (line: string) => void;
}

export const DEFAULT_SOAK_OPTIONS: SoakOptions = {
  seed: 1,
  items: 500,
  kills: 20,
  clockFactor: 50,
  parallel: 10,
  // Generous next to a restart (a few real seconds = a few simulated minutes), so a video
  // expires only when the engine is down across several kills in a row.
  outputTtlMs: 20 * 60_000,
  outputBytes: 256 * 1024,
  faults: NIGHT_FAULTS,
  environment: {},
  machine: {},
  // The last process handles at least the last 40% of the batch: long enough to judge memory.
  killWindow: [0.03, 0.6],
  timeoutMs: 15 * 60_000,
  stallTimeoutMs: 60_000,
  waitForLease: true,
  keep: false,
  log: () => {},
};

export interface KillRecord {
  /** 0-based index of the kill. */
  index: number;
  pid: number;
  realMs: number;
  /** The kill's real time (Date.now()), as the fault log's lines are timed. */
  atReal?: number;
  simulatedAt: number;
  /** Why: a seeded random moment, or the watchdog (the child stopped making progress). */
  cause: 'random' | 'watchdog' | 'environment';
  /** What the database said at the moment of the kill (read right after it). */
  submitting: number;
  inFlight: number;
  downloading: number;
  settled: number;
  /** Real ms waited after the kill for the dead process's lease to expire. */
  leaseWaitMs: number;
}

export interface ChildRun {
  pid: number;
  command: 'run' | 'resume';
  startedAtReal: number;
  endedAtReal: number;
  exitCode: number | null;
  signal: string | null;
  log: string;
  /** `resume` found the dead process's lease still valid and only watched. */
  watchedInstead: boolean;
  /** Real ms when the driver first saw this process write to the database (null: never). */
  firstWriteAt: number | null;
}

export interface RssSample {
  pid: number;
  at: number;
  rss: number;
}

export interface MonitorSample {
  pid: number;
  at: number;
  maxDelayMs: number;
  p99DelayMs: number;
  rss: number;
  heapUsed: number;
  /** CPU ms the process used during the interval. */
  cpuMs: number;
}

/**
 * A stretch in which the batch had queued items and free slots but nothing in flight while a
 * working CLI held its lease: the engine idle with work to do.
 */
export interface IdleSpan {
  pid: number;
  fromReal: number;
  toReal: number;
  /** Its length on the shared clock. */
  simulatedMs: number;
  queued: number;
}

export interface SoakRun {
  options: Omit<SoakOptions, 'log'>;
  dir: string;
  dbPath: string;
  imagesDir: string;
  outputDir: string;
  batchId: number;
  ledger: Ledger;
  kills: KillRecord[];
  runs: ChildRun[];
  rss: RssSample[];
  monitor: MonitorSample[];
  wallMs: number;
  simulatedMs: number;
  /** Set when the run did not reach a finished batch (timeout, usage error, ...). */
  aborted: string | null;
  /** Resumes a person would have made after a pause that asks for one (too many failures). */
  userResumes: number;
  idle: IdleSpan[];
  environment: {
    events: EnvironmentEvent[];
    deletedSources: { itemId: number; path: string }[];
    /** What reached the second RUNCOMFY_API_BASE (null: no base switch). */
    otherBase: {
      submits: number;
      jobsCreated: number;
      polls: number;
      polls404: number;
      downloads: number;
    } | null;
  };
  /** What the machine faults did (machine.ts). */
  machine: MachineRecord;
  cleanup(): void;
}

/** Seeded kill thresholds: fractions of settled items, plus a real-ms jitter each. */
export function killPlan(random: Random, kills: number, window: [number, number]) {
  const [low, high] = window;
  return Array.from({ length: kills }, () => ({
    fraction: low + random() * (high - low),
    jitterMs: Math.floor(random() * 2000),
  })).sort((a, b) => a.fraction - b.fraction);
}
