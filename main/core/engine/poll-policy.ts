// When to ask about a job next. RunComfy's own CLI asks every 2 s: about 60 requests for a
// two-minute generation. We know roughly how long a generation of this model and duration
// takes (learned from finished jobs, else a prior from the model page), so we stay quiet until
// shortly before it should be done, then close in with steps that grow with the job's age.
// A job cannot finish before it has run for its generation time after leaving the queue, so
// "last time we saw it queued" + "expected run time" is the earliest sensible moment.
import type { Random } from '../util/clock';

export interface PollObservation {
  now: number;
  submittedAt: number;
  /** Last poll that saw it waiting in the queue (its start is after this). */
  lastQueuedSeenAt: number | null;
  /** What the last poll said; 'submitted' before the first poll. */
  lastStatus: 'submitted' | 'in_queue' | 'in_progress';
  queuePosition: number | null;
}

export interface RunTimeEstimate {
  /** Expected generation time once running, in ms. */
  runMs: number;
  /** True when learned from finished jobs (trusted more than the prior). */
  learned: boolean;
}

export interface PollPolicy {
  /** Absolute time (same clock as `now`) of the next status request. */
  nextPollAt(observation: PollObservation, estimate: RunTimeEstimate, random: Random): number;
}

const SECOND = 1000;
const clamp = (value: number, low: number, high: number) => Math.min(high, Math.max(low, value));
/** Spread of +-fraction so items submitted together do not poll in lock-step. */
const jitter = (ms: number, random: Random, fraction: number) =>
  ms * (1 - fraction + 2 * fraction * random());

/**
 * Before anything of this model and duration has finished here, the prior may be far off (a
 * fresh database, a faster account, a short test clip): rather than waiting out half of it,
 * look soon after the submit and then with steps that grow with the job's age, so the job is
 * seen done within about this fraction of its run time whatever that turns out to be. The
 * first finish teaches the others (the learned estimate), so only the first round pays.
 */
const PROBE_STEP_FRACTION = 0.25;
/** The smallest step while probing: RunComfy's own CLI cadence. */
const PROBE_MIN_STEP_MS = 2 * SECOND;
/**
 * A learned estimate is the lower quartile of upper bounds (the server's own created -> finished
 * time where it gives one, so usually the run time itself): ask a moment before it, then in
 * steps as long as the time past the aim, never shorter than CLOSE_STEP_MS. A job that finishes
 * on time is seen within a fraction of a second (a freed slot does not stand empty for the
 * second a 1 s step costs on average); one the estimate under-stated is seen within its delay
 * again, and a stuck one soon costs at most one request a minute.
 */
const LEARNED_LEAD_MS = 250;
const CLOSE_STEP_MS = 500;
const OVERDUE_GROWTH = 1;

export const adaptivePollPolicy: PollPolicy = {
  nextPollAt(o, estimate, random) {
    switch (o.lastStatus) {
      case 'submitted':
        // Trusted estimate: the first question is "is it done?". Otherwise look soon.
        return estimate.learned
          ? o.submittedAt + learnedAimMs(estimate.runMs)
          : o.submittedAt + clamp(estimate.runMs * 0.05, 3 * SECOND, 10 * SECOND);
      case 'in_queue': {
        // Nothing to aim at while it waits; ask now and then, less often further back in line.
        const backInLine = 1 + (o.queuePosition ?? 0) * 0.5;
        const base = estimate.learned
          ? clamp(estimate.runMs * 0.25 * backInLine, 3 * SECOND, 60 * SECOND)
          : clamp(PROBE_STEP_FRACTION * (o.now - o.submittedAt) * backInLine, PROBE_MIN_STEP_MS, 60 * SECOND);
        return o.now + jitter(base, random, 0.2);
      }
      case 'in_progress': {
        const startedNoEarlierThan = o.lastQueuedSeenAt ?? o.submittedAt;
        if (!estimate.learned) {
          const step = clamp(
            PROBE_STEP_FRACTION * (o.now - startedNoEarlierThan),
            PROBE_MIN_STEP_MS,
            60 * SECOND,
          );
          return o.now + jitter(step, random, 0.2);
        }
        const target = startedNoEarlierThan + learnedAimMs(estimate.runMs);
        if (target - o.now > CLOSE_STEP_MS) return target;
        const step = clamp(OVERDUE_GROWTH * (o.now - target), CLOSE_STEP_MS, 60 * SECOND);
        return o.now + jitter(step, random, 0.2);
      }
      default: {
        const never: never = o.lastStatus;
        return never;
      }
    }
  },
};

/** When to ask about a job with a learned run time, counted from its start: just before it. */
const learnedAimMs = (runMs: number) => Math.max(runMs * 0.9, runMs - LEARNED_LEAD_MS);

/**
 * Which request asks about a job. Once the run time is learned and the job is not known to wait
 * in line, each request asks "is it done?": /result answers that with the verdict, the video
 * and the cost in one request (it gives the live status while the job runs), where /status
 * would need a /result after it. Otherwise /status, which also tells the place in the queue.
 */
export function pollEndpoint(
  lastStatus: PollObservation['lastStatus'],
  estimate: RunTimeEstimate,
): 'status' | 'result' {
  return estimate.learned && lastStatus !== 'in_queue' ? 'result' : 'status';
}

/** The way RunComfy's own clients poll (for comparison in tests and benchmarks). */
export function fixedPollPolicy(intervalMs: number): PollPolicy {
  return { nextPollAt: (o) => o.now + intervalMs };
}

/**
 * The learned estimate: the lower quartile of recent upper-bound samples. Each sample
 * over-states the run time by up to one poll step, so the quartile keeps the aim early.
 */
export function learnedRunMs(samples: readonly number[]): number | null {
  if (samples.length === 0) return null;
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) * 0.25)]!;
}

export interface ReplayedJob {
  /** Status and result requests this job cost. */
  requests: number;
  /** How long after the job finished its result was seen (ms). */
  lagMs: number;
}

/**
 * Runs a poll policy, with the engine's learning rule, against a timeline of jobs run one
 * after another (each waits `queueMs` in the queue, then runs `runMs`): a deterministic
 * measure of requests per job, free of network and machine noise (used by tests and the bench).
 */
export function replayPolling(
  policy: PollPolicy,
  jobs: readonly { queueMs: number; runMs: number }[],
  priorMs: number,
  random: Random,
): ReplayedJob[] {
  const samples: number[] = [];
  return jobs.map((job) => {
    const learned = learnedRunMs(samples);
    const estimate: RunTimeEstimate =
      learned === null ? { runMs: priorMs, learned: false } : { runMs: learned, learned: true };
    const finish = job.queueMs + job.runMs;
    let observation: PollObservation = {
      now: 0,
      submittedAt: 0,
      lastQueuedSeenAt: null,
      lastStatus: 'submitted',
      queuePosition: null,
    };
    let requests = 0;
    for (;;) {
      const at = Math.max(observation.now + 1, policy.nextPollAt(observation, estimate, random));
      requests++;
      if (at >= finish) {
        // /status saw it done: the /result request that decides success.
        if (pollEndpoint(observation.lastStatus, estimate) === 'status') requests++;
        // The engine's learning rule: the shorter of "seen done - last seen queued" and the server's own times.
        samples.unshift(Math.min(at - (observation.lastQueuedSeenAt ?? 0), finish));
        samples.length = Math.min(samples.length, 20);
        return { requests, lagMs: at - finish };
      }
      const queued = at < job.queueMs;
      observation = {
        ...observation,
        now: at,
        lastStatus: queued ? 'in_queue' : 'in_progress',
        lastQueuedSeenAt: queued ? at : observation.lastQueuedSeenAt,
        queuePosition: queued ? 0 : null,
      };
    }
  });
}
