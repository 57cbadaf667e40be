// The simulated account queues: every job's life (in_queue -> in_progress -> succeeded | failed,
// or cancelled while queued) as a discrete-event simulation over the injected clock.
//
// State is computed lazily: every HTTP request (and every read of the ledger) first calls
// advance(clock.now()), which replays all starts and finishes that fell due since the last call,
// in time order and at their exact simulated times. So a test that jumps its clock forward sees
// the right state at once, and charges carry the time they were due, not the time someone
// looked. A background loop (run()) also advances at each next due event, so jobs progress and
// charges land even when nobody polls.
import type { Clock, Random } from '../util/clock';
import type { Ledger } from './types';
import type { SimulatedModel } from './validation';

export type JobStatus = 'in_queue' | 'in_progress' | 'succeeded' | 'failed' | 'cancelled';

export interface Job {
  requestId: string;
  apiKey: string;
  model: SimulatedModel;
  duration: number;
  generateAudio: boolean;
  priceUsd: number;
  imageHash: string | null;
  createdAt: number;
  /** Earliest start: even an idle account takes a moment to pick a job up. */
  eligibleAt: number;
  /** How long it runs once started (already scaled). */
  runMs: number;
  willFail: boolean;
  /** Set when upstream refuses the input: the job fails as soon as it is picked up, unbilled. */
  rejectReason: string | null;
  status: JobStatus;
  startedAt: number | null;
  finishedAt: number | null;
  chargedUsd: number;
  outputSha256: string | null;
}

interface Account {
  creditUsd: number;
  revoked: boolean;
  chargedUsd: number;
  /** FIFO of jobs waiting; position in it is the queue_position. */
  queue: Job[];
  running: Set<Job>;
}

function newAccount(creditUsd: number): Account {
  return { creditUsd, revoked: false, chargedUsd: 0, queue: [], running: new Set() };
}

export interface JobBookOptions {
  clock: Clock;
  apiKeys: Record<string, number>;
  concurrencyCap: number;
  /** Unscaled pick-up delay of a queued job. */
  queueDelayMs: number;
  timeScale: number;
  generationMs: (job: { modelId: string; duration: number }) => number;
  /** Jitter for the default generation time; null when the caller chose exact timings. */
  jitter: Random | null;
  ledger: Ledger;
  /** Called when a job succeeds, to fill in outputSha256. */
  onSucceeded: (job: Job) => void;
}

export class JobBook {
  private readonly jobs = new Map<string, Job>();
  private readonly accounts = new Map<string, Account>();
  /** Simulated time up to which all events were applied. */
  private simulatedUntil = -Infinity;
  private wake: (() => void) | null = null;

  constructor(private readonly options: JobBookOptions) {
    for (const [key, credit] of Object.entries(options.apiKeys)) this.accounts.set(key, newAccount(credit));
  }

  /** True for a known key that was not revoked. */
  hasKey(apiKey: string): boolean {
    const account = this.accounts.get(apiKey);
    return account !== undefined && !account.revoked;
  }

  setCredit(apiKey: string, usd: number): void {
    const account = this.accounts.get(apiKey);
    if (account) account.creditUsd = usd;
    else this.accounts.set(apiKey, newAccount(usd));
  }

  /** The key's whole credit (0 for a key the simulator does not know). */
  creditUsd(apiKey: string): number {
    return this.accounts.get(apiKey)?.creditUsd ?? 0;
  }

  /** What the account's balance endpoint shows: credit less charges, to a millionth. */
  balanceUsd(apiKey: string): number {
    const account = this.accounts.get(apiKey);
    return account ? Math.round((account.creditUsd - account.chargedUsd) * 1e6) / 1e6 : 0;
  }

  revoke(apiKey: string): void {
    const account = this.accounts.get(apiKey);
    if (account) account.revoked = true;
  }

  get(requestId: string): Job | undefined {
    return this.jobs.get(requestId);
  }

  /** Credit left for new work: charged jobs and queued jobs (reserved) are taken off. */
  availableUsd(apiKey: string): number {
    const account = this.accounts.get(apiKey);
    if (!account) return 0;
    let reserved = 0;
    for (const job of account.queue) reserved += job.priceUsd;
    return account.creditUsd - account.chargedUsd - reserved;
  }

  /** Jobs of the account queued or running. */
  activeCount(apiKey: string): number {
    const account = this.accounts.get(apiKey);
    return account ? account.queue.length + account.running.size : 0;
  }

  queuePosition(job: Job): number | null {
    if (job.status !== 'in_queue') return null;
    const account = this.accounts.get(job.apiKey);
    const index = account ? account.queue.indexOf(job) : -1;
    return index < 0 ? null : index;
  }

  create(
    fields: Pick<
      Job,
      'requestId' | 'apiKey' | 'model' | 'duration' | 'generateAudio' | 'priceUsd' | 'imageHash' | 'willFail'
    > & { rejectReason?: string | null },
  ): Job {
    const now = this.options.clock.now();
    this.advance(now);
    const account = this.accounts.get(fields.apiKey);
    if (!account) throw new Error(`No simulated account for key ${fields.apiKey}`);
    const { timeScale } = this.options;
    let generation = this.options.generationMs({ modelId: fields.model.modelId, duration: fields.duration });
    if (this.options.jitter) generation *= 0.9 + 0.2 * this.options.jitter();
    // A failing generation gives up part-way through, but after it started (and was billed).
    const runMs = Math.max(1, Math.round(generation * timeScale * (fields.willFail ? 0.5 : 1)));
    const job: Job = {
      ...fields,
      rejectReason: fields.rejectReason ?? null,
      createdAt: now,
      eligibleAt: now + Math.max(1, Math.round(this.options.queueDelayMs * timeScale)),
      runMs,
      status: 'in_queue',
      startedAt: null,
      finishedAt: null,
      chargedUsd: 0,
      outputSha256: null,
    };
    this.jobs.set(job.requestId, job);
    account.queue.push(job);
    this.options.ledger.jobs.set(job.requestId, {
      requestId: job.requestId,
      modelId: job.model.modelId,
      imageHash: job.imageHash,
      createdAt: now,
      startedAt: null,
      finishedAt: null,
      status: job.status,
      outputSha256: null,
    });
    this.wake?.();
    return job;
  }

  /** Cancels a queued job; returns false when it already runs or ended. */
  cancel(job: Job): boolean {
    const now = this.options.clock.now();
    this.advance(now);
    if (job.status !== 'in_queue') return false;
    const account = this.accounts.get(job.apiKey);
    if (account) account.queue.splice(account.queue.indexOf(job), 1);
    this.setStatus(job, 'cancelled');
    job.finishedAt = now;
    this.syncLedger(job);
    this.wake?.();
    return true;
  }

  /** Applies, in time order, every start and finish due at or before `now`. */
  advance(now: number): void {
    for (;;) {
      let next: { at: number; job: Job; kind: 'finish' | 'start' } | null = null;
      for (const account of this.accounts.values()) {
        for (const job of account.running) {
          const at = (job.startedAt ?? 0) + job.runMs;
          if (!next || at < next.at) next = { at, job, kind: 'finish' };
        }
        const head = account.queue[0];
        if (head && account.running.size < this.options.concurrencyCap) {
          const at = Math.max(head.eligibleAt, this.simulatedUntil);
          // Finishes before starts at the same instant, so a freed slot is reused at once.
          if (!next || at < next.at) next = { at, job: head, kind: 'start' };
        }
      }
      if (!next || next.at > now) break;
      this.simulatedUntil = Math.max(this.simulatedUntil, next.at);
      if (next.kind === 'finish') this.finish(next.job, next.at);
      else this.start(next.job, next.at);
    }
    this.simulatedUntil = Math.max(this.simulatedUntil, now);
  }

  /** Time of the next due event, or null when nothing is pending. */
  nextEventAt(): number | null {
    let next: number | null = null;
    for (const account of this.accounts.values()) {
      for (const job of account.running) {
        const at = (job.startedAt ?? 0) + job.runMs;
        if (next === null || at < next) next = at;
      }
      const head = account.queue[0];
      if (head && account.running.size < this.options.concurrencyCap) {
        const at = Math.max(head.eligibleAt, this.simulatedUntil);
        if (next === null || at < next) next = at;
      }
    }
    return next;
  }

  /**
   * Keeps jobs moving while nobody polls: sleeps (on the injected clock) until the next due
   * event, advances, repeats; a new job or a cancel wakes it to re-plan. Ends when `signal` aborts.
   */
  async run(signal: AbortSignal): Promise<void> {
    const { clock } = this.options;
    while (!signal.aborted) {
      this.advance(clock.now());
      const next = this.nextEventAt();
      const nap = new AbortController();
      const stop = () => nap.abort();
      signal.addEventListener('abort', stop, { once: true });
      this.wake = stop;
      // Raced with the abort here too: an injected clock whose sleep ignores the signal must
      // not keep close() waiting.
      const woken = new Promise<void>((resolve) => nap.signal.addEventListener('abort', () => resolve()));
      try {
        if (next === null) await woken;
        else {
          const sleep = clock.sleep(Math.max(0, next - clock.now()), nap.signal);
          sleep.catch(() => undefined);
          await Promise.race([sleep, woken]);
        }
      } catch {
        // Woken early (new job, cancel or close): re-plan.
      } finally {
        nap.abort();
        this.wake = null;
        signal.removeEventListener('abort', stop);
      }
    }
  }

  private start(job: Job, at: number): void {
    const account = this.accounts.get(job.apiKey);
    if (!account) return;
    account.queue.shift();
    if (job.rejectReason !== null) {
      // Refused upstream before any generation: nothing to bill, the slot stays free.
      job.startedAt = null;
      job.finishedAt = at;
      this.setStatus(job, 'failed');
      this.syncLedger(job);
      return;
    }
    account.running.add(job);
    this.setStatus(job, 'in_progress');
    job.startedAt = at;
    // Billed when it starts running: from here on it cannot be cancelled.
    job.chargedUsd = job.priceUsd;
    account.chargedUsd += job.priceUsd;
    this.options.ledger.charges.push({ at, requestId: job.requestId, usd: job.priceUsd });
    this.syncLedger(job);
  }

  private finish(job: Job, at: number): void {
    this.accounts.get(job.apiKey)?.running.delete(job);
    job.finishedAt = at;
    this.setStatus(job, job.willFail ? 'failed' : 'succeeded');
    if (job.status === 'succeeded') this.options.onSucceeded(job);
    this.syncLedger(job);
  }

  private setStatus(job: Job, status: JobStatus): void {
    job.status = status;
  }

  private syncLedger(job: Job): void {
    const entry = this.options.ledger.jobs.get(job.requestId);
    if (!entry) return;
    entry.status = job.status;
    entry.startedAt = job.startedAt;
    entry.finishedAt = job.finishedAt;
    entry.outputSha256 = job.outputSha256;
  }
}
