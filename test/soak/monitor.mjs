// Preloaded into the soak's CLI child with NODE_OPTIONS="--import <this file>": samples the
// event loop's worst delay and the process's memory every STILLMOTION_SOAK_MONITOR_MS (default
// 250 ms) and appends one JSON line per sample to STILLMOTION_SOAK_MONITOR. Synchronous
// appends, so a SIGKILL loses at most the current interval. Test-only: the app never loads it.
import { appendFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.STILLMOTION_SOAK_MONITOR;
if (file) {
  const intervalMs = Number(process.env.STILLMOTION_SOAK_MONITOR_MS) || 250;
  // 10 ms resolution: finer costs CPU on a loaded machine and stalls that matter are longer.
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  histogram.enable();
  let cpu = process.cpuUsage();
  const timer = setInterval(() => {
    const memory = process.memoryUsage();
    // CPU this process used in the interval: a long delay with little CPU means the OS did
    // not schedule it (a loaded machine), not that its own code blocked the loop.
    const used = process.cpuUsage(cpu);
    cpu = process.cpuUsage();
    const sample = {
      pid: process.pid,
      at: Date.now(),
      // Worst delay in this interval beyond the 10 ms timer resolution, in ms.
      maxDelayMs: Math.max(0, histogram.max / 1e6 - 10),
      p99DelayMs: Math.max(0, histogram.percentile(99) / 1e6 - 10),
      rss: memory.rss,
      heapUsed: memory.heapUsed,
      cpuMs: (used.user + used.system) / 1000,
    };
    histogram.reset();
    try {
      appendFileSync(file, JSON.stringify(sample) + '\n');
    } catch {
      // The soak's folder may be gone at the very end; the sample is not worth a crash.
    }
  }, intervalMs);
  // Never keep the CLI alive just to sample it.
  timer.unref();
}
