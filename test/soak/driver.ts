// The night test's driver: a batch of real images run by the real CLI (`bin/stillmotion.mjs`,
// a child process) against the RunComfy simulator (in this process), on one fast clock shared
// through STILLMOTION_CLOCK_FACTOR/EPOCH, with faults on. The child is killed with SIGKILL at
// seeded moments and resumed with `stillmotion resume` each time, as a person would after a
// crash. What happened (kills, restarts, memory, event-loop stalls, the simulator's ledger) is
// handed to the checker (checker.ts), which reads the database and the output folder itself.
// What a run is made of is in soak-run.ts; the environment's and the machine's faults are played
// by environment.ts and machine-director.ts.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startSimulator } from '../../main/core/simulator';
import { DEMO_API_KEY } from '../../main/core/simulator/types';
import { scaledClock, seededRandom, type Clock } from '../../main/core/util/clock';
import { startCli, type CliChild } from './cli-child';
import { IN_FLIGHT, openView, SETTLED, sum, type DbView } from './db-view';
import { EnvironmentDirector, simulatorEnvironment } from './environment';
import { readJsonLines } from './evidence';
import type { MachineRecord } from './machine';
import { MachineDirector } from './machine-director';
import {
  DEFAULT_SOAK_OPTIONS,
  killPlan,
  type ChildRun,
  type IdleSpan,
  type KillRecord,
  type MonitorSample,
  type RssSample,
  type SoakOptions,
  type SoakRun,
} from './soak-run';
import { makeSoakImages, mergeLedgers, readRss } from './soak-world';

const MONITOR = join(__dirname, 'monitor.mjs');

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

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
    suspendCurrent: (stop) => suspendCurrent(stop),
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
  // Test-only switches from the shell never reach a child: the machine faults set their own.
  for (const name of [
    'STILLMOTION_CRASH_AT',
    'STILLMOTION_DB_FAULTS',
    'STILLMOTION_FILE_FAULTS',
    'STILLMOTION_CLOCK_STEP_FILE',
  ])
    delete env[name];

  const runs: ChildRun[] = [];
  const kills: KillRecord[] = [];
  const rss: RssSample[] = [];
  const plan = killPlan(random, options.kills, options.killWindow);
  let aborted: string | null = null;
  let userResumes = 0;
  let view: DbView | null = null;
  let batchId: number | null = null;

  const spawnChild = (command: 'run' | 'resume'): CliChild => {
    const logPath = join(dir, 'logs', `${String(runs.length).padStart(2, '0')}-${command}.log`);
    const started = startCli(
      command,
      { imagesDir, outputDir, dbPath, parallel: options.parallel, batchId },
      { ...env, ...machine.childEnv(runs.length, command), ...director.overrides },
      logPath,
    );
    runs.push(started.record);
    return started;
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
      atReal: at,
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
  const suspendCurrent = (stop: (pid: number) => void): { pid: number; exited: Promise<void> } => {
    const stopped = current;
    closeIdle();
    stop(stopped.record.pid);
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
        const refused = signal === null && exitCode === 2;
        if (refused && !machine.startRefused(current.record.pid, current.record.log)) {
          aborted = `the CLI refused with a usage error (exit 2); see ${current.record.log}`;
          break;
        }
        if (batch?.state === 'paused' && batch.pause === 'too_many_failures') userResumes++;
        else if (batch?.state === 'paused')
          log(`batch paused (${batch.pause}); resuming as a person would after fixing the cause`);
        if (batchId === null && refused) {
          current = spawnChild('run'); // no batch yet: the person runs it again
          continue;
        }
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
