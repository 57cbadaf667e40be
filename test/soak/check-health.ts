// The night test's judgement of the processes' health: memory growth over the longest-lived
// engine process, event-loop stalls once a process was at work, stretches idle with queued work,
// and the watchdog's kills of an engine that stopped making progress.
import type { CheckInput } from './checker';
import type { MonitorSample } from './soak-run';
import type { SoakReport } from './report';

/** Memory may grow this much (fraction) over the longest-lived engine process. */
export const MAX_MEMORY_GROWTH = 0.2;
/**
 * A process must live this long (real ms) for its growth to mean anything: the first second
 * or two of every process is module loading and JIT warm-up, not the engine's steady state.
 */
export const MIN_MEMORY_SPAN_MS = 15_000;
/**
 * Simulated ms a batch may sit with queued items, free slots and nothing in flight while a CLI
 * at work holds it: longer than any backoff the engine may wait out (a Retry-After, a poll
 * interval), far shorter than an outage it should ride through with work in flight.
 */
export const MAX_IDLE_WITH_WORK_MS = 120_000;

const median = (values: number[]) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/**
 * Growth of one process's memory: the median of its samples between 45% and 60% of its life
 * against the median of its last 15%. Measured on the longest-lived process, since every kill
 * starts a fresh one. The first half is left out because a fresh Node process grows its heap
 * spaces for its first 15-20 s of work (RSS 110 -> 165 MB here while the heap after GC stays
 * at 20-40 MB): that is warm-up, not a leak, and it would drown one.
 */
export function memoryGrowth<T extends { pid: number; at: number }>(
  samples: T[],
  value: (sample: T) => number,
  minSpanMs = MIN_MEMORY_SPAN_MS,
): { growth: number | null; pid: number | null; samples: number; spanMs: number } {
  const byPid = new Map<number, T[]>();
  for (const s of samples) byPid.set(s.pid, [...(byPid.get(s.pid) ?? []), s]);
  let longest: T[] = [];
  for (const list of byPid.values()) {
    const span = (l: T[]) => (l.length ? l[l.length - 1]!.at - l[0]!.at : 0);
    if (span(list) > span(longest)) longest = list;
  }
  const t0 = longest[0]?.at ?? 0;
  const span = longest.length ? longest[longest.length - 1]!.at - t0 : 0;
  if (longest.length < 20 || span < minSpanMs)
    return { growth: null, pid: longest[0]?.pid ?? null, samples: longest.length, spanMs: span };
  const within = (from: number, to: number) =>
    longest.filter((s) => s.at - t0 >= from * span && s.at - t0 <= to * span).map(value);
  const base = median(within(0.45, 0.6));
  const end = median(within(0.85, 1));
  return { growth: end / base - 1, pid: longest[0]!.pid, samples: longest.length, spanMs: span };
}

export interface Health {
  idleWithWork: SoakReport['idleWithWork'];
  memory: SoakReport['memory'];
  eventLoop: SoakReport['eventLoop'];
  /** Kills the watchdog made (no progress for a long while). */
  watchdog: number;
  failures: string[];
}

export function judgeHealth(input: CheckInput): Health {
  const failures: string[] = [];
  // ---- idle with work ----------------------------------------------------------------------
  const idleSpans = input.idle ?? [];
  const overLimit = idleSpans
    .filter((s) => s.simulatedMs > MAX_IDLE_WITH_WORK_MS)
    .map(
      (s) =>
        `${Math.round(s.simulatedMs / 1000)} s simulated with ${s.queued} queued and nothing in flight (pid ${s.pid})`,
    );
  if (overLimit.length > 0)
    failures.push(
      `the batch sat idle with work ${overLimit.length} time(s) (limit ${MAX_IDLE_WITH_WORK_MS / 1000} s): ${overLimit.slice(0, 5).join('; ')}`,
    );

  // ---- memory and event loop -------------------------------------------------------------
  const rssGrowth = memoryGrowth(input.rss, (s) => s.rss);
  const heapGrowth = memoryGrowth(input.monitor, (s) => s.heapUsed);
  const peak = Math.max(0, ...input.rss.map((s) => s.rss), ...input.monitor.map((s) => s.rss));
  if (rssGrowth.growth !== null && rssGrowth.growth >= MAX_MEMORY_GROWTH)
    failures.push(
      `memory grew ${(rssGrowth.growth * 100).toFixed(1)}% over the longest-lived process (pid ${rssGrowth.pid}), limit ${MAX_MEMORY_GROWTH * 100}%`,
    );
  if (rssGrowth.growth === null && input.requireMemoryVerdict)
    failures.push(
      `the longest-lived process ran ${(rssGrowth.spanMs / 1000).toFixed(1)} s (${rssGrowth.samples} samples): too short to judge memory growth`,
    );
  const watchdog = input.kills.filter((k) => k.cause === 'watchdog').length;
  if (watchdog > 0)
    failures.push(
      `${watchdog} time(s) the engine made no progress for a long while and was killed by the watchdog`,
    );

  const commandOf = new Map(input.runs.map((r) => [r.pid, r.command]));
  // Samples whose whole interval (250 ms plus the delay itself) came after the process's first
  // database write: the engine at work, past loading its sources and opening the database.
  const firstWrite = new Map(input.runs.map((r) => [r.pid, r.firstWriteAt]));
  const working = input.monitor.filter((s) => {
    const at = firstWrite.get(s.pid);
    return at !== null && at !== undefined && s.at - s.maxDelayMs - 250 > at;
  });
  // The first sample of each process covers loading the TypeScript sources (tsx compiles them
  // synchronously): that is start-up, not the engine stalling while it works.
  const firstAt = new Map<number, number>();
  for (const s of input.monitor) firstAt.set(s.pid, Math.min(firstAt.get(s.pid) ?? Infinity, s.at));
  const startup = input.monitor.filter((s) => firstAt.get(s.pid) === s.at);
  const running = input.monitor.filter((s) => firstAt.get(s.pid) !== s.at);
  const worst = running.reduce<MonitorSample | null>(
    (w, s) => (!w || s.maxDelayMs > w.maxDelayMs ? s : w),
    null,
  );
  return {
    idleWithWork: {
      spans: idleSpans.length,
      longestMs: Math.max(0, ...idleSpans.map((s) => s.simulatedMs)),
      overLimit,
    },
    memory: {
      peakRssMb: Math.round(peak / 1024 / 102.4) / 10,
      growthPct: rssGrowth.growth === null ? null : Math.round(rssGrowth.growth * 1000) / 10,
      basis: `RSS of the longest-lived process (pid ${rssGrowth.pid}, ${(rssGrowth.spanMs / 1000).toFixed(1)} s, ${rssGrowth.samples} samples): median of 45-60% of its life vs its last 15%${rssGrowth.growth === null ? `; n/a under ${MIN_MEMORY_SPAN_MS / 1000} s` : ''}`,
      heapGrowthPct: heapGrowth.growth === null ? null : Math.round(heapGrowth.growth * 1000) / 10,
    },
    eventLoop: {
      maxStallMs: Math.round(worst?.maxDelayMs ?? 0),
      maxStallCpuMs: Math.round(worst?.cpuMs ?? 0),
      maxP99Ms: Math.round(Math.max(0, ...running.map((s) => s.p99DelayMs))),
      startupMaxMs: Math.round(Math.max(0, ...startup.map((s) => s.maxDelayMs))),
      resumeMaxMs: Math.round(
        Math.max(0, ...running.filter((s) => commandOf.get(s.pid) === 'resume').map((s) => s.maxDelayMs)),
      ),
      worstCommand: worst ? (commandOf.get(worst.pid) ?? '?') : '-',
      workingMaxMs: Math.round(Math.max(0, ...working.map((s) => s.maxDelayMs))),
    },
    watchdog,
    failures,
  };
}
