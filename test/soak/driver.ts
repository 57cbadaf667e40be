// The night test's driver: a batch of real images run by the real CLI (`bin/stillmotion.mjs`,
// a child process) against the RunComfy simulator (in this process), on one fast clock shared
// through STILLMOTION_CLOCK_FACTOR/EPOCH, with faults on. The child is killed with SIGKILL at
// seeded moments and resumed with `stillmotion resume` each time, as a person would after a
// crash. What happened (kills, restarts, memory, event-loop stalls, the simulator's ledger) is
// handed to the checker (checker.ts), which reads the database and the output folder itself.
import Database from 'better-sqlite3';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { startSimulator } from '../../main/core/simulator';
import { DEMO_API_KEY, type FaultRates, type Ledger } from '../../main/core/simulator/types';
import {
  EnvironmentDirector,
  simulatorEnvironment,
  type EnvironmentEvent,
  type SoakEnvironment,
} from './environment';
import { scaledClock, seededRandom, type Clock, type Random } from '../../main/core/util/clock';
import type { MachineFaults, MachineRecord } from './machine';
import { readJsonLines } from './evidence';
import { MachineDirector } from './machine-director';

const HERE = __dirname;
export const ROOT = resolve(HERE, '../..');
/**
 * The checkout whose CLI is run. STILLMOTION_SOAK_CLI_ROOT points it at a copy, e.g. one with a
 * guarantee broken on purpose, to see the checker fail without touching this working tree.
 */
const CLI_ROOT = process.env.STILLMOTION_SOAK_CLI_ROOT ?? ROOT;
const BIN = join(CLI_ROOT, 'bin/stillmotion.mjs');
const MONITOR = join(HERE, 'monitor.mjs');

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

/** `count` distinct solid-colour PNGs of 320x320 (Kling's 300 px minimum), seeded colours. */
export async function makeSoakImages(dir: string, count: number, random: Random): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const used = new Set<number>();
  for (let i = 0; i < count; i++) {
    let rgb: number;
    do rgb = Math.floor(random() * 0x1000000);
    while (used.has(rgb));
    used.add(rgb);
    await sharp({
      create: {
        width: 320,
        height: 320,
        channels: 3,
        background: { r: rgb >> 16, g: (rgb >> 8) & 0xff, b: rgb & 0xff },
      },
    })
      .png()
      .toFile(join(dir, `still-${String(i).padStart(4, '0')}.png`));
  }
}

function readRss(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

interface DbView {
  counts(batchId: number): Record<string, number>;
  lease(batchId: number): {
    owner: string | null;
    expiresAt: number | null;
    state: string;
    pause: string | null;
  };
  lastEventId(): number;
  batchId(): number | null;
  close(): void;
}

function openView(dbPath: string): DbView | null {
  if (!existsSync(dbPath)) return null;
  let db: Database.Database;
  try {
    db = new Database(dbPath, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 2000');
    // The child may still be migrating: wait until the tables are there.
    const ok = db
      .prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name IN ('items', 'item_events', 'batches')`)
      .get() as { n: number };
    if (ok.n < 3) {
      db.close();
      return null;
    }
  } catch {
    return null;
  }
  const countsStmt = db.prepare(`SELECT state, count(*) AS n FROM items WHERE batch_id = ? GROUP BY state`);
  const leaseStmt = db.prepare(
    `SELECT lease_owner AS owner, lease_expires_at AS expiresAt, state, pause_reason AS pause FROM batches WHERE id = ?`,
  );
  const eventStmt = db.prepare(`SELECT coalesce(max(id), 0) AS id FROM item_events`);
  const batchStmt = db.prepare(`SELECT max(id) AS id FROM batches`);
  return {
    counts(batchId) {
      const out: Record<string, number> = {};
      for (const row of countsStmt.all(batchId) as { state: string; n: number }[]) out[row.state] = row.n;
      return out;
    },
    lease(batchId) {
      return leaseStmt.get(batchId) as ReturnType<DbView['lease']>;
    },
    lastEventId: () => (eventStmt.get() as { id: number }).id,
    batchId: () => (batchStmt.get() as { id: number | null }).id,
    close: () => db.close(),
  };
}

const SETTLED = ['done', 'failed', 'expired', 'unknown_submit', 'cancelled', 'rejected', 'skipped'];
const IN_FLIGHT = ['submitting', 'in_queue', 'in_progress', 'downloading'];
const sum = (counts: Record<string, number>, states: string[]) =>
  states.reduce((n, s) => n + (counts[s] ?? 0), 0);

/** Seeded kill thresholds: fractions of settled items, plus a real-ms jitter each. */
export function killPlan(random: Random, kills: number, window: [number, number]) {
  const [low, high] = window;
  return Array.from({ length: kills }, () => ({
    fraction: low + random() * (high - low),
    jitterMs: Math.floor(random() * 2000),
  })).sort((a, b) => a.fraction - b.fraction);
}

export async function runSoak(partial: Partial<SoakOptions> = {}): Promise<SoakRun> {
  const options: SoakOptions = { ...DEFAULT_SOAK_OPTIONS, ...partial };
  const { log } = options;
  const random = seededRandom(options.seed);
  const dir = mkdtempSync(join(tmpdir(), `sm-soak-${options.seed}-`));
  const imagesDir = join(dir, 'stills');
  const dbPath = join(dir, 'db', 'jobs.sqlite');
  const monitorPath = join(dir, 'monitor.jsonl');
  mkdirSync(join(dir, 'logs'), { recursive: true });
  const started = Date.now();

  log(
    `soak seed ${options.seed}: ${options.items} images, ${options.kills} kills, clock x${options.clockFactor}`,
  );
  await makeSoakImages(imagesDir, options.items, random);

  // One clock for the simulator here and every CLI child: the same factor and epoch.
  const epoch = Date.now();
  const clock: Clock = scaledClock(options.clockFactor, epoch, epoch);
  const simStartedAt = clock.now();
  const machine = new MachineDirector(options.machine, {
    dir,
    dbPath,
    seed: options.seed,
    items: options.items,
    clockFactor: options.clockFactor,
    outputBytes: options.outputBytes,
    log,
    suspendCurrent: () => suspendCurrent(),
    killed: (pid) => recordKill(pid, 'environment', Date.now()),
    leaseOwner: () => (view && batchId !== null ? view.lease(batchId).owner : null),
  });
  const outputDir = machine.outputDir();
  // The machine's wall clock (stepped by the clock-step fault): what leases are written in.
  // The simulator's clock stays the server's, which no step on this machine moves.
  const machineNow = () => clock.now() + machine.clockOffset();
  const silent = options.machine.silentDownloads;
  const simEnvironment = () => ({
    ...simulatorEnvironment(options.environment),
    silentDownload: silent ? { rate: silent.rate, cutAfterMs: silent.cutAfterMs } : undefined,
  });
  const sim = await startSimulator({
    clock,
    seed: options.seed,
    faults: options.faults,
    concurrencyCap: options.parallel,
    outputTtlMs: options.outputTtlMs,
    outputBytes: options.outputBytes,
    apiKeys: { [DEMO_API_KEY]: 1_000_000 },
    environment: simEnvironment(),
  });
  // Another RUNCOMFY_API_BASE (a proxy, another region, a simulator left running): same key,
  // same clock, its own request ids; none of the first one's jobs exist there.
  const otherSim = options.environment.baseSwitch
    ? await startSimulator({
        clock,
        seed: options.seed ^ 0x9e3779b9,
        faults: options.faults,
        concurrencyCap: options.parallel,
        outputTtlMs: options.outputTtlMs,
        outputBytes: options.outputBytes,
        apiKeys: { [DEMO_API_KEY]: 1_000_000 },
      })
    : null;

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    RUNCOMFY_API_BASE: sim.url,
    RUNCOMFY_API_KEY: DEMO_API_KEY,
    STILLMOTION_CLOCK_FACTOR: String(options.clockFactor),
    STILLMOTION_CLOCK_EPOCH: String(epoch),
    STILLMOTION_SOAK_MONITOR: monitorPath,
    // Its own data folder: a key stored on this machine must never stand in for RUNCOMFY_API_KEY.
    STILLMOTION_DATA_DIR: join(dir, 'data'),
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${pathToFileURL(MONITOR).href}`.trim(),
  };
  delete env.STILLMOTION_CRASH_AT;

  const runs: ChildRun[] = [];
  const kills: KillRecord[] = [];
  const rss: RssSample[] = [];
  const plan = killPlan(random, options.kills, options.killWindow);
  let aborted: string | null = null;
  let userResumes = 0;
  let view: DbView | null = null;
  let batchId: number | null = null;

  const spawnChild = (command: 'run' | 'resume') => {
    const logPath = join(dir, 'logs', `${String(runs.length).padStart(2, '0')}-${command}.log`);
    const fd = openSync(logPath, 'a');
    const args =
      command === 'run'
        ? [
            BIN,
            'run',
            imagesDir,
            '--template',
            'A slow pan over {name}, shot {index} of {count}',
            '--out',
            outputDir,
            '--parallel',
            String(options.parallel),
            '--duration',
            '5',
            '--yes',
            '--db',
            dbPath,
          ]
        : [BIN, 'resume', String(batchId), '--db', dbPath];
    const child = spawn(process.execPath, args, {
      cwd: CLI_ROOT,
      env: { ...env, ...machine.childEnv(runs.length), ...director.overrides },
      stdio: ['ignore', fd, fd],
    });
    closeSync(fd);
    const record: ChildRun = {
      pid: child.pid ?? -1,
      command,
      startedAtReal: Date.now(),
      endedAtReal: 0,
      exitCode: null,
      signal: null,
      log: logPath,
      watchedInstead: false,
      firstWriteAt: null,
    };
    runs.push(record);
    const exited = new Promise<void>((resolveExit) =>
      child.once('exit', (code, signal) => {
        record.endedAtReal = Date.now();
        record.exitCode = code;
        record.signal = signal;
        try {
          record.watchedInstead = /watching it instead/.test(readFileSync(logPath, 'utf8'));
        } catch {
          record.watchedInstead = false;
        }
        resolveExit();
      }),
    );
    return { child, record, exited };
  };

  const waitForLeaseExpiry = async (): Promise<number> => {
    const t0 = Date.now();
    if (!view || batchId === null) return 0;
    for (;;) {
      const lease = view.lease(batchId);
      if (!lease.owner || (lease.expiresAt ?? 0) <= machineNow()) return Date.now() - t0;
      await sleep(Math.max(5, ((lease.expiresAt ?? 0) - machineNow()) / options.clockFactor + 5));
    }
  };

  const idle: IdleSpan[] = [];
  let idleSince: { real: number; simulated: number; queued: number } | null = null;
  const closeIdle = () => {
    if (idleSince)
      idle.push({
        pid: current.record.pid,
        fromReal: idleSince.real,
        toReal: Date.now(),
        simulatedMs: clock.now() - idleSince.simulated,
        queued: idleSince.queued,
      });
    idleSince = null;
  };

  /** Notes a SIGKILL of `pid` made at real time `at`, with what the database says right after it. */
  const recordKill = (pid: number, cause: KillRecord['cause'], at: number) => {
    const after = view && batchId !== null ? view.counts(batchId) : {};
    kills.push({
      index: kills.length,
      pid,
      realMs: at - started,
      simulatedAt: clock.now(),
      cause,
      submitting: after.submitting ?? 0,
      inFlight: sum(after, IN_FLIGHT),
      downloading: after.downloading ?? 0,
      settled: sum(after, SETTLED),
      leaseWaitMs: 0,
    });
    return after;
  };

  /** Ctrl-C, as a person stops the CLI (a clean pause); SIGKILL if it does not stop in time. */
  const stopChild = async () => {
    if (current.record.endedAtReal !== 0) return;
    closeIdle();
    current.child.kill('SIGINT');
    const stopped = await Promise.race([current.exited.then(() => true), sleep(20_000).then(() => false)]);
    if (stopped) return;
    current.child.kill('SIGKILL');
    await current.exited;
    recordKill(current.record.pid, 'environment', Date.now());
    log('a Ctrl-C did not stop the CLI within 20 s: killed');
  };

  /** SIGSTOP the running CLI and start `resume` beside it (the machine's suspend fault). */
  const suspendCurrent = (): { pid: number; exited: Promise<void> } => {
    const stopped = current;
    closeIdle();
    stopped.child.kill('SIGSTOP');
    current = spawnChild('resume');
    eventAtSpawn = view ? view.lastEventId() : 0;
    lastChange = Date.now();
    return { pid: stopped.record.pid, exited: stopped.exited };
  };
  mkdirSync(join(dir, 'data-without-key'), { recursive: true });
  const director = new EnvironmentDirector(options.environment, {
    outputDir,
    dbPath,
    emptyDataDir: join(dir, 'data-without-key'),
    otherBaseUrl: otherSim?.url ?? null,
    log,
    stopChild,
    startDownloadOutage: (durationMs, kind) =>
      sim.setEnvironment({
        ...simEnvironment(),
        downloadOutage: { startMs: clock.now() - simStartedAt, durationMs, kind },
      }),
  });

  let current = spawnChild('run');
  let nextKill = 0;
  let killDue: number | null = null;
  let lastEvent = -1;
  let eventAtSpawn = 0;
  let lastChange = Date.now();
  let exitJudged: ChildRun | null = null;
  let machineRecord: MachineRecord | null = null;
  try {
    for (;;) {
      if (Date.now() - started > options.timeoutMs) {
        aborted = `timed out after ${options.timeoutMs} ms`;
        current.child.kill('SIGKILL');
        await current.exited;
        break;
      }
      const childAlive = current.record.endedAtReal === 0;
      if (childAlive) {
        const sample = readRss(current.record.pid);
        if (sample !== null) rss.push({ pid: current.record.pid, at: Date.now(), rss: sample });
      }
      view ??= openView(dbPath);
      if (view && batchId === null) batchId = view.batchId();
      const counts = view && batchId !== null ? view.counts(batchId) : {};
      const settled = sum(counts, SETTLED);
      const eventId = view ? view.lastEventId() : 0;
      if (eventId !== lastEvent) {
        lastEvent = eventId;
        lastChange = Date.now();
      }
      if (childAlive && current.record.firstWriteAt === null && eventId > eventAtSpawn)
        current.record.firstWriteAt = Date.now();
      // Idle with work: queued items, a CLI at work holding the lease, and nothing in flight.
      const lease = childAlive && view && batchId !== null ? view.lease(batchId) : null;
      const working =
        current.record.firstWriteAt !== null &&
        lease?.state === 'running' &&
        (lease.owner ?? '').endsWith(`:${current.record.pid}`);
      if (working && (counts.queued ?? 0) > 0 && sum(counts, IN_FLIGHT) === 0)
        idleSince ??= { real: Date.now(), simulated: clock.now(), queued: counts.queued ?? 0 };
      else closeIdle();

      const before = current;
      if (batchId !== null) {
        machine.tick(settled / options.items, director.busy);
        if (childAlive) machine.batchPause(lease?.state === 'paused' ? lease.pause : null);
      }
      if (current !== before) continue; // the machine suspended it and started a resume
      // Not while a suspended CLI and its replacement both live: one would stop the other.
      if (!machine.busy) await director.tick(settled / options.items, batchId, current.record);
      if (current.record.endedAtReal !== 0 && childAlive) continue; // the director stopped it

      if (!childAlive) {
        const { exitCode, signal } = current.record;
        const batch = view && batchId !== null ? view.lease(batchId) : null;
        if (batch?.state === 'finished') break;
        if (batch?.state === 'paused' && exitJudged !== current.record) {
          exitJudged = current.record;
          machine.cliExitedPaused(batch.pause);
        }
        // A disk someone else filled: the person resumes once it is freed (by itself).
        if (batch?.state === 'paused' && batch.pause === 'disk_full' && machine.diskFull) {
          await sleep(50);
          continue;
        }
        // No key yet: the person sets it (and resumes) only at the end of the window.
        if (director.holdRespawn(current.record)) {
          await sleep(50);
          continue;
        }
        // A start refused because of a machine fault (the database locked past the busy
        // timeout) is judged by the checker; the person tries again.
        if (
          signal === null &&
          exitCode === 2 &&
          !machine.startRefused(current.record.pid, current.record.log)
        ) {
          aborted = `the CLI refused with a usage error (exit 2); see ${current.record.log}`;
          break;
        }
        if (batch?.state === 'paused' && batch.pause === 'too_many_failures') userResumes++;
        else if (batch?.state === 'paused')
          log(`batch paused (${batch.pause}); resuming as a person would after fixing the cause`);
        if (batchId === null) {
          aborted = `the first run ended (exit ${exitCode}, ${signal}) before creating a batch; see ${current.record.log}`;
          break;
        }
        const kill = kills[kills.length - 1];
        if (kill && kill.pid === current.record.pid && options.waitForLease)
          kill.leaseWaitMs = await waitForLeaseExpiry();
        current = spawnChild('resume');
        eventAtSpawn = view ? view.lastEventId() : 0;
        lastChange = Date.now();
        continue;
      }

      let cause: KillRecord['cause'] | null = null;
      if (Date.now() - lastChange > options.stallTimeoutMs && batchId !== null) cause = 'watchdog';
      else if (nextKill < plan.length && batchId !== null) {
        const due = plan[nextKill]!;
        // Only once this process has written something: a kill while it is still loading its
        // sources tests nothing the previous kill did not (its jitter still lands some early).
        const working = eventId > eventAtSpawn;
        if (killDue === null && working && settled >= due.fraction * options.items)
          killDue = Date.now() + due.jitterMs;
        if (killDue !== null && Date.now() >= killDue) cause = 'random';
      }
      if (cause) {
        const at = Date.now();
        current.child.kill('SIGKILL');
        await current.exited;
        // Read right after the kill: nothing can change the database now.
        const after = recordKill(current.record.pid, cause, at);
        if (cause === 'random') {
          nextKill++;
          killDue = null;
        }
        log(
          `kill ${kills.length} (${cause}) at ${((at - started) / 1000).toFixed(1)} s: ` +
            `${sum(after, SETTLED)}/${options.items} settled, ${after.submitting ?? 0} submitting, ${sum(after, IN_FLIGHT)} in flight`,
        );
        continue;
      }
      await sleep(50);
    }
  } finally {
    closeIdle();
    if (current.record.endedAtReal === 0) {
      current.child.kill('SIGKILL');
      await current.exited;
    }
    await director.finish();
    machineRecord = await machine.finish();
  }

  const ledger = otherSim ? mergeLedgers(sim.ledger, otherSim.ledger) : sim.ledger;
  const other = otherSim?.ledger;
  const otherBase = other
    ? {
        submits: other.submits.length,
        jobsCreated: other.jobs.size,
        polls: other.polls.length,
        polls404: other.polls.filter((p) => p.httpStatus === 404).length,
        downloads: other.downloads.length,
      }
    : null;
  const simulatedMs = clock.now() - epoch;
  await sim.close();
  await otherSim?.close();
  view?.close();
  const monitor = readJsonLines<MonitorSample>(monitorPath);
  return {
    options: { ...options, log: undefined } as unknown as Omit<SoakOptions, 'log'>,
    dir,
    dbPath,
    imagesDir,
    outputDir,
    batchId: batchId ?? -1,
    ledger,
    kills,
    runs,
    rss,
    monitor,
    wallMs: Date.now() - started,
    simulatedMs,
    aborted,
    userResumes,
    idle,
    environment: { events: director.events, deletedSources: director.deletedSources, otherBase },
    machine: machineRecord!,
    cleanup: () => {
      if (!options.keep) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * One ledger of two simulators on one clock (their request ids differ by seed): every request,
 * in time order, and every job.
 */
export function mergeLedgers(a: Ledger, b: Ledger): Ledger {
  const byTime = <T extends { at: number }>(x: T[], y: T[]) => [...x, ...y].sort((p, q) => p.at - q.at);
  return {
    submits: byTime(a.submits, b.submits),
    polls: byTime(a.polls, b.polls),
    cancels: byTime(a.cancels, b.cancels),
    charges: byTime(a.charges, b.charges),
    downloads: byTime(a.downloads, b.downloads),
    jobs: new Map([...a.jobs, ...b.jobs]),
    environment: {
      outage: a.environment?.outage ?? b.environment?.outage ?? null,
      jobsWithoutOutputUrl: new Set([
        ...(a.environment?.jobsWithoutOutputUrl ?? []),
        ...(b.environment?.jobsWithoutOutputUrl ?? []),
      ]),
    },
  };
}

export type { ChildProcess };
