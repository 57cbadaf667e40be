// Plays the machine faults (machine.ts) while the driver runs the CLI: each at its seeded
// moment, several at once if their moments meet. It owns what those faults need on the machine:
// the second database connection that holds the write lock, the small disk and its filler, the
// control file of the file-error spells, the clock step file, and the CLI it suspended.
import Database from 'better-sqlite3';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { seededRandom } from '../../main/core/util/clock';
import {
  planMachine,
  type MachineEvent,
  type MachineFaultName,
  type MachineFaults,
  type MachineRecord,
  type PlannedFault,
  type Suspension,
} from './machine';
import { SmallDisk } from './small-disk';
import { stopOutsideCommit, SuspendedCli } from './suspended-cli';

/** What the director needs of the driver. */
export interface MachineContext {
  dir: string;
  dbPath: string;
  seed: number;
  items: number;
  clockFactor: number;
  outputBytes: number;
  log: (line: string) => void;
  /** Stops the running CLI with `stop` and starts `resume` in its place; answers the stopped one. */
  suspendCurrent: (stop: (pid: number) => void) => { pid: number; exited: Promise<void> };
  /** Called after the director SIGKILLed a continued CLI at the end of its overlap. */
  killed: (pid: number) => void;
  /** The batch's lease owner now (null: none or no batch yet). */
  leaseOwner: () => string | null;
}

interface Timed {
  name: MachineFaultName;
  endsAtReal: number;
  event: MachineEvent;
  end: () => void;
}

export class MachineDirector {
  readonly events: MachineEvent[] = [];
  readonly suspensions: Suspension[] = [];
  readonly personWaits: MachineRecord['personWaits'] = [];
  readonly refusedStarts: MachineRecord['refusedStarts'] = [];
  readonly faultLog: string;
  private readonly plan: PlannedFault[];
  private readonly active: Timed[] = [];
  private readonly stepFile: string;
  private readonly fileControl: string;
  private offsetMs = 0;
  private maxOffsetMs = 0;
  private disk: SmallDisk | null = null;
  private diskFullSince: number | null = null;
  private diskFreedAt: number | null = null;
  private spell: string | null = null;
  private diskSpell: string | null = null;
  private suspended: SuspendedCli | null = null;
  private pausedEpisodeSeen = false;

  constructor(
    private readonly faults: MachineFaults,
    private readonly ctx: MachineContext,
  ) {
    this.plan = planMachine(faults, seededRandom(ctx.seed ^ 0x85ebca6b));
    this.faultLog = join(ctx.dir, 'machine-faults.jsonl');
    this.stepFile = join(ctx.dir, 'clock-step');
    this.fileControl = join(ctx.dir, 'file-faults');
    writeFileSync(this.faultLog, '');
    this.writeFileControl();
  }

  /** The output folder: on the small disk when there is one (mounted here, before any CLI runs). */
  outputDir(): string {
    if (!this.faults.smallDisk) return join(this.ctx.dir, 'videos');
    // Room for every video and its sidecar twice over (retries, a remount's hidden copy) + 8 MiB.
    const bytes = this.ctx.items * (this.ctx.outputBytes + 8192) * 2 + 8 * 1024 * 1024;
    this.disk = SmallDisk.create(join(this.ctx.dir, 'disk'), bytes);
    this.ctx.log(
      this.disk.mounted
        ? `machine: output folder on a ${Math.round(this.disk.freeBytes() / 1048576)} MiB tmpfs`
        : 'machine: tmpfs not allowed here; a full disk will be injected ENOSPC',
    );
    return join(this.disk.root, 'videos');
  }

  /** What every CLI the driver starts gets on top of its environment (`index`: its number). */
  childEnv(index: number, command: 'run' | 'resume'): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = {};
    const writes = this.faults.dbWriteFaults;
    // `run` first writes the batch and its items (some three writes an item) in one
    // transaction: failing one of those leaves no batch to test (500 items at 1% almost always
    // would), so its faults start after them. A resume's start-up writes are fair game.
    const skip = command === 'run' ? this.ctx.items * 3 + 50 : 0;
    if (writes)
      env.STILLMOTION_DB_FAULTS = `rate=${writes.rate},seed=${this.ctx.seed * 1000 + index},codes=${writes.codes.join(',')},skip=${skip},log=${this.faultLog}`;
    if (this.faults.fileFaultSpells || this.faults.smallDisk || this.faults.suspend)
      env.STILLMOTION_FILE_FAULTS = this.fileControl;
    if (this.faults.clockSteps) env.STILLMOTION_CLOCK_STEP_FILE = this.stepFile;
    return env;
  }

  /** The machine's clock offset now (ms): the driver compares lease times with it. */
  clockOffset(): number {
    return this.offsetMs;
  }

  /** While a suspended CLI and its replacement both live, the environment faults wait. */
  get busy(): boolean {
    return this.suspended !== null;
  }

  /** Whether the disk is full now (the driver then waits for it to be freed to resume). */
  get diskFull(): boolean {
    return this.diskFullSince !== null;
  }

  /**
   * The CLI ended with the batch paused for `pause`: when the cause is the disk, the batch now
   * waits for a person (nothing runs to notice the space is back).
   */
  cliExitedPaused(pause: string | null): void {
    if (pause !== 'disk_full') return;
    // One wait per episode: seen paused a while before the CLI gave up, it is already counted;
    // after the exit, the batch stays paused until the person's resume is at work.
    if (!this.pausedEpisodeSeen) this.personWait(pause, 'exited');
    this.pausedEpisodeSeen = true;
  }

  /**
   * The batch's pause as the driver sees it on a tick, while a CLI runs: paused for the disk
   * longer than a recheck after the disk was freed is a wait for a person (once per episode).
   */
  batchPause(pause: string | null): void {
    if (pause !== 'disk_full') {
      this.pausedEpisodeSeen = false;
      return;
    }
    if (this.pausedEpisodeSeen || this.diskFreedAt === null) return;
    // A paused batch may take a recheck (simulated 30 s) and a real second to notice.
    const grace = Math.max(2_000, 60_000 / this.ctx.clockFactor + 1_000);
    if (Date.now() - this.diskFreedAt < grace) return;
    this.pausedEpisodeSeen = true;
    this.personWait(pause, 'paused');
  }

  private personWait(reason: string, how: 'exited' | 'paused'): void {
    const now = Date.now();
    const sinceFreedMs = this.diskFreedAt === null || this.diskFull ? -1 : now - this.diskFreedAt;
    this.personWaits.push({ atReal: now, reason, sinceFreedMs, how });
    const when = sinceFreedMs < 0 ? 'while the disk is full' : `${sinceFreedMs} ms after the disk was freed`;
    this.ctx.log(`machine: the batch waits for a person (${reason}, CLI ${how}) ${when}`);
  }

  /**
   * A CLI exited 2 (refused to start): when its log names a database fault the machine played
   * (locked, full, I/O error), it is recorded for the checker and the driver starts another.
   */
  startRefused(pid: number, logPath: string): boolean {
    const wanted = [
      ...(this.faults.dbLock ? ['database is locked', 'SQLITE_BUSY'] : []),
      ...(this.faults.dbWriteFaults
        ? ['database or disk is full', 'disk I/O error', 'SQLITE_FULL', 'SQLITE_IOERR']
        : []),
    ];
    if (wanted.length === 0) return false;
    let text = '';
    try {
      text = readFileSync(logPath, 'utf8');
    } catch {
      return false;
    }
    const line = text.split('\n').find((l) => wanted.some((w) => l.includes(w)));
    if (!line) return false;
    this.refusedStarts.push({ pid, atReal: Date.now(), message: line.trim() });
    this.ctx.log(`machine: pid ${pid} refused to start: ${line.trim()}`);
    return true;
  }

  /**
   * Call on every driver tick with the settled fraction (once the batch exists). A suspension
   * waits while `environmentBusy` (an environment fault is restarting the CLI).
   */
  tick(settledFraction: number, environmentBusy: boolean): void {
    const now = Date.now();
    for (const timed of [...this.active])
      if (now >= timed.endsAtReal) {
        this.active.splice(this.active.indexOf(timed), 1);
        timed.end();
        timed.event.endedAtReal = Date.now();
        this.ctx.log(`machine: ${timed.name} over (${timed.event.detail})`);
      }
    if (this.suspended?.tick(now)) this.suspended = null;
    while (this.plan[0] && settledFraction >= this.plan[0].at) {
      // One of a kind at a time: a second lock would wait on the first, a second suspension
      // would stop the replacement of the first. The next waits for the one before to end.
      const next = this.plan[0];
      // A stop is placed outside the CLI's commits by probing the write lock: not while held here.
      const lockHeld = this.active.some((a) => a.name === 'dbLock');
      const suspendWaits =
        next.name === 'suspend' && (this.suspended !== null || environmentBusy || lockHeld);
      if (this.active.some((a) => a.name === next.name) || suspendWaits) break;
      this.start(this.plan.shift()!);
    }
  }

  /** Ends everything (the run is over or aborted): no lock, mount, spell or stopped CLI is left. */
  async finish(): Promise<MachineRecord> {
    for (const timed of this.active.splice(0)) {
      timed.end();
      timed.event.endedAtReal = Date.now();
    }
    await this.suspended?.end();
    this.suspended = null;
    this.spell = null;
    this.diskSpell = null;
    this.writeFileControl();
    this.disk?.release();
    return {
      faults: this.faults,
      events: this.events,
      suspensions: this.suspensions,
      personWaits: this.personWaits,
      refusedStarts: this.refusedStarts,
      faultLog: this.faultLog,
      maxClockOffsetMs: this.maxOffsetMs,
      leaseLossGraceMs: this.leaseLossGraceMs(),
      smallDiskMounted: this.disk ? this.disk.mounted : null,
    };
  }

  /** One lease renewal (a third of the CLI's 60 s lease, simulated) and a real second of slack. */
  private leaseLossGraceMs(): number {
    return Math.round(20_000 / this.ctx.clockFactor) + 1_000;
  }

  private record(name: MachineFaultName, detail: string): MachineEvent {
    const event: MachineEvent = { name, startedAtReal: Date.now(), endedAtReal: null, detail };
    this.events.push(event);
    this.ctx.log(`machine: ${name} (${detail})`);
    return event;
  }

  private timed(name: MachineFaultName, detail: string, realMs: number, end: () => void): void {
    this.active.push({ name, endsAtReal: Date.now() + realMs, event: this.record(name, detail), end });
  }

  private start(planned: PlannedFault): void {
    const { faults, ctx } = this;
    const simulated = (ms: number) => Math.max(1, Math.round(ms / ctx.clockFactor));
    switch (planned.name) {
      case 'dbLock': {
        const { realMs } = faults.dbLock!;
        const db = new Database(ctx.dbPath, { timeout: 10_000 });
        try {
          db.exec('BEGIN IMMEDIATE');
        } catch (error) {
          db.close();
          this.record('dbLock', `could not take the write lock: ${String(error)}`).endedAtReal = Date.now();
          return;
        }
        const detail = `a second connection holds the write lock for ${realMs} ms real (#${planned.index + 1})`;
        this.timed('dbLock', detail, realMs, () => {
          db.exec('ROLLBACK');
          db.close();
        });
        return;
      }
      case 'smallDisk': {
        const { freeAfterMs } = faults.smallDisk!;
        this.diskFullSince = Date.now();
        const end = () => {
          this.disk?.free();
          this.diskSpell = null;
          this.writeFileControl();
          this.diskFullSince = null;
          this.diskFreedAt = Date.now();
        };
        if (this.disk?.mounted) {
          const filled = this.disk.fill(Math.floor(ctx.outputBytes / 2));
          this.timed(
            'smallDisk',
            `output disk filled (${Math.round(filled / 1048576)} MiB filler, ${this.disk.freeBytes()} bytes left), freed ${freeAfterMs / 1000} s simulated later`,
            simulated(freeAfterMs),
            end,
          );
        } else {
          this.diskSpell = `rate=1,codes=ENOSPC,log=${this.faultLog},trace=1`;
          this.writeFileControl();
          this.timed(
            'smallDisk',
            `mount not allowed: every output write fails ENOSPC for ${freeAfterMs / 1000} s simulated`,
            simulated(freeAfterMs),
            end,
          );
        }
        return;
      }
      case 'fileFaultSpells': {
        const { durationMs, rate, codes } = faults.fileFaultSpells!;
        this.spell = `rate=${rate},codes=${codes.join(',')},seed=${ctx.seed + planned.index},log=${this.faultLog},trace=1`;
        this.writeFileControl();
        this.timed(
          'fileFaultSpells',
          `output writes fail ${codes.join('/')} at ${rate} for ${durationMs / 1000} s simulated (#${planned.index + 1})`,
          simulated(durationMs),
          () => {
            this.spell = null;
            this.writeFileControl();
          },
        );
        return;
      }
      case 'clockSteps': {
        const delta = faults.clockSteps!.deltasMs[planned.index]!;
        this.offsetMs += delta;
        this.maxOffsetMs = Math.max(this.maxOffsetMs, Math.abs(this.offsetMs));
        writeFileSync(this.stepFile, String(this.offsetMs));
        const event = this.record(
          'clockSteps',
          `wall clock stepped ${delta > 0 ? '+' : ''}${delta / 60_000} min (offset now ${this.offsetMs / 60_000} min)`,
        );
        event.endedAtReal = event.startedAtReal;
        return;
      }
      case 'suspend': {
        let insideCommit = 0;
        const { pid, exited } = ctx.suspendCurrent((stopped) => {
          insideCommit = stopOutsideCommit(stopped, ctx.dbPath);
        });
        const event = this.record(
          'suspend',
          `pid ${pid} stopped (SIGSTOP) for ${faults.suspend!.stopRealMs} ms real; a resume takes the batch over` +
            (insideCommit > 0
              ? `; stopped ${insideCommit} time(s) first inside a commit (holding the write lock)`
              : ''),
        );
        this.suspended = new SuspendedCli(pid, exited, event, faults.suspend!, ctx);
        this.suspensions.push(this.suspended.record);
        return;
      }
    }
  }

  /** The disk's ENOSPC (where it could not be mounted) wins over a spell; empty: no faults. */
  private writeFileControl(): void {
    const trace = this.faults.suspend ? `rate=0,log=${this.faultLog},trace=1` : '';
    writeFileSync(this.fileControl, this.diskSpell ?? this.spell ?? trace);
  }
}
