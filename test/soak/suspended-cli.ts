// A CLI the night test stopped (SIGSTOP) past its lease while a resume took the batch over: it
// is continued (SIGCONT) once its time is up and the resume holds the lease (or after a limit:
// the stopped one may hold the database's write lock, and no resume can start), both then run
// for a while, and the old one is ended as the OS ends a process (SIGKILL).
import Database from 'better-sqlite3';
import type { MachineContext } from './machine-director';
import type { MachineEvent, MachineFaults, Suspension } from './machine';

/** Real ms to wait for the resume to take over before continuing the stopped CLI anyway. */
const TAKEOVER_LIMIT_MS = 30_000;

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Already gone.
  }
}

/** Times a stop is tried again when it lands inside a commit. */
const STOP_TRIES = 20;

/**
 * SIGSTOPs `pid` at a moment it holds no write transaction on the database: a CLI stopped
 * inside a commit (often, with an fsync per commit on a busy disk) keeps the write lock, and
 * then no resume can start and take over, which is the case this fault is there to test. Each
 * time the lock is found held, the process is continued and stopped again a little later.
 * Answers how many stops landed inside a commit (the evidence of that other case).
 */
export function stopOutsideCommit(pid: number, dbPath: string): number {
  const probe = new Database(dbPath, { timeout: 200 });
  let inside = 0;
  try {
    for (let attempt = 0; attempt < STOP_TRIES; attempt++) {
      signal(pid, 'SIGSTOP');
      try {
        probe.exec('BEGIN IMMEDIATE');
        probe.exec('ROLLBACK');
        return inside;
      } catch {
        inside++;
        signal(pid, 'SIGCONT');
        // Let it finish the commit it was in (a few ms of its own time).
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5 + attempt * 5);
      }
    }
    signal(pid, 'SIGSTOP');
    return inside;
  } finally {
    probe.close();
  }
}

export class SuspendedCli {
  readonly record: Suspension;
  private overlapEndsAt = Infinity;

  constructor(
    private readonly pid: number,
    private readonly exited: Promise<void>,
    private readonly event: MachineEvent,
    private readonly config: NonNullable<MachineFaults['suspend']>,
    private readonly ctx: Pick<MachineContext, 'leaseOwner' | 'killed' | 'log'>,
  ) {
    this.record = {
      pid,
      stoppedAtReal: Date.now(),
      continuedAtReal: null,
      leaseHolderAtContinue: null,
      endedAtReal: null,
    };
    void exited.then(() => (this.record.endedAtReal ??= Date.now()));
  }

  /** Call on every tick; true once it is over (the process exited or was ended). */
  tick(now: number): boolean {
    const { pid, record, event } = this;
    if (record.endedAtReal !== null) {
      event.endedAtReal = record.endedAtReal;
      return true;
    }
    if (record.continuedAtReal === null) {
      const due = record.stoppedAtReal + this.config.stopRealMs;
      const owner = this.ctx.leaseOwner();
      const takenOver = owner !== null && !owner.endsWith(`:${pid}`);
      if (now < due || (!takenOver && now < due + TAKEOVER_LIMIT_MS)) return false;
      signal(pid, 'SIGCONT');
      record.continuedAtReal = now;
      record.leaseHolderAtContinue = owner;
      this.overlapEndsAt = now + this.config.overlapRealMs;
      const note = takenOver
        ? `the lease is ${owner}'s`
        : `no resume took the lease over (it is ${owner ?? 'free'})`;
      event.detail += `; continued: ${note}`;
      this.ctx.log(`machine: pid ${pid} continued (SIGCONT); ${note}`);
      return false;
    }
    if (now < this.overlapEndsAt) return false;
    // Ctrl-C would pause the batch the other process drives: a continued CLI is ended as an OS
    // ends a process (SIGKILL), which the checker counts like any other kill.
    signal(pid, 'SIGKILL');
    this.ctx.killed(pid);
    event.endedAtReal = Date.now();
    return true;
  }

  /** Ends it now (the run is over or aborted): continued, then killed, and waited for. */
  async end(): Promise<void> {
    signal(this.pid, 'SIGCONT');
    signal(this.pid, 'SIGKILL');
    await this.exited;
    this.record.endedAtReal ??= Date.now();
    this.event.endedAtReal ??= Date.now();
  }
}
