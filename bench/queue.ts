// Bench 12, the account's queue across processes: 12 generations of 40 s against an account
// limit of 4 (`stillmotion concurrency 4`), run by two engine processes on one database file and
// one simulator (6 jobs each, two batches), against one process running one 12-job batch at
// concurrency 4 (the single-process makespan). Both on a warm database (a 4-job batch ran
// first) and the same scaled clock. Also what the simulator saw: submits it refused beyond the
// account's limit (its `maxActivePerAccount`, 429) and the most jobs it held at once.
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import { DEMO_API_KEY, startSimulator } from '../main/core/simulator';
import { QUEUE_DELAY_MS as SIMULATOR_QUEUE_MS } from '../main/core/simulator/state';
import type { Ledger } from '../main/core/simulator/types';
import { scaledClock } from '../main/core/util/clock';
import { percentile, ratio, tempDir, type Row } from './lib';
import { slotPickups } from './slots';
import type { QueueChildConfig, QueueChildResult } from './queue-child';

const JOBS = 12;
const LIMIT = 4;
const GENERATION_MS = 40_000;
const WARMUP_JOBS = 4;
// 8x: a run takes about 16 s real (and the warm-up 5 s). Every real millisecond between a
// finish and the next submit counts eight simulated ones; both runs pay alike.
const FACTOR = 8;
/**
 * BENCH_QUEUE_RECHECK_MS=250: the engines look for a slot the other process freed every 250 ms
 * (clock) instead of the shipped 2 s, to measure what that look costs the makespan.
 */
const RECHECK_MS = Number(process.env.BENCH_QUEUE_RECHECK_MS) || undefined;

interface QueueRun {
  makespanMs: number;
  /** Submits the simulator refused because the account already had its limit in flight. */
  refusals: number;
  /** The most jobs the simulator held (queued or running) at once. */
  peakInFlight: number;
  jobs: number;
  /** Job completed -> the next submit in the slot it freed (slots.ts slotPickups), median and p95. */
  pickupMedianMs: number;
  pickupP95Ms: number;
  /** Median pickup where the slot passed to the other process (NaN with one process). */
  handoffMedianMs: number;
  handoffs: number;
  /** Start -> the first submit the simulator saw; the last job's end -> the batches finished. */
  startMs: number;
  tailMs: number;
}

/**
 * The pickups (as slotPickups pairs them: the k-th finish frees the slot of the (limit+k)-th
 * submit) where the job that finished and the one submitted belong to different processes.
 */
function handoffPickups(
  jobs: readonly { imageHash: string | null; createdAt: number; finishedAt: number | null }[],
  owner: Map<string, number>,
) {
  const byFinish = jobs
    .filter((job) => job.finishedAt !== null)
    .sort((a, b) => a.finishedAt! - b.finishedAt!);
  const bySubmit = [...jobs].sort((a, b) => a.createdAt - b.createdAt);
  return bySubmit.slice(LIMIT).flatMap((next, k) => {
    const freed = byFinish[k]!;
    const across = owner.get(next.imageHash ?? '') !== owner.get(freed.imageHash ?? '');
    return across ? [next.createdAt - freed.finishedAt!] : [];
  });
}

/** One engine process, forked; resolves once it has made its batch (and run its warm-up). */
async function startChild(config: QueueChildConfig) {
  const child = fork(join(__dirname, 'queue-child.ts'), [JSON.stringify(config)], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const messages: unknown[] = [];
  const waiting: ((message: unknown) => void)[] = [];
  child.on('message', (message) => {
    const next = waiting.shift();
    if (next) next(message);
    else messages.push(message);
  });
  const exited = new Promise<never>((_, reject) =>
    child.once('exit', (code) => reject(new Error(`queue child ${config.owner} exited ${code}`))),
  );
  const next = () =>
    Promise.race([
      messages.length ? Promise.resolve(messages.shift()) : new Promise((resolve) => waiting.push(resolve)),
      exited,
    ]);
  const { hashes } = (await next()) as { hashes: string[] };
  return {
    hashes,
    run: async () => {
      child.send({ type: 'go' });
      return (await next()) as QueueChildResult;
    },
    kill: () => child.kill(),
  };
}

/** The most jobs created and not yet finished at any moment (simulator clock). */
function peakInFlight(ledger: Ledger): number {
  const edges = [...ledger.jobs.values()].flatMap((job) => [
    { at: job.createdAt, step: 1 },
    { at: job.finishedAt ?? Infinity, step: -1 },
  ]);
  // At one instant a finish counts before a start: the slot was free for the next job.
  edges.sort((a, b) => a.at - b.at || a.step - b.step);
  let now = 0;
  let peak = 0;
  for (const edge of edges) peak = Math.max(peak, (now += edge.step));
  return peak;
}

/** `split` jobs per process (e.g. [6, 6]), every process on one database and one simulator. */
async function runQueue(split: number[]): Promise<QueueRun> {
  const dir = tempDir('sm-bench-queue-');
  const epoch = Date.now();
  const clock = scaledClock(FACTOR, epoch, epoch);
  const sim = await startSimulator({
    clock,
    concurrencyCap: LIMIT,
    maxActivePerAccount: LIMIT,
    generationMs: () => GENERATION_MS,
    apiKeys: { [DEMO_API_KEY]: 1_000_000 },
  });
  const children: Awaited<ReturnType<typeof startChild>>[] = [];
  try {
    // One after another: the first makes the database and learns the run time; its batch is
    // first in the account's queue.
    for (const [index, jobs] of split.entries()) {
      const own = join(dir.path, `process-${index + 1}`);
      mkdirSync(own, { recursive: true });
      children.push(
        await startChild({
          dir: own,
          dbDir: dir.path,
          simUrl: sim.url,
          owner: `bench:process-${index + 1}`,
          jobs,
          warmupJobs: index === 0 ? WARMUP_JOBS : 0,
          concurrency: LIMIT,
          accountLimit: LIMIT,
          accountRecheckMs: RECHECK_MS,
          clock: { factor: FACTOR, epoch },
        }),
      );
    }
    const measuredFrom = clock.now();
    const results = await Promise.all(children.map((child) => child.run()));
    const startedAt = Math.min(...results.map((r) => r.startedAt));
    const endedAt = Math.max(...results.map((r) => r.endedAt));
    const measured = [...sim.ledger.jobs.values()].filter((job) => job.createdAt >= measuredFrom);
    const ledger: Ledger = { ...sim.ledger, jobs: new Map(measured.map((job) => [job.requestId, job])) };
    const pickups = slotPickups(measured, LIMIT);
    const owner = new Map(
      children.flatMap((child, index) => child.hashes.map((hash) => [hash, index] as const)),
    );
    const unknown = measured.filter((job) => !owner.has(job.imageHash ?? ''));
    if (unknown.length)
      throw new Error(`${unknown.length} jobs of images no process made (the image hash differs)`);
    const handoffs = handoffPickups(measured, owner);
    return {
      makespanMs: endedAt - startedAt,
      startMs: Math.min(...measured.map((job) => job.createdAt)) - startedAt,
      tailMs: endedAt - Math.max(...measured.map((job) => job.finishedAt ?? Infinity)),
      refusals: sim.ledger.submits.filter((s) => s.at >= measuredFrom && s.httpStatus === 429).length,
      peakInFlight: peakInFlight(ledger),
      jobs: measured.length,
      pickupMedianMs: percentile(pickups, 0.5),
      pickupP95Ms: percentile(pickups, 0.95),
      handoffMedianMs: percentile(handoffs, 0.5),
      handoffs: handoffs.length,
    };
  } finally {
    for (const child of children) child.kill();
    await sim.close();
    dir.remove();
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export async function benchQueue(): Promise<Row[]> {
  const ideal = Math.ceil(JOBS / LIMIT) * (SIMULATOR_QUEUE_MS + GENERATION_MS);
  const single = await runQueue([JOBS]);
  const two = await runQueue([JOBS / 2, JOBS / 2]);
  console.log(JSON.stringify({ ideal, single, two }));
  for (const run of [single, two])
    if (run.jobs !== JOBS)
      throw new Error(`the simulator made ${run.jobs} jobs of ${JOBS}: a job was paid twice or lost`);
  const show = (run: QueueRun) =>
    `${seconds(run.makespanMs)} = ${(run.makespanMs / ideal).toFixed(3)}x ideal; pickup ${seconds(run.pickupMedianMs)} (${seconds(run.pickupP95Ms)})` +
    `${run.handoffs ? `, ${run.handoffs} slots passed to the other process: ${seconds(run.handoffMedianMs)}` : ''}` +
    `; ${run.refusals} refused, peak ${run.peakInFlight} in flight`;
  return [
    {
      bench: '12 queue',
      name:
        `makespan, ${JOBS} jobs x ${seconds(GENERATION_MS)}, account limit ${LIMIT}, two processes on one database ` +
        `(6 jobs each)${RECHECK_MS ? `, slot look every ${seconds(RECHECK_MS)}` : ''}; pickup (completed -> next submit in its slot) median (p95), and median where the slot passed ` +
        `to the other process; simulator refusals beyond the limit, ` +
        `peak in flight (ideal ${seconds(ideal)})`,
      figure: show(two),
      baseline: `one process, one ${JOBS}-job batch: ${show(single)}`,
      ratio: ratio(two.makespanMs, single.makespanMs, 3),
    },
  ];
}
