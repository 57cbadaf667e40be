// Bench 11, pickup at a realistic scale: 12 generations of 40 s, 4 at once against an account
// cap of 4, on a warm database (a 4-job batch ran first, so the run time is learned) and on a
// fresh one. How long a freed slot stands empty before the next submit, how many requests a job
// costs, and the makespan against what a perfect client could reach (each round is the
// simulator's queue hold plus the generation). Baseline: the same engine polling every 2 s
// (RunComfy's CLI cadence), same run.
import { fixedPollPolicy } from '../main/core/engine';
import { QUEUE_DELAY_MS as SIMULATOR_QUEUE_MS } from '../main/core/simulator/state';
import { ratio, type Row } from './lib';
import { runBatch, type RunResult } from './slots';

const JOBS = 12;
const CAP = 4;
const GENERATION_MS = 40_000;
// 5x: a run takes about 26 s real. Every real millisecond between a finish and the next
// submit counts five simulated ones, so a loaded machine still shows in the figures, a little.
const FACTOR = 5;

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export async function benchPickup(): Promise<Row[]> {
  const ideal = Math.ceil(JOBS / CAP) * (SIMULATOR_QUEUE_MS + GENERATION_MS);
  const run = { factor: FACTOR, concurrency: CAP, jobs: JOBS, cap: CAP, generationMs: GENERATION_MS };
  const warm = await runBatch({ ...run, warmupJobs: CAP });
  const fresh = await runBatch(run);
  const fixed = await runBatch({ ...run, warmupJobs: CAP, pollPolicy: fixedPollPolicy(2000) });
  console.log(JSON.stringify({ ideal, warm, fresh, fixed }));
  const vsIdeal = (r: RunResult) => `${seconds(r.makespanMs)} = ${(r.makespanMs / ideal).toFixed(3)}x ideal`;
  const pickup = (r: RunResult) =>
    `${seconds(r.pickupMedianMs)} (${seconds(r.pickupP95Ms)}); ${r.requestsPerJob.toFixed(1)} req/job`;
  const label = `${JOBS} jobs x ${seconds(GENERATION_MS)}, cap ${CAP}`;
  return [
    {
      bench: '11 pickup',
      name: `makespan, ${label}, warm database (ideal ${seconds(ideal)} with the 3 s queue hold)`,
      figure: vsIdeal(warm),
      baseline: `fixed 2 s poll: ${vsIdeal(fixed)}`,
      ratio: ratio(warm.makespanMs, fixed.makespanMs, 3),
    },
    {
      bench: '11 pickup',
      name: `job completed -> next submit in its slot, median (p95); requests per job (submit+polls+downloads), ${label}, warm`,
      figure: pickup(warm),
      baseline: `fixed 2 s poll: ${pickup(fixed)}`,
      ratio: ratio(warm.pickupMedianMs, fixed.pickupMedianMs),
    },
    {
      bench: '11 pickup',
      name: `makespan, ${label}, fresh database; pickup median (p95); requests per job`,
      figure: `${vsIdeal(fresh)}; ${pickup(fresh)}`,
      baseline: `fixed 2 s poll, warm: ${vsIdeal(fixed)}`,
      ratio: ratio(fresh.makespanMs, fixed.makespanMs, 3),
    },
  ];
}
