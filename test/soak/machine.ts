// The night test's machine faults (--machine-faults): what the computer under the app does to
// it, beyond the network and the folders around it (environment.ts). A second connection holds
// the database's write lock past the CLI's busy timeout; job-store writes fail with SQLITE_FULL
// and SQLITE_IOERR (STILLMOTION_DB_FAULTS); the output folder sits on a small disk that fills
// and frees by itself (small-disk.ts); spells of EBUSY, EMFILE and ETIMEDOUT hit the output
// folder's writes (STILLMOTION_FILE_FAULTS); download connections go silent (the simulator);
// the CLI is suspended (SIGSTOP) past its lease while a resume takes over, then continued; the
// wall clock steps forward and back (STILLMOTION_CLOCK_STEP_FILE). Each starts at a seeded
// moment: a settled fraction of the batch drawn from its window.
import type { Random } from '../../main/core/util/clock';

export interface MachineFaults {
  /** A second connection holds the write lock for `realMs` (past the 5 s busy timeout), `count` times. */
  dbLock?: { count: number; window: [number, number]; realMs: number };
  /** Every CLI's job-store writes (INSERT, UPDATE, DELETE) fail at `rate` with one of `codes`. */
  dbWriteFaults?: { rate: number; codes: string[] };
  /** The output folder on a small tmpfs, filled once and freed `freeAfterMs` (simulated) later. */
  smallDisk?: { window: [number, number]; freeAfterMs: number };
  /** `count` spells of `durationMs` (simulated) in which output-folder writes fail at `rate`. */
  fileFaultSpells?: {
    count: number;
    window: [number, number];
    durationMs: number;
    rate: number;
    codes: string[];
  };
  /** Simulator: downloads go silent at `rate`; the server cuts them after `cutAfterMs` (simulated). */
  silentDownloads?: { rate: number; cutAfterMs: number };
  /** SIGSTOP the CLI, a resume takes over, SIGCONT after `stopRealMs`; both run for `overlapRealMs`. */
  suspend?: { window: [number, number]; stopRealMs: number; overlapRealMs: number };
  /** The machine's wall clock steps by each of `deltasMs` in turn (simulated ms, + forward). */
  clockSteps?: { window: [number, number]; deltasMs: number[] };
}

export type MachineFaultName = keyof MachineFaults;

const TRANSIENT_FILE_CODES = ['EBUSY', 'EMFILE', 'ETIMEDOUT'];
const DB_WRITE_CODES = ['SQLITE_FULL', 'SQLITE_IOERR'];

/** The night's machine (npm run soak -- --machine-faults), sized for 500 items at clock x50. */
export const NIGHT_MACHINE: Required<MachineFaults> = {
  // The "hold the database's write lock from another process for 10 s twice".
  dbLock: { count: 2, window: [0.1, 0.6], realMs: 10_000 },
  dbWriteFaults: { rate: 0.01, codes: DB_WRITE_CODES },
  smallDisk: { window: [0.3, 0.5], freeAfterMs: 60_000 },
  // Longer than the ~3 minutes of tries after which a paid download used to be given up.
  fileFaultSpells: {
    count: 3,
    window: [0.1, 0.8],
    durationMs: 4 * 60_000,
    rate: 0.7,
    codes: TRANSIENT_FILE_CODES,
  },
  silentDownloads: { rate: 0.01, cutAfterMs: 15 * 60_000 },
  // 6 s real is 5 simulated minutes at x50: five times the 60 s lease.
  suspend: { window: [0.2, 0.6], stopRealMs: 6_000, overlapRealMs: 8_000 },
  clockSteps: { window: [0.15, 0.7], deltasMs: [15 * 60_000, -20 * 60_000] },
};

/** One timed machine fault to play: when (settled fraction) and which. */
export interface PlannedFault {
  name: 'dbLock' | 'smallDisk' | 'fileFaultSpells' | 'suspend' | 'clockSteps';
  at: number;
  /** Which of its kind (the n-th lock, spell or step). */
  index: number;
}

/** Seeded start fractions of every timed fault, in order. */
export function planMachine(faults: MachineFaults, random: Random): PlannedFault[] {
  const plan: PlannedFault[] = [];
  const draw = ([low, high]: [number, number]) => low + random() * (high - low);
  const many = (name: PlannedFault['name'], count: number, window: [number, number]) => {
    const ats = Array.from({ length: count }, () => draw(window)).sort((a, b) => a - b);
    ats.forEach((at, index) => plan.push({ name, at, index }));
  };
  if (faults.dbLock) many('dbLock', faults.dbLock.count, faults.dbLock.window);
  if (faults.smallDisk) many('smallDisk', 1, faults.smallDisk.window);
  if (faults.fileFaultSpells)
    many('fileFaultSpells', faults.fileFaultSpells.count, faults.fileFaultSpells.window);
  if (faults.suspend) many('suspend', 1, faults.suspend.window);
  if (faults.clockSteps) many('clockSteps', faults.clockSteps.deltasMs.length, faults.clockSteps.window);
  return plan.sort((a, b) => a.at - b.at);
}

export interface MachineEvent {
  name: MachineFaultName;
  startedAtReal: number;
  endedAtReal: number | null;
  detail: string;
}

/** A CLI stopped with SIGSTOP while a resume took its batch over. */
export interface Suspension {
  pid: number;
  stoppedAtReal: number;
  /** SIGCONT; null: never continued (the run ended first). */
  continuedAtReal: number | null;
  /** The process that held the batch's lease when the stopped one was continued. */
  leaseHolderAtContinue: string | null;
  endedAtReal: number | null;
}

/** A batch that waited for a person because of the disk: an exit or a pause seen by the driver. */
export interface PersonWait {
  atReal: number;
  reason: string;
  /** Real ms since the disk was freed (negative: it was still full). */
  sinceFreedMs: number;
  how: 'exited' | 'paused';
}

/** A CLI that refused to start (exit 2) because of a machine fault, with the line it gave. */
export interface RefusedStart {
  pid: number;
  atReal: number;
  message: string;
}

/** What the machine did, for the checker. */
export interface MachineRecord {
  faults: MachineFaults;
  events: MachineEvent[];
  suspensions: Suspension[];
  personWaits: PersonWait[];
  refusedStarts: RefusedStart[];
  /** JSON lines of every injected database and file fault, and every traced file operation. */
  faultLog: string;
  /** The largest clock step offset in force at any time (ms, absolute). */
  maxClockOffsetMs: number;
  /** Real ms after a SIGCONT within which the continued process may still touch files. */
  leaseLossGraceMs: number;
  /** Whether the small disk was a real tmpfs (false: ENOSPC was injected instead). */
  smallDiskMounted: boolean | null;
}
