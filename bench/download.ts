// Bench 5: one 256 MB output. Engine download throughput (state 'downloading' -> 'done': fetch,
// stream to a .part file, fsync, link into place) against `curl` fetching the same URL in the
// same run, and how far this process's resident memory rises while the engine downloads
// (a streamed download should not hold the video in memory). Simulator in a child process.
import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fastClock, mb, ratio, runToEnd, tempDir, tinyBatch, tinyImages, type Row } from './lib';

const BYTES = 256 * 1024 * 1024;
const FACTOR = 1000;

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
    const off = engine.on((event) => {
      if (event.type !== 'items') return;
      for (const change of event.changes) {
        if (change.state === 'downloading' && !startedAt) startedAt = performance.now();
        if (change.state === 'done') doneAt = performance.now();
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

    const url = (await sim.ledger()).firstOutputUrl!;
    const curlOut = join(dir.path, 'curl.mp4');
    const t0 = performance.now();
    execFileSync('curl', ['-sS', '--fail', '-o', curlOut, url]);
    const curlSeconds = (performance.now() - t0) / 1000;
    if (statSync(curlOut).size !== BYTES) throw new Error('curl got a short file');
    const engineRate = BYTES / 1024 / 1024 / engineSeconds;
    const curlRate = BYTES / 1024 / 1024 / curlSeconds;
    console.log(JSON.stringify({ engineSeconds, curlSeconds, rssBefore, peak }));
    return [
      {
        bench: '5 download',
        name: '256 MB output: throughput (downloading -> done, incl. fsync)',
        figure: `${engineRate.toFixed(0)} MB/s (${engineSeconds.toFixed(2)} s)`,
        baseline: `curl: ${curlRate.toFixed(0)} MB/s (${curlSeconds.toFixed(2)} s)`,
        ratio: ratio(engineRate, curlRate),
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
