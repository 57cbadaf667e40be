// Bench 5: one 256 MB output. Engine download throughput (state 'downloading' -> 'done': fetch,
// stream to a .part file, hash, fsync, link into place) against `curl` fetching the same URL in
// the same run, the CPU each spent, how far this process's resident memory rises while the
// engine downloads (a streamed download should not hold the video in memory), and what bounds
// the engine: the same GET in this process with the body dropped, and the fsync curl skips.
// Simulator in a child process.
import { execFileSync } from 'node:child_process';
import { fsyncSync, openSync, closeSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { directNetwork } from '../main/core/util/network';
import {
  childrenCpuMs,
  fastClock,
  mb,
  ownCpuMs,
  percentile,
  ratio,
  runToEnd,
  tempDir,
  tinyBatch,
  tinyImages,
  type Row,
} from './lib';

const BYTES = 256 * 1024 * 1024;
const FACTOR = 1000;
const BOUND_RUNS = 3;

const mbPerS = (seconds: number) => BYTES / 1024 / 1024 / seconds;

/** The GET alone, body read and dropped (what any client in this process pays): wall and CPU. */
async function getAlone(url: string): Promise<{ seconds: number; cpuMs: number }> {
  const get = directNetwork().get;
  const cpu0 = ownCpuMs();
  const t0 = performance.now();
  const response = await get(url, { headers: {}, signal: new AbortController().signal });
  let bytes = 0;
  for await (const chunk of response.body) bytes += chunk.length;
  if (bytes !== BYTES) throw new Error(`the GET alone read ${bytes} bytes, expected ${BYTES}`);
  return { seconds: (performance.now() - t0) / 1000, cpuMs: ownCpuMs() - cpu0 };
}

export async function benchDownload(): Promise<Row[]> {
  const dir = tempDir('sm-bench-download-');
  const fast = fastClock(FACTOR);
  const sim = await fast.simulator({ concurrencyCap: 10, generationMsConstant: 0, outputBytes: BYTES });
  try {
    const engine = fast.engine(dir.path, sim, { eventWindowMs: 1 });
    const batchId = tinyBatch(engine, join(dir.path, 'out'), tinyImages(dir.path, 1), 1);
    global.gc?.();
    const rssBefore = process.memoryUsage.rss();
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
    let startedAt = 0;
    let doneAt = 0;
    let cpuAtStart = 0;
    let cpuAtDone = 0;
    const off = engine.on((event) => {
      if (event.type !== 'items') return;
      for (const change of event.changes) {
        if (change.state === 'downloading' && !startedAt) {
          startedAt = performance.now();
          cpuAtStart = ownCpuMs();
        }
        if (change.state === 'done') {
          doneAt = performance.now();
          cpuAtDone = ownCpuMs();
        }
      }
    });
    await runToEnd(engine, batchId);
    clearInterval(sampler);
    off();
    const item = engine.pageItems({ batchId, offset: 0, limit: 1 }).items[0]!;
    await engine.close();
    if (item.outputBytes !== BYTES || statSync(item.outputPath!).size !== BYTES)
      throw new Error(`engine wrote ${item.outputBytes} bytes, expected ${BYTES}`);
    const engineSeconds = (doneAt - startedAt) / 1000;
    const engineCpuMs = cpuAtDone - cpuAtStart;

    const url = (await sim.ledger()).firstOutputUrl!;
    const curlOut = join(dir.path, 'curl.mp4');
    const curlCpu0 = childrenCpuMs();
    const t0 = performance.now();
    execFileSync('curl', ['-sS', '--fail', '-o', curlOut, url]);
    const curlSeconds = (performance.now() - t0) / 1000;
    const curlCpu1 = childrenCpuMs();
    if (statSync(curlOut).size !== BYTES) throw new Error('curl got a short file');
    // What the engine does and curl does not: make the file durable before it counts.
    const fd = openSync(curlOut, 'r');
    const s0 = performance.now();
    fsyncSync(fd);
    const curlFsyncMs = performance.now() - s0;
    closeSync(fd);
    const alone: { seconds: number; cpuMs: number }[] = [];
    for (let run = 0; run < BOUND_RUNS; run++) alone.push(await getAlone(url));
    const aloneSeconds = percentile(
      alone.map((a) => a.seconds),
      0.5,
    );
    const aloneCpuMs = percentile(
      alone.map((a) => a.cpuMs),
      0.5,
    );
    const curlCpuMs = curlCpu0 === null || curlCpu1 === null ? null : curlCpu1 - curlCpu0;
    console.log(
      JSON.stringify({
        engineSeconds,
        engineCpuMs,
        curlSeconds,
        curlCpuMs,
        curlFsyncMs,
        alone,
        rssBefore,
        peak,
      }),
    );
    return [
      {
        bench: '5 download',
        name: '256 MB output: throughput (downloading -> done, incl. hash and fsync)',
        figure: `${mbPerS(engineSeconds).toFixed(0)} MB/s (${engineSeconds.toFixed(2)} s)`,
        baseline: `curl: ${mbPerS(curlSeconds).toFixed(0)} MB/s (${curlSeconds.toFixed(2)} s)`,
        ratio: ratio(mbPerS(engineSeconds), mbPerS(curlSeconds)),
      },
      {
        bench: '5 download',
        name: '256 MB output: CPU of the download (engine process; curl child)',
        figure: `${engineCpuMs.toFixed(0)} ms`,
        baseline: curlCpuMs === null ? 'curl: not measured here' : `curl: ${curlCpuMs.toFixed(0)} ms`,
        ratio: curlCpuMs === null ? '—' : ratio(engineCpuMs, curlCpuMs, 1),
      },
      {
        bench: '5 download',
        name:
          `256 MB output, what bounds it: the GET alone in this process (undici, body dropped, ` +
          `median of ${BOUND_RUNS}); the fsync curl skips`,
        figure: `${mbPerS(aloneSeconds).toFixed(0)} MB/s (${aloneSeconds.toFixed(2)} s, CPU ${aloneCpuMs.toFixed(0)} ms); fsync of curl's file ${curlFsyncMs.toFixed(0)} ms`,
        baseline: `curl: ${mbPerS(curlSeconds).toFixed(0)} MB/s`,
        ratio: ratio(mbPerS(aloneSeconds), mbPerS(curlSeconds)),
      },
      {
        bench: '5 download',
        name: '256 MB output: peak RSS growth of the engine process',
        figure: mb(peak - rssBefore),
        baseline: `RSS before: ${mb(rssBefore)}`,
        ratio: ratio(peak - rssBefore, BYTES, 3) + ' of file size',
      },
    ];
  } finally {
    await sim.close();
    dir.remove();
  }
}
