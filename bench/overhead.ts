// Bench 4: the engine's own CPU per job. 5,000 jobs with instant generations and small outputs;
// the simulator runs in a child process, so process.cpuUsage() here counts only the client.
// Baseline: the bare reference client (bare-client.ts) doing the same 5,000 jobs against the
// same simulator, in this same process, one after the other.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_API_KEY } from '../main/core/simulator';
import { bareRun } from './bare-client';
import { countStatements, fastClock, ratio, runToEnd, tempDir, tinyBatch, tinyImages, type Row } from './lib';

// The brief's 5,000 with BENCH_FULL=1; 1,000 by default to keep `npm run bench` near 5 minutes on a
// shared 2-core machine (CPU per job hardly depends on the count: 14.6 ms at 300, 15.9 at 1,000, 16.3 at 2,000).
const JOBS = process.env.BENCH_FULL ? 5_000 : 1_000;
const CONCURRENCY = 20;
const FACTOR = 1000;

const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

export async function benchOverhead(): Promise<Row[]> {
  const dir = tempDir('sm-bench-overhead-');
  const fast = fastClock(FACTOR);
  const simOptions = {
    concurrencyCap: 1000,
    generationMsConstant: 0,
    apiKeys: { [DEMO_API_KEY]: 10_000_000 },
  };
  try {
    // Engine run.
    const sim = await fast.simulator(simOptions);
    const engine = fast.engine(dir.path, sim);
    const images = tinyImages(dir.path, JOBS);
    const batchId = tinyBatch(engine, join(dir.path, 'out-engine'), images, CONCURRENCY);
    const counter = await countStatements();
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    await runToEnd(engine, batchId);
    const engineCpu = cpuMs(process.cpuUsage(cpu0));
    const sqlite = counter.stop();
    const engineWall = performance.now() - wall0;
    await engine.close();
    const engineLedger = await sim.ledger();
    await sim.close();
    if (engineLedger.audit.duplicateJobs > 0 || engineLedger.audit.succeededNotDownloaded.length > 0)
      throw new Error('engine run: duplicate or lost jobs');
    const engineRequests =
      engineLedger.audit.submits + engineLedger.audit.polls + engineLedger.audit.downloads;

    // Bare run: same images, fresh simulator, first /result after the 3 s minimum queue time,
    // then every simulated second.
    const sim2 = await fast.simulator(simOptions);
    const outDir = join(dir.path, 'out-bare');
    mkdirSync(outDir, { recursive: true });
    const cpu1 = process.cpuUsage();
    const wall1 = performance.now();
    const bare = await bareRun({
      baseUrl: sim2.url,
      apiKey: DEMO_API_KEY,
      images,
      outDir,
      concurrency: CONCURRENCY,
      clock: fast.clock,
      firstPollMs: 3_000,
      pollMs: 1_000,
    });
    const bareCpu = cpuMs(process.cpuUsage(cpu1));
    const bareWall = performance.now() - wall1;
    await sim2.close();
    console.log(
      JSON.stringify({
        engineCpu,
        engineWall,
        engineRequests,
        sqlite,
        bareCpu,
        bareWall,
        bareRequests: bare.requests,
      }),
    );
    return [
      {
        bench: '4 overhead',
        name: `client CPU per job, ${JOBS} instant jobs (engine ${(engineRequests / JOBS).toFixed(1)} req/job, bare ${(bare.requests / JOBS).toFixed(1)})`,
        figure: `${(engineCpu / JOBS).toFixed(2)} ms`,
        baseline: `bare client: ${(bareCpu / JOBS).toFixed(2)} ms`,
        ratio: ratio(engineCpu, bareCpu, 1),
      },
      {
        bench: '4 overhead',
        name: 'SQLite statements per job (of them commits; counted, so the load does not move it)',
        figure: `${(sqlite.statements / JOBS).toFixed(1)} (${(sqlite.commits / JOBS).toFixed(1)})`,
        baseline: 'bare client: none',
        ratio: '—',
      },
      {
        bench: '4 overhead',
        name: `wall time for ${JOBS} instant jobs, ${CONCURRENCY} at once`,
        figure: `${(engineWall / 1000).toFixed(1)} s`,
        baseline: `bare client: ${(bareWall / 1000).toFixed(1)} s`,
        ratio: ratio(engineWall, bareWall, 1),
      },
    ];
  } finally {
    dir.remove();
  }
}
