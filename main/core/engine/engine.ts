// The job engine: drives batches from `queued` to a state a person can act on, through the
// RunComfy API, with every step recorded in SQLite before (or as) it happens, so a crash at any
// point is recovered without paying twice or losing a paid video.
//
// Shape: per held batch a pump fills free generation slots (batch setting `concurrency`) with
// submit flows; every accepted job gets a tracker (a sleep-poll loop aimed by the poll policy);
// successful results go to a separate download queue (p-queue). All timing goes through the
// injected clock and random source; all HTTP through the injected fetch.
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { setMaxListeners } from 'node:events';
import { setTimeout as realDelay } from 'node:timers/promises';
import PQueue from 'p-queue';
import { RunComfyClient, type ApiFailure, type Endpoint } from '../api/client';
import { fullJitterBackoff } from '../api/retry';
import type { CancelBatchResult, CancelItemOutcome, EngineApi } from '../contracts';
import {
  type BatchSettings,
  type BatchView,
  type EngineEvent,
  type ItemPage,
  type ItemPageQuery,
  type ItemState,
  type ItemView,
  type PauseReason,
  type PlannedItem,
} from '../domain';
import { closeDatabase, openDatabase, type Db } from '../db/connection';
import { toItemView, type BatchRecord, type ItemRecord } from '../db/rows';
import { JobStore, LeaseLostError, type ItemEventRow } from '../db/store';
import { systemClock, type Clock, type Random } from '../util/clock';
import { csvCell } from '../util/csv';
import { crashPoint } from './crash-points';
import {
  fetchToPart,
  inspectFile,
  isAllowedDownloadUrl,
  isDiskFull,
  nodeFileOps,
  partPathFor,
  placeFile,
  removeIfExists,
  resolveOutputPath,
  syncDirectory,
  freeName,
  type FileOps,
} from './download';
import { EventHub } from './events';
import { defaultMaterializeRequest, type MaterializeRequest } from './materialize';
import {
  adaptivePollPolicy,
  learnedRunMs,
  priorRunMs,
  type PollObservation,
  type PollPolicy,
  type RunTimeEstimate,
} from './poll-policy';
import { assertNever } from './state-machine';

export const DEFAULT_API_BASE_URL = 'https://model-api.runcomfy.net';

const GENERATING: readonly ItemState[] = ['submitting', 'in_queue', 'in_progress'];
const IN_FLIGHT: readonly ItemState[] = ['submitting', 'in_queue', 'in_progress', 'downloading'];
const UNFINISHED: readonly ItemState[] = ['queued', ...IN_FLIGHT];
const UNKNOWN_SUBMIT_MESSAGE =
  'Sent, but the answer was lost; it may or may not have been paid. Resubmit if you accept it may be paid twice.';

export interface EngineOptions {
  /** SQLite file (created if missing). Either this or `db`. */
  dbPath?: string;
  /** An already opened database (the engine then does not close it). */
  db?: Db;
  /** Who drives batches through this engine, e.g. "app:host:1234" or "cli:host:99". */
  owner?: string;
  clock?: Clock;
  random?: Random;
  fetch?: typeof fetch;
  apiBaseUrl?: string;
  apiKey?: string | null;
  /** The API is the simulator (demo mode): new batches are marked simulated. */
  simulated?: boolean;
  materializeRequest?: MaterializeRequest;
  /** Downloads at once, across batches (default 2). */
  downloadConcurrency?: number;
  /** Status/result requests at once, across items (default 4). */
  pollConcurrency?: number;
  /** Items failing in a row before a batch pauses with 'too_many_failures' (default 5). */
  maxConsecutiveFailures?: number;
  /** Failed downloads of one item in a row before it is marked failed (default 8). */
  maxDownloadAttempts?: number;
  /** Lease length in clock ms (default 60 s); renewed every third of it. */
  leaseMs?: number;
  /** Real ms to wait for a GET answer / a submit answer / a whole download. */
  requestTimeoutMs?: number;
  submitTimeoutMs?: number;
  downloadTimeoutMs?: number;
  pollPolicy?: PollPolicy;
  fileOps?: FileOps;
  /** Coalescing window of item events, real ms (default 50). */
  eventWindowMs?: number;
  /** Take over (and recover) every batch with unfinished work at start (default true). */
  adoptBatches?: boolean;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export interface LeaseInfo {
  owner: string;
  expiresAt: number;
  /** True when this engine holds it. */
  mine: boolean;
}

/** EngineApi plus what the CLI, benchmarks and tests need. */
export interface Engine extends EngineApi {
  readonly owner: string;
  /** Who drives a batch right now (null: nobody; it can be started here). */
  leaseHolder(batchId: number): LeaseInfo | null;
  /** Raises or removes a batch's budget cap (a paused 'budget_reached' batch can then resume). */
  setBudget(batchId: number, budgetUsd: number | null): void;
  itemEvents(itemId: number): ItemEventRow[];
  /** HTTP requests sent to the API so far, by endpoint. */
  requestCounts(): Record<Endpoint, number>;
  /** Resolves once the item is in one of `states` (test and CLI hook). */
  waitForItemState(
    itemId: number,
    states: ItemState | readonly ItemState[],
    timeoutMs?: number,
  ): Promise<ItemView>;
  /** Resolves once nothing is in flight and nothing more can start without a person. */
  idle(timeoutMs?: number): Promise<void>;
}

interface BatchRuntime {
  id: number;
  /** Items picked for submission whose intent is not stored yet (image being read). */
  preparing: Map<number, number>;
  submitBackoffUntil: number;
  submitRetries: number;
  consecutiveFailures: number;
  /** A pump is scheduled for the end of a submit back-off. */
  pumpScheduled: boolean;
}

/**
 * True when a lease holder named `<kind>:<this host>:<pid>` (how engines name themselves) is a
 * process of this machine that no longer exists: a crashed CLI or app. Its batch can be taken
 * over at once instead of after the lease runs out. Any doubt (another host, a live or reused
 * pid, no permission to ask) means "not gone": then only the expiry frees the lease.
 */
export function ownerIsGone(holder: string): boolean {
  const match = /^[\w-]+:(.+):(\d+)$/.exec(holder);
  if (!match || match[1] !== hostname()) return false;
  const pid = Number(match[2]);
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export function createEngine(options: EngineOptions): Engine {
  return new JobEngine(options);
}

class JobEngine implements Engine {
  readonly owner: string;
  private readonly db: Db;
  private readonly ownsDb: boolean;
  private readonly store: JobStore;
  private readonly clock: Clock;
  private readonly random: Random;
  private readonly fetchImpl: typeof fetch;
  private readonly materialize: MaterializeRequest;
  private readonly policy: PollPolicy;
  private readonly fileOps: FileOps;
  private readonly hub: EventHub;
  private readonly leaseMs: number;
  private readonly downloadConcurrency: number;
  private readonly maxConsecutiveFailures: number;
  private readonly maxDownloadAttempts: number;
  private readonly downloadTimeoutMs: number;
  private readonly log: NonNullable<EngineOptions['log']>;
  private client: RunComfyClient;
  private credentials: { apiBaseUrl: string; apiKey: string | null; simulated: boolean; timeScale: number };

  private readonly held = new Map<number, BatchRuntime>();
  private readonly tracking = new Set<number>();
  private readonly downloadsActive = new Set<number>();
  private readonly pollErrors = new Map<number, number>();
  private readonly tasks = new Set<Promise<unknown>>();
  private readonly downloads: PQueue;
  private readonly polls: PQueue;
  private readonly transitionListeners = new Set<(item: ItemRecord) => void>();
  private readonly requests: Record<Endpoint, number> = {
    submit: 0,
    status: 0,
    result: 0,
    cancel: 0,
    model: 0,
  };
  private readonly timings = new Map<string, number[]>();
  private wakeController = new AbortController();
  private readonly closeController = new AbortController();
  private leaseTimer: ReturnType<typeof setTimeout> | null = null;
  private closed: Promise<void> | null = null;

  constructor(private readonly options: EngineOptions) {
    if (!options.db && !options.dbPath) throw new Error('createEngine needs a dbPath (or an open db).');
    this.db = options.db ?? openDatabase(options.dbPath!);
    this.ownsDb = !options.db;
    this.log = options.log ?? (() => {});
    this.store = new JobStore(this.db, (message) => this.log('warn', message));
    this.owner = options.owner ?? `engine:${hostname()}:${process.pid}`;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    this.fetchImpl = options.fetch ?? fetch;
    this.materialize = options.materializeRequest ?? defaultMaterializeRequest;
    this.policy = options.pollPolicy ?? adaptivePollPolicy;
    this.fileOps = options.fileOps ?? nodeFileOps;
    this.hub = new EventHub(options.eventWindowMs ?? 50);
    this.leaseMs = options.leaseMs ?? 60_000;
    this.maxConsecutiveFailures = options.maxConsecutiveFailures ?? 5;
    this.maxDownloadAttempts = options.maxDownloadAttempts ?? 8;
    this.downloadTimeoutMs = options.downloadTimeoutMs ?? 30 * 60_000;
    this.downloadConcurrency = options.downloadConcurrency ?? 2;
    this.downloads = new PQueue({ concurrency: this.downloadConcurrency });
    this.polls = new PQueue({ concurrency: options.pollConcurrency ?? 4 });
    this.credentials = {
      apiBaseUrl: options.apiBaseUrl ?? DEFAULT_API_BASE_URL,
      apiKey: options.apiKey ?? null,
      simulated: options.simulated ?? false,
      timeScale: 1,
    };
    this.client = this.makeClient();
    setMaxListeners(0, this.wakeController.signal);
    setMaxListeners(0, this.closeController.signal);
    if (options.adoptBatches ?? true) this.adoptBatches();
    this.scheduleLeaseRenewal();
  }

  // ==== public API ========================================================================

  createBatch(settings: BatchSettings, items: PlannedItem[], name?: string): number {
    const batchName =
      name?.trim() ||
      `${items[0]?.rootPath.split(/[\\/]/).filter(Boolean).pop() ?? 'Batch'} (${items.length} images)`;
    return this.store.createBatch(settings, items, batchName, this.clock.now(), this.credentials.simulated);
  }

  startBatch(batchId: number): void {
    const batch = this.requireBatch(batchId);
    if (batch.state === 'cancelled')
      throw new Error(
        `Batch ${batchId} ('${batch.name}') was cancelled; retry single items to run them again.`,
      );
    this.takeLease(batchId);
    if (batch.state !== 'running') this.setBatchState(batchId, 'running', null, 'started');
    this.recoverBatch(batchId);
    this.pump(batchId);
  }

  pauseBatch(batchId: number): void {
    const batch = this.requireBatch(batchId);
    if (batch.state !== 'running') return;
    this.setBatchState(
      batchId,
      'paused',
      { reason: 'user', message: 'Paused by you. In-flight videos still finish and download.' },
      'paused by user',
    );
  }

  resumeBatch(batchId: number): void {
    const batch = this.requireBatch(batchId);
    if (batch.state !== 'paused' && batch.state !== 'draft') return;
    this.takeLease(batchId);
    this.setBatchState(
      batchId,
      'running',
      null,
      batch.pauseReason ? `resumed after ${batch.pauseReason}` : 'resumed',
    );
    const runtime = this.held.get(batchId);
    if (runtime) {
      runtime.consecutiveFailures = 0;
      runtime.submitBackoffUntil = 0;
    }
    this.recoverBatch(batchId);
    this.pump(batchId);
  }

  async cancelBatch(batchId: number): Promise<CancelBatchResult> {
    const batch = this.requireBatch(batchId);
    const now = this.clock.now();
    if (batch.state !== 'cancelled' && batch.state !== 'finished')
      this.setBatchState(batchId, 'cancelled', null, 'cancelled by user');
    const result: CancelBatchResult = { cancelledLocally: 0, cancelRequested: 0, running: 0 };
    // Queued items in one transaction: 10,000 of them is one commit, not 10,000 fsyncs.
    const cancelled = this.store.cancelQueued(batchId, 'cancelled by user (whole batch)', now);
    result.cancelledLocally = cancelled.length;
    for (const id of cancelled) this.hub.item(batchId, id, 'cancelled');
    for (const item of this.store.itemsInStates(batchId, IN_FLIGHT)) {
      switch (item.state) {
        case 'submitting':
          this.store.update(item.id, { cancelRequested: true });
          result.cancelRequested++;
          break;
        case 'in_queue': {
          const outcome = await this.cancelRemote(item);
          if (outcome === 'running_cannot_stop') result.running++;
          else if (outcome === 'cancelled') result.cancelledLocally++;
          else result.cancelRequested++;
          break;
        }
        case 'in_progress':
        case 'downloading':
          result.running++;
          break;
        default:
          break;
      }
    }
    this.checkBatchFinished(batchId);
    return result;
  }

  async cancelItem(itemId: number): Promise<CancelItemOutcome> {
    const item = this.requireItem(itemId);
    switch (item.state) {
      case 'queued': {
        const moved = this.transition(item, 'queued', 'cancelled', {}, 'cancelled by user');
        if (moved) {
          this.checkBatchFinished(item.batchId);
          return 'cancelled';
        }
        return this.cancelItem(itemId);
      }
      case 'submitting':
        this.store.update(itemId, { cancelRequested: true });
        return 'cancel_requested';
      case 'in_queue':
        return this.cancelRemote(item);
      case 'in_progress':
      case 'downloading':
        return 'running_cannot_stop';
      case 'done':
      case 'failed':
      case 'cancelled':
      case 'expired':
      case 'unknown_submit':
      case 'rejected':
      case 'skipped':
        return 'already_finished';
      default:
        return assertNever(item.state);
    }
  }

  retryItem(itemId: number): void {
    const item = this.requireItem(itemId);
    if (item.state !== 'failed' && item.state !== 'expired' && item.state !== 'cancelled')
      throw new Error(
        `Item ${itemId} (${item.relativePath}) is '${item.state}'; only failed, expired or cancelled items can be retried.`,
      );
    // A generation that succeeded but whose download failed: fetch the same video again, unpaid.
    if (item.state === 'failed' && item.errorCode === 'download_failed' && item.resultUrl) {
      this.transition(
        item,
        'failed',
        'downloading',
        { errorCode: null, errorMessage: null },
        'download retried by user',
      );
      this.reopenBatch(item.batchId);
      this.enqueueDownload(itemId);
      return;
    }
    this.requeue(item, item.state, 'retried by user (a new paid attempt)');
  }

  resubmitItem(itemId: number): void {
    const item = this.requireItem(itemId);
    if (item.state !== 'unknown_submit')
      throw new Error(
        `Item ${itemId} (${item.relativePath}) is '${item.state}'; only items whose submit answer was lost can be resubmitted.`,
      );
    this.requeue(item, 'unknown_submit', 'resubmitted by user (accepting it may be paid twice)');
  }

  getBatch(batchId: number): BatchView | null {
    const batch = this.store.getBatch(batchId);
    return batch ? this.toBatchView(batch) : null;
  }

  listBatches(): BatchView[] {
    return this.store.listBatches().map((batch) => this.toBatchView(batch));
  }

  getItem(itemId: number): ItemView | null {
    const item = this.store.getItem(itemId);
    return item ? toItemView(item) : null;
  }

  pageItems(query: ItemPageQuery): ItemPage {
    return this.store.pageItems(query);
  }

  reportCsv(batchId: number): string {
    const quote = csvCell;
    const lines = ['file,prompt,state,reason,request_id,cost_usd,output_path'];
    for (const item of this.store.iterateItems(batchId)) {
      lines.push(
        [
          item.relativePath,
          item.renderedPrompt,
          item.state,
          item.errorMessage,
          item.requestId,
          item.costUsd ?? (item.mayBeBilled ? item.estimatedCostUsd : null),
          item.outputPath,
        ]
          .map(quote)
          .join(','),
      );
    }
    return lines.join('\n') + '\n';
  }

  findDone(imageHash: string, requestFingerprint: string): { itemId: number; outputPath: string } | null {
    return this.store.findDone(imageHash, requestFingerprint);
  }

  on(listener: (event: EngineEvent) => void): () => void {
    return this.hub.on(listener);
  }

  wake(): void {
    const now = this.clock.now();
    // After a sleep the leases may have lapsed while nobody else took them: renew first.
    for (const batchId of [...this.held.keys()])
      if (!this.store.renewLease(batchId, this.owner, now, this.leaseMs))
        this.dropBatch(batchId, this.store.getBatch(batchId)?.leaseOwner ?? null);
    for (const batchId of this.held.keys())
      for (const item of this.store.itemsInStates(batchId, ['in_queue', 'in_progress']))
        this.store.note(item.id, { nextPollAt: now });
    const previous = this.wakeController;
    this.wakeController = new AbortController();
    setMaxListeners(0, this.wakeController.signal);
    previous.abort();
    for (const batchId of this.held.keys()) this.pump(batchId);
  }

  setCredentials(credentials: {
    apiBaseUrl: string;
    apiKey: string | null;
    simulated?: boolean;
    timeScale?: number;
  }): void {
    const simulated = credentials.simulated ?? false;
    this.credentials = {
      apiBaseUrl: credentials.apiBaseUrl,
      apiKey: credentials.apiKey,
      simulated,
      // Only a simulator runs at another speed than RunComfy.
      timeScale: simulated && credentials.timeScale && credentials.timeScale > 0 ? credentials.timeScale : 1,
    };
    this.client = this.makeClient();
    // A new key is the answer to a 'bad_key' pause: carry on without another click.
    for (const batchId of this.held.keys()) {
      const batch = this.store.getBatch(batchId);
      if (batch?.state === 'paused' && batch.pauseReason === 'bad_key') this.resumeBatch(batchId);
    }
    this.wake();
  }

  hasPendingWork(): boolean {
    for (const batchId of this.held.keys()) {
      const batch = this.store.getBatch(batchId);
      if (!batch) continue;
      if (this.store.countInStates(batchId, batch.state === 'running' ? UNFINISHED : IN_FLIGHT) > 0)
        return true;
    }
    return false;
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      this.closeController.abort();
      this.wakeController.abort();
      if (this.leaseTimer) clearTimeout(this.leaseTimer);
      // Submits finish (their answer must be stored); polls and downloads stop at a resumable point.
      await Promise.allSettled([...this.tasks]);
      this.downloads.clear();
      await this.downloads.onIdle();
      for (const batchId of this.held.keys()) this.store.releaseLease(batchId, this.owner);
      this.held.clear();
      this.hub.flush();
      if (this.ownsDb) closeDatabase(this.db);
    })();
    return this.closed;
  }

  // ---- extensions --------------------------------------------------------------------------

  leaseHolder(batchId: number): LeaseInfo | null {
    const batch = this.store.getBatch(batchId);
    if (!batch?.leaseOwner || (batch.leaseExpiresAt ?? 0) <= this.clock.now()) return null;
    if (batch.leaseOwner !== this.owner && ownerIsGone(batch.leaseOwner)) return null; // a crashed process
    return {
      owner: batch.leaseOwner,
      expiresAt: batch.leaseExpiresAt ?? 0,
      mine: batch.leaseOwner === this.owner,
    };
  }

  setBudget(batchId: number, budgetUsd: number | null): void {
    const batch = this.requireBatch(batchId);
    if (budgetUsd !== null && !(budgetUsd >= 0))
      throw new Error(`A budget must be a number of dollars of 0 or more (or none), got ${budgetUsd}.`);
    this.store.updateBatchSettings(batchId, { ...batch.settings, budgetUsd });
  }

  itemEvents(itemId: number): ItemEventRow[] {
    return this.store.itemEvents(itemId);
  }

  requestCounts(): Record<Endpoint, number> {
    return { ...this.requests };
  }

  waitForItemState(
    itemId: number,
    states: ItemState | readonly ItemState[],
    timeoutMs = 30_000,
  ): Promise<ItemView> {
    const wanted: readonly ItemState[] = typeof states === 'string' ? [states] : states;
    return new Promise((resolve, reject) => {
      const check = (item: ItemRecord | null) => {
        if (item && wanted.includes(item.state)) {
          cleanup();
          resolve(toItemView(item));
        }
      };
      const listener = (item: ItemRecord) => {
        if (item.id === itemId) check(item);
      };
      const timer = setTimeout(() => {
        cleanup();
        const item = this.store.getItem(itemId);
        reject(
          new Error(
            `Item ${itemId} did not reach ${wanted.join('|')} within ${timeoutMs} ms; it is '${item?.state}'.`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.transitionListeners.delete(listener);
      };
      this.transitionListeners.add(listener);
      check(this.store.getItem(itemId));
    });
  }

  async idle(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // Idle must hold for two checks in a row: a finishing task may schedule the next one.
    let quietChecks = 0;
    while (quietChecks < 2) {
      const busy =
        this.tasks.size > 0 ||
        this.downloads.size + this.downloads.pending > 0 ||
        [...this.held.values()].some((runtime) => runtime.pumpScheduled || runtime.preparing.size > 0);
      quietChecks = busy ? 0 : quietChecks + 1;
      if (Date.now() > deadline) throw new Error(`The engine was still busy after ${timeoutMs} ms.`);
      await realDelay(5);
    }
    this.hub.flush();
  }

  // ==== batches, leases, recovery ==========================================================

  private requireBatch(batchId: number): BatchRecord {
    const batch = this.store.getBatch(batchId);
    if (!batch)
      throw new Error(`Batch ${batchId} does not exist; list the batches to see which ids there are.`);
    return batch;
  }

  private requireItem(itemId: number): ItemRecord {
    const item = this.store.getItem(itemId);
    if (!item) throw new Error(`Item ${itemId} does not exist; it may belong to a deleted batch.`);
    return item;
  }

  private takeLease(batchId: number): BatchRuntime {
    const existing = this.held.get(batchId);
    if (existing) return existing;
    const lease = this.store.acquireLease(batchId, this.owner, this.clock.now(), this.leaseMs, ownerIsGone);
    if (!lease.ok) {
      const seconds = Math.max(0, Math.ceil((lease.expiresAt - this.clock.now()) / 1000));
      throw new Error(
        `Batch ${batchId} is being run by ${lease.owner}. Stop it there first, or wait: if that process ` +
          `was killed, its claim expires in ${seconds} s and this one can take over.`,
      );
    }
    const runtime: BatchRuntime = {
      id: batchId,
      preparing: new Map(),
      submitBackoffUntil: 0,
      submitRetries: 0,
      consecutiveFailures: 0,
      pumpScheduled: false,
    };
    this.held.set(batchId, runtime);
    return runtime;
  }

  private dropBatch(batchId: number, owner: string | null): void {
    if (!this.held.has(batchId)) return;
    this.held.delete(batchId);
    this.log('warn', `batch ${batchId}: lease lost to ${owner ?? 'nobody'}; stopped driving it`);
    const batch = this.store.getBatch(batchId);
    if (batch) this.hub.emit({ type: 'batch', batchId, state: batch.state, pauseReason: 'lease_lost' });
  }

  /** Takes over every batch with unfinished work whose lease is free or expired. */
  private adoptBatches(): void {
    for (const batchId of this.store.batchesWithWork()) {
      if (this.held.has(batchId)) continue;
      try {
        this.takeLease(batchId);
      } catch {
        continue; // Another live process drives it.
      }
      this.recoverBatch(batchId);
      this.pump(batchId);
    }
  }

  private scheduleLeaseRenewal(): void {
    if (this.closeController.signal.aborted) return;
    const interval = Math.max(1, this.leaseMs / 3);
    const tick = () => {
      const now = this.clock.now();
      for (const batchId of [...this.held.keys()]) {
        if (!this.store.renewLease(batchId, this.owner, now, this.leaseMs))
          this.dropBatch(batchId, this.store.getBatch(batchId)?.leaseOwner ?? null);
      }
      if (this.options.adoptBatches ?? true) this.adoptBatches();
    };
    const loop = async () => {
      while (!this.closeController.signal.aborted) {
        try {
          await this.clock.sleep(interval, this.closeController.signal);
        } catch {
          return;
        }
        try {
          tick();
        } catch (error) {
          this.log('error', `lease renewal failed: ${(error as Error).message}`);
        }
      }
    };
    void loop();
  }

  /** Puts every unfinished item of a held batch back on its way (start-up and resume). */
  private recoverBatch(batchId: number): void {
    if (!this.held.has(batchId)) return;
    const now = this.clock.now();
    for (const stray of this.store.strayPartPaths(batchId)) {
      void removeIfExists(stray.partPath).catch(() => {});
      this.store.update(stray.itemId, { partPath: null });
    }
    for (const item of this.store.itemsInStates(batchId, IN_FLIGHT)) {
      switch (item.state) {
        case 'submitting':
          // Only an intent from an earlier run can be here (this run's are in `tasks`):
          // whether it was sent is unknowable, so it is never sent again on its own.
          if (!this.isSubmitting(item.id))
            this.transition(
              item,
              'submitting',
              'unknown_submit',
              {
                errorCode: 'unknown_submit',
                errorMessage: `Stillmotion stopped while sending this item. ${UNKNOWN_SUBMIT_MESSAGE}`,
              },
              'recovered at start-up: submit outcome unknown',
            );
          break;
        case 'in_queue':
        case 'in_progress':
          if (!this.tracking.has(item.id)) {
            this.store.update(item.id, { nextPollAt: now });
            this.track(item.id);
          }
          break;
        case 'downloading':
          this.enqueueDownload(item.id);
          break;
        default:
          break;
      }
    }
    this.checkBatchFinished(batchId);
  }

  private submittingNow = new Set<number>();
  private isSubmitting(itemId: number): boolean {
    return this.submittingNow.has(itemId);
  }

  private setBatchState(
    batchId: number,
    state: BatchRecord['state'],
    pause: { reason: PauseReason; message: string } | null,
    why: string,
  ): void {
    const batch = this.store.setBatchState(batchId, state, pause, why, this.clock.now());
    this.hub.emit({ type: 'batch', batchId, state: batch.state, pauseReason: batch.pauseReason });
  }

  /** Pauses a running batch for a reason the user must act on. */
  private pauseFor(batchId: number, reason: PauseReason, message: string): void {
    const batch = this.store.getBatch(batchId);
    // A running batch pauses; a paused one takes the more urgent reason (a full disk, a bad key).
    if (!batch || (batch.state !== 'running' && batch.state !== 'paused') || batch.pauseReason === reason)
      return;
    if (batch.state === 'paused' && (reason === 'budget_reached' || reason === 'too_many_failures')) return;
    this.log('warn', `batch ${batchId} paused (${reason}): ${message}`);
    this.setBatchState(batchId, 'paused', { reason, message }, `paused: ${reason}`);
  }

  /** Account-level problems stop every batch this engine drives, not item after item. */
  private pauseAll(reason: PauseReason, message: string): void {
    for (const batchId of this.held.keys()) this.pauseFor(batchId, reason, message);
  }

  /** A finished or cancelled batch that gets an item back (retry) runs again. */
  private reopenBatch(batchId: number): void {
    const batch = this.requireBatch(batchId);
    this.takeLease(batchId);
    if (batch.state === 'finished' || batch.state === 'cancelled')
      this.setBatchState(batchId, 'running', null, 'reopened for a retried item');
    this.pump(batchId);
  }

  private requeue(item: ItemRecord, from: ItemState, reason: string): void {
    this.transition(
      item,
      from,
      'queued',
      (current) => ({
        // What an earlier attempt may have cost stays counted against the budget.
        priorSpentUsd:
          current.priorSpentUsd + (current.mayBeBilled ? (current.costUsd ?? current.estimatedCostUsd) : 0),
        mayBeBilled: false,
        costUsd: null,
        requestId: null,
        queuePosition: null,
        errorCode: null,
        errorMessage: null,
        resultUrl: null,
        cancelRequested: false,
        nextPollAt: null,
        finishedAt: null,
      }),
      reason,
    );
    this.reopenBatch(item.batchId);
  }

  private checkBatchFinished(batchId: number): void {
    const batch = this.store.getBatch(batchId);
    if (!batch || batch.state === 'draft' || batch.state === 'finished') return;
    const counts = this.store.counts(batchId);
    const unfinished = UNFINISHED.reduce((sum, state) => sum + counts[state], 0);
    if (batch.state === 'cancelled') {
      if (unfinished > 0 || !this.held.has(batchId)) return;
      this.finishLease(batchId, counts);
      return;
    }
    if (unfinished > 0) return;
    this.setBatchState(batchId, 'finished', null, 'every item reached a final state');
    this.finishLease(batchId, counts);
  }

  private finishLease(batchId: number, counts: BatchView['counts']): void {
    const money = this.store.money(batchId);
    this.hub.emit({ type: 'batch-finished', batchId, counts, spentUsd: money.spentUsd });
    this.held.delete(batchId);
    this.store.releaseLease(batchId, this.owner);
  }

  private toBatchView(batch: BatchRecord): BatchView {
    const counts = this.store.counts(batch.id);
    const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
    const money = this.store.money(batch.id);
    const waiting = counts.queued + counts.submitting + counts.in_queue + counts.in_progress;
    const estimate = this.runTimeEstimate(batch.settings.modelId, batch.settings.duration);
    const rounds = Math.ceil(waiting / Math.max(1, batch.settings.concurrency));
    return {
      id: batch.id,
      name: batch.name,
      state: batch.state,
      pauseReason: batch.pauseReason,
      pauseMessage: batch.pauseMessage,
      simulated: batch.simulated,
      settings: batch.settings,
      createdAt: batch.createdAt,
      startedAt: batch.startedAt,
      finishedAt: batch.finishedAt,
      counts,
      total,
      spentUsd: round6(money.spentUsd),
      remainingEstimateUsd: round6(money.remainingEstimateUsd),
      etaMs: waiting === 0 ? (counts.downloading > 0 ? null : 0) : rounds * estimate.runMs,
    };
  }

  // ==== item transitions ===================================================================

  private transition(
    item: ItemRecord,
    from: ItemState | readonly ItemState[],
    to: ItemState,
    patch: Parameters<JobStore['transition']>[3],
    reason: string,
    lease = false,
  ): ItemRecord | null {
    const moved = this.store.transition(
      item.id,
      from,
      to,
      patch,
      reason,
      this.clock.now(),
      lease ? { owner: this.owner, leaseMs: this.leaseMs } : undefined,
    );
    if (moved) {
      this.hub.item(moved.batchId, moved.id, moved.state);
      for (const listener of this.transitionListeners) listener(moved);
    }
    return moved;
  }

  private spawn(work: () => Promise<void>): void {
    const task = work().catch((error: unknown) => {
      if (error instanceof LeaseLostError) this.dropBatch(error.batchId, error.owner);
      else this.log('error', `engine task failed: ${(error as Error)?.stack ?? String(error)}`);
    });
    this.tasks.add(task);
    void task.finally(() => this.tasks.delete(task));
  }

  private itemFailed(batchId: number, message: string): void {
    const runtime = this.held.get(batchId);
    if (!runtime) return;
    runtime.consecutiveFailures++;
    if (runtime.consecutiveFailures >= this.maxConsecutiveFailures) {
      this.pauseFor(
        batchId,
        'too_many_failures',
        `${runtime.consecutiveFailures} items in a row did not succeed; the last one: ${message} ` +
          `Look at the failed items' reasons, fix the cause, then resume.`,
      );
    }
  }

  private itemSucceeded(batchId: number): void {
    const runtime = this.held.get(batchId);
    if (runtime) runtime.consecutiveFailures = 0;
  }

  // ==== submitting ========================================================================

  /** Fills the batch's free generation slots with queued items, within the budget. */
  private pump(batchId: number): void {
    const runtime = this.held.get(batchId);
    if (!runtime || this.closeController.signal.aborted) return;
    const batch = this.store.getBatch(batchId);
    if (!batch || batch.state !== 'running') return;
    const now = this.clock.now();
    if (now < runtime.submitBackoffUntil) {
      this.schedulePump(runtime, runtime.submitBackoffUntil - now);
      return;
    }
    // A finished generation frees its slot at once, unless downloads fall behind: videos
    // waiting for a download slot count against the concurrency, so generating never outruns
    // downloading and no paid video waits in a backlog until its link expires.
    const downloadBacklog = Math.max(
      0,
      this.store.countInStates(batchId, ['downloading']) - this.downloadConcurrency,
    );
    const inFlight = this.store.countInStates(batchId, GENERATING) + runtime.preparing.size + downloadBacklog;
    const free = batch.settings.concurrency - inFlight;
    if (free <= 0) return;
    const next = this.store.nextQueued(batchId, free, [...runtime.preparing.keys()]);
    if (next.length === 0) {
      this.checkBatchFinished(batchId);
      return;
    }
    if (!this.credentials.apiKey) {
      // Nothing is sent without a key (it would only be refused); the batch waits for one and
      // resumes by itself when it is set (setCredentials).
      this.pauseFor(
        batchId,
        'bad_key',
        'No RunComfy API key is set. Add your key in Settings (or switch on simulated mode to try it for free); the batch then continues.',
      );
      return;
    }
    if (batch.simulated !== this.credentials.simulated) {
      // Never turn a free demo batch into paid requests (or the reverse) behind the user's back.
      // In-flight items keep polling; only new submits stop. Paused as a credentials problem
      // ('bad_key'): the fix is in Settings, and the batch resumes by itself once the mode fits.
      this.pauseFor(
        batchId,
        'bad_key',
        batch.simulated
          ? 'This batch was made in simulated mode (no key, no cost). It is not sent to RunComfy with your key, ' +
              'because that would be paid: switch simulated mode back on to finish it, or start a new batch.'
          : 'This batch was made with your RunComfy key; simulated mode is on now. Turn simulated mode off to finish it.',
      );
      return;
    }
    const cap = batch.settings.budgetUsd;
    let committed = this.store.money(batchId).committedUsd;
    for (const estimate of runtime.preparing.values()) committed += estimate;
    for (const item of next) {
      if (cap !== null && committed + item.estimatedCostUsd > cap + 1e-9) {
        // Items picked but not yet sent are still `queued` in the database: they are left too,
        // except the ones already counted as in flight above.
        let preparingUsd = 0;
        for (const estimate of runtime.preparing.values()) preparingUsd += estimate;
        const queuedLeft = this.store.counts(batchId).queued - runtime.preparing.size;
        const left = this.store.money(batchId).queuedEstimateUsd - preparingUsd;
        this.pauseFor(
          batchId,
          'budget_reached',
          `Budget of $${cap.toFixed(2)} reached: $${committed.toFixed(2)} is spent or in flight and the next ` +
            `video needs about $${item.estimatedCostUsd.toFixed(2)}. ${queuedLeft} items (about $${left.toFixed(2)}) ` +
            `are left to run; raise the budget and resume to continue.`,
        );
        return;
      }
      committed += item.estimatedCostUsd;
      runtime.preparing.set(item.id, item.estimatedCostUsd);
      this.spawn(() => this.submitFlow(runtime, item, batch.settings));
    }
  }

  private schedulePump(runtime: BatchRuntime, delayMs: number): void {
    if (runtime.pumpScheduled) return;
    runtime.pumpScheduled = true;
    // The back-off is in clock time, so the clock does the waiting (fast in tests).
    this.clock
      .sleep(delayMs, this.closeController.signal)
      .catch(() => {})
      .finally(() => {
        runtime.pumpScheduled = false;
        this.pump(runtime.id);
      });
  }

  private async submitFlow(runtime: BatchRuntime, item: ItemRecord, settings: BatchSettings): Promise<void> {
    let body: Record<string, unknown>;
    let intent: ItemRecord | null;
    try {
      try {
        body = await this.materialize(item.request, {
          sourcePath: item.sourcePath,
          relativePath: item.relativePath,
          imageHash: item.imageHash,
        });
      } catch (error) {
        const message = `Could not prepare ${item.sourcePath} for sending: ${(error as Error).message}. Fix or replace the file, then retry this item.`;
        if (
          this.transition(
            item,
            'queued',
            'failed',
            { errorCode: 'input_unreadable', errorMessage: message },
            'image could not be read',
          )
        )
          this.itemFailed(item.batchId, message);
        return;
      }
      const batch = this.store.getBatch(item.batchId);
      // Paused meanwhile: it stays queued. Except for a budget pause: this item was picked
      // within the budget, and the pause was about the one after it.
      const goAhead =
        batch?.state === 'running' || (batch?.state === 'paused' && batch.pauseReason === 'budget_reached');
      if (!goAhead || !this.held.has(item.batchId)) return;
      // The intent, durably, BEFORE anything is sent: after a crash this row says "maybe sent".
      intent = this.transition(
        item,
        'queued',
        'submitting',
        (current) => ({
          attempts: current.attempts + 1,
          submittedAt: this.clock.now(),
          mayBeBilled: true,
          requestId: null,
          queuePosition: null,
          lastQueuedSeenAt: null,
          runningSeenAt: null,
          errorCode: null,
          errorMessage: null,
        }),
        `submit attempt ${item.attempts + 1}`,
        true,
      );
      if (!intent) return; // cancelled meanwhile
      this.submittingNow.add(item.id);
    } finally {
      runtime.preparing.delete(item.id);
    }
    try {
      crashPoint('after-intent');
      const answer = await this.client.submit(settings.modelId, body);
      this.handleSubmitAnswer(runtime, intent, answer);
    } finally {
      this.submittingNow.delete(item.id);
    }
    this.pump(item.batchId);
  }

  private handleSubmitAnswer(
    runtime: BatchRuntime,
    item: ItemRecord,
    answer: Awaited<ReturnType<RunComfyClient['submit']>>,
  ): void {
    if (answer.ok) {
      runtime.submitRetries = 0;
      const now = this.clock.now();
      const estimate = this.runTimeEstimate(this.modelOf(item), this.durationOf(item));
      const nextPollAt = this.policy.nextPollAt(
        {
          now,
          submittedAt: item.submittedAt ?? now,
          lastQueuedSeenAt: null,
          lastStatus: 'submitted',
          queuePosition: null,
        },
        estimate,
        this.random,
      );
      const stored = this.transition(
        item,
        'submitting',
        'in_queue',
        { requestId: answer.value.requestId, nextPollAt },
        `accepted as ${answer.value.requestId}`,
      );
      if (stored?.cancelRequested) void this.cancelRemote(stored);
      this.track(item.id);
      return;
    }
    const failure = answer.failure;
    const notBilled = { mayBeBilled: false, errorCode: failure.errorCode, errorMessage: failure.message };
    if (failure.neverSent) {
      // Provably never reached the server (refused, DNS, 429): it is safe to send again later.
      runtime.submitRetries++;
      const delay = Math.max(
        failure.retryAfterMs ?? 0,
        fullJitterBackoff(runtime.submitRetries, this.random, 2000, 5 * 60_000),
      );
      runtime.submitBackoffUntil = Math.max(runtime.submitBackoffUntil, this.clock.now() + delay);
      this.transition(
        item,
        'submitting',
        'queued',
        notBilled,
        `not sent (${failure.kind}: ${failure.message}); will retry`,
      );
      return;
    }
    switch (failure.kind) {
      case 'bad_key':
      case 'no_balance': {
        // The API refused before creating anything: the item waits, the whole queue pauses.
        this.transition(item, 'submitting', 'queued', notBilled, `refused: ${failure.message}`);
        this.pauseAll(failure.kind, accountMessage(failure));
        return;
      }
      case 'rejected':
      case 'forbidden':
      case 'not_found': {
        const message = `RunComfy refused this request: ${failure.message}. Check this image and the batch settings, then retry.`;
        this.transition(
          item,
          'submitting',
          'failed',
          { ...notBilled, errorCode: failure.errorCode ?? failure.kind, errorMessage: message },
          'refused by the API',
        );
        this.itemFailed(item.batchId, message);
        return;
      }
      case 'rate_limited':
      case 'server':
      case 'network':
      case 'timeout':
      case 'garbage': {
        const message = `${UNKNOWN_SUBMIT_MESSAGE} (${failure.message})`;
        this.transition(
          item,
          'submitting',
          'unknown_submit',
          { errorCode: 'unknown_submit', errorMessage: message },
          `answer lost: ${failure.kind}`,
        );
        this.itemFailed(item.batchId, message);
        return;
      }
      default:
        assertNever(failure.kind);
    }
  }

  // ==== polling ===========================================================================

  private modelOf(item: ItemRecord): string {
    return this.store.getBatch(item.batchId)?.settings.modelId ?? 'unknown';
  }

  private durationOf(item: ItemRecord): number {
    const fromRequest = item.request.duration;
    if (typeof fromRequest === 'number') return fromRequest;
    return this.store.getBatch(item.batchId)?.settings.duration ?? 5;
  }

  /**
   * Run times are learned per API: the demo simulator runs far faster than RunComfy, and its
   * timings must not make the poller ask the real API too early (or the reverse).
   */
  private timingModel(modelId: string): string {
    return this.credentials.simulated ? `simulated:${modelId}` : modelId;
  }

  private runTimeEstimate(modelId: string, duration: number): RunTimeEstimate {
    const key = `${this.timingModel(modelId)}|${duration}`;
    let samples = this.timings.get(key);
    if (!samples) {
      samples = this.store.recentRunTimings(this.timingModel(modelId), duration, 20);
      this.timings.set(key, samples);
    }
    const learned = learnedRunMs(samples);
    return learned === null
      ? { runMs: priorRunMs(modelId, duration) * this.credentials.timeScale, learned: false }
      : { runMs: learned, learned: true };
  }

  /**
   * Records how long this job ran, as an upper bound: from the last time it was seen queued (or
   * its submit) to now, or the server's own created->finished time when that is shorter (it
   * does not include our polling delay).
   */
  private learnRunTime(item: ItemRecord, now: number, serverElapsedMs: number | null): void {
    const modelId = this.modelOf(item);
    const duration = this.durationOf(item);
    const observed = now - (item.lastQueuedSeenAt ?? item.submittedAt ?? now);
    const runMs = serverElapsedMs === null ? observed : Math.min(observed, serverElapsedMs);
    this.store.addRunTiming(this.timingModel(modelId), duration, runMs, now);
    const key = `${this.timingModel(modelId)}|${duration}`;
    const samples = this.timings.get(key) ?? [];
    samples.unshift(runMs);
    samples.length = Math.min(samples.length, 20);
    this.timings.set(key, samples);
  }

  private track(itemId: number): void {
    if (this.tracking.has(itemId)) return;
    this.tracking.add(itemId);
    this.spawn(async () => {
      try {
        await this.trackLoop(itemId);
      } finally {
        this.tracking.delete(itemId);
        this.pollErrors.delete(itemId);
      }
    });
  }

  private async trackLoop(itemId: number): Promise<void> {
    while (!this.closeController.signal.aborted) {
      const item = this.store.getItem(itemId);
      if (!item || (item.state !== 'in_queue' && item.state !== 'in_progress')) return;
      if (!this.held.has(item.batchId)) return;
      const wait = (item.nextPollAt ?? 0) - this.clock.now();
      if (wait > 0) {
        try {
          await this.clock.sleep(wait, this.wakeController.signal);
        } catch {
          // Woken (wake(), close()): re-read the item and decide again.
        }
        continue;
      }
      await this.polls.add(() => this.pollOnce(item));
    }
  }

  private nextPoll(
    item: ItemRecord,
    lastStatus: PollObservation['lastStatus'],
    patch: { lastQueuedSeenAt?: number | null; queuePosition?: number | null },
  ): number {
    const now = this.clock.now();
    return this.policy.nextPollAt(
      {
        now,
        submittedAt: item.submittedAt ?? now,
        lastQueuedSeenAt:
          patch.lastQueuedSeenAt !== undefined ? patch.lastQueuedSeenAt : item.lastQueuedSeenAt,
        lastStatus,
        queuePosition: patch.queuePosition ?? null,
      },
      this.runTimeEstimate(this.modelOf(item), this.durationOf(item)),
      this.random,
    );
  }

  private async pollOnce(item: ItemRecord): Promise<void> {
    const requestId = item.requestId!;
    const status = await this.client.status(requestId);
    crashPoint('mid-poll');
    const now = this.clock.now();
    const current = this.store.getItem(item.id);
    if (!current || (current.state !== 'in_queue' && current.state !== 'in_progress')) return;
    const pollCount = current.pollCount + 1;
    if (!status.ok) return this.pollFailed(current, status.failure, pollCount);
    this.pollErrors.delete(item.id);
    switch (status.value.status) {
      case 'in_queue': {
        const seen = { lastQueuedSeenAt: now, queuePosition: status.value.queuePosition };
        this.store.note(item.id, {
          ...seen,
          pollCount,
          nextPollAt: this.nextPoll(current, 'in_queue', seen),
        });
        return;
      }
      case 'in_progress': {
        const nextPollAt = this.nextPoll(current, 'in_progress', {});
        if (current.state === 'in_queue')
          this.transition(
            current,
            'in_queue',
            'in_progress',
            { runningSeenAt: now, queuePosition: null, nextPollAt, pollCount },
            'generating (will be billed)',
          );
        else this.store.note(item.id, { nextPollAt, pollCount });
        return;
      }
      case 'completed':
      case 'failed':
      case 'cancelled':
        this.store.note(item.id, { pollCount });
        return this.fetchResult(current);
      default:
        assertNever(status.value.status);
    }
  }

  /** Success is decided by /result alone (a failed job may show `completed` on /status). */
  private async fetchResult(item: ItemRecord): Promise<void> {
    const answer = await this.client.result(item.requestId!);
    const current = this.store.getItem(item.id);
    if (!current || (current.state !== 'in_queue' && current.state !== 'in_progress')) return;
    const pollCount = current.pollCount + 1;
    if (!answer.ok) return this.pollFailed(current, answer.failure, pollCount);
    const now = this.clock.now();
    const { status, videoUrl, error, costUsd, serverElapsedMs } = answer.value;
    const live: readonly ItemState[] = ['in_queue', 'in_progress'];
    switch (status) {
      case 'in_queue':
      case 'in_progress':
        // /status ran ahead of /result: ask again shortly.
        this.store.note(item.id, { pollCount, nextPollAt: this.nextPoll(current, 'in_progress', {}) });
        return;
      case 'completed': {
        if (!videoUrl) {
          const message = `RunComfy reports request ${current.requestId} as succeeded but gave no video URL, so there is nothing to download. It was probably billed; contact RunComfy support with the request id, or retry (a new paid attempt).`;
          if (
            this.transition(
              current,
              live,
              'failed',
              { errorCode: 'no_output', errorMessage: message, costUsd, finishedAt: now, pollCount },
              'succeeded without a video URL',
            )
          )
            this.itemFailed(current.batchId, message);
          return;
        }
        this.learnRunTime(current, now, serverElapsedMs);
        const moved = this.transition(
          current,
          live,
          'downloading',
          { resultUrl: videoUrl, costUsd, queuePosition: null, nextPollAt: null, pollCount },
          'generated; downloading',
        );
        if (moved) this.enqueueDownload(moved.id);
        // Its generation slot is free now: the next submit need not wait for this download.
        this.pump(current.batchId);
        return;
      }
      case 'failed': {
        const message = `RunComfy could not generate this video: ${error ?? 'no reason given'}`;
        if (
          this.transition(
            current,
            live,
            'failed',
            {
              errorCode: 'generation_failed',
              errorMessage: message,
              costUsd,
              finishedAt: now,
              queuePosition: null,
              pollCount,
            },
            'generation failed',
          )
        )
          this.itemFailed(current.batchId, message);
        this.checkBatchFinished(current.batchId);
        this.pump(current.batchId);
        return;
      }
      case 'cancelled':
        this.transition(
          current,
          live,
          'cancelled',
          { costUsd, mayBeBilled: (costUsd ?? 0) > 0, finishedAt: now, queuePosition: null, pollCount },
          'cancelled at the API',
        );
        this.checkBatchFinished(current.batchId);
        this.pump(current.batchId);
        return;
      default:
        assertNever(status);
    }
  }

  private pollFailed(item: ItemRecord, failure: ApiFailure, pollCount: number): void {
    const now = this.clock.now();
    const live: readonly ItemState[] = ['in_queue', 'in_progress'];
    switch (failure.kind) {
      case 'not_found': {
        const message = `RunComfy no longer knows request ${item.requestId} (expired or deleted), so its result cannot be fetched. It may have been billed. Retry to generate it again (a new paid attempt).`;
        if (
          this.transition(
            item,
            live,
            'expired',
            { errorCode: failure.errorCode ?? '404001', errorMessage: message, finishedAt: now, pollCount },
            'request unknown to the API',
          )
        )
          this.itemFailed(item.batchId, message);
        this.checkBatchFinished(item.batchId);
        this.pump(item.batchId);
        return;
      }
      case 'forbidden': {
        const message = `RunComfy says request ${item.requestId} belongs to another account (403001): the API key was probably changed while it ran. Switch back to the key that submitted it, or retry with this key (a new paid attempt).`;
        if (
          this.transition(
            item,
            live,
            'failed',
            { errorCode: '403001', errorMessage: message, finishedAt: now, pollCount },
            'request belongs to another account',
          )
        )
          this.itemFailed(item.batchId, message);
        this.checkBatchFinished(item.batchId);
        this.pump(item.batchId);
        return;
      }
      case 'bad_key':
      case 'no_balance':
        this.pauseAll(failure.kind, accountMessage(failure));
        break;
      case 'rate_limited':
      case 'server':
      case 'network':
      case 'timeout':
      case 'garbage':
      case 'rejected':
        break;
      default:
        assertNever(failure.kind);
    }
    // Transient (or waiting for a new key): back off with full jitter, honouring Retry-After.
    const attempt = (this.pollErrors.get(item.id) ?? 0) + 1;
    this.pollErrors.set(item.id, attempt);
    const delay = Math.max(
      failure.retryAfterMs ?? 0,
      fullJitterBackoff(attempt, this.random, 2000, 5 * 60_000),
      250,
    );
    this.log('info', `item ${item.id}: poll failed (${failure.message}); next in ${Math.round(delay)} ms`);
    this.store.note(item.id, { nextPollAt: now + delay, pollCount });
  }

  private async cancelRemote(item: ItemRecord): Promise<CancelItemOutcome> {
    if (!item.requestId) return 'cancel_requested';
    this.store.update(item.id, { cancelRequested: true });
    const answer = await this.client.cancel(item.requestId);
    if (!answer.ok) {
      this.log('warn', `item ${item.id}: cancel not confirmed (${answer.failure.message})`);
      return 'cancel_requested';
    }
    switch (answer.value.outcome) {
      case 'cancelled': {
        const moved = this.transition(
          item,
          'in_queue',
          'cancelled',
          { mayBeBilled: false, finishedAt: this.clock.now(), queuePosition: null },
          'cancelled at the API before it ran',
        );
        if (moved) {
          this.checkBatchFinished(item.batchId);
          this.pump(item.batchId);
          return 'cancelled';
        }
        return 'cancel_requested';
      }
      case 'not_cancellable':
        // Already running: it will be billed; keep polling and download it.
        this.store.update(item.id, { nextPollAt: this.clock.now() });
        return 'running_cannot_stop';
      case 'not_confirmed':
        this.store.update(item.id, { nextPollAt: this.clock.now() });
        return 'cancel_requested';
      default:
        return assertNever(answer.value.outcome);
    }
  }

  // ==== downloading =======================================================================

  private enqueueDownload(itemId: number): void {
    if (this.downloadsActive.has(itemId)) return;
    this.downloadsActive.add(itemId);
    void this.downloads
      .add(() => this.downloadItem(itemId))
      .catch((error: unknown) => {
        if (error instanceof LeaseLostError) this.dropBatch(error.batchId, error.owner);
        else
          this.log('error', `download of item ${itemId} failed: ${(error as Error)?.stack ?? String(error)}`);
      })
      .finally(() => this.downloadsActive.delete(itemId));
  }

  private async downloadItem(itemId: number): Promise<void> {
    for (let attempt = 1; !this.closeController.signal.aborted; attempt++) {
      const item = this.store.getItem(itemId);
      if (!item || item.state !== 'downloading' || !this.held.has(item.batchId)) return;
      const batch = this.requireBatch(item.batchId);
      // A full disk parks downloads until the user frees space and resumes.
      if (batch.state === 'paused' && batch.pauseReason === 'disk_full') return;
      const outcome = await this.downloadOnce(item, batch);
      if (outcome === 'finished' || outcome === 'parked') return;
      if (attempt >= this.maxDownloadAttempts) {
        const message = `The video could not be downloaded after ${attempt} tries (${outcome.message}). It is paid for: Retry this item to try the download again (no new generation).`;
        if (
          this.transition(
            item,
            'downloading',
            'failed',
            { errorCode: 'download_failed', errorMessage: message },
            'download kept failing',
          )
        )
          this.itemFailed(item.batchId, message);
        this.checkBatchFinished(item.batchId);
        this.pump(item.batchId);
        return;
      }
      const delay = Math.max(
        outcome.retryAfterMs ?? 0,
        fullJitterBackoff(attempt, this.random, 1000, 60_000),
      );
      try {
        await this.clock.sleep(delay, this.closeController.signal);
      } catch {
        return;
      }
    }
  }

  private async downloadOnce(
    item: ItemRecord,
    batch: BatchRecord,
  ): Promise<'finished' | 'parked' | { message: string; retryAfterMs: number | null }> {
    const fail = (code: string, message: string, to: ItemState = 'failed') => {
      if (this.transition(item, 'downloading', to, { errorCode: code, errorMessage: message }, message))
        this.itemFailed(item.batchId, message);
      this.checkBatchFinished(item.batchId);
      this.pump(item.batchId); // one download fewer in the backlog
      return 'finished' as const;
    };
    let target: string;
    try {
      target = resolveOutputPath(batch.settings.outputDir, item.outputRelativePath);
    } catch (error) {
      return fail('bad_output_path', (error as Error).message);
    }
    // A crash after the video was moved into place but before `done` was stored: finish up.
    if (item.outputPath && item.outputSha256) {
      const placed = await inspectFile(item.outputPath).catch(() => null);
      if (placed && placed.sha256 === item.outputSha256)
        return this.markDone(item, item.outputPath, placed.bytes, placed.sha256);
    }
    const url = item.resultUrl;
    if (!url || !isAllowedDownloadUrl(url, this.client.origin))
      return fail(
        'unsafe_output_url',
        `The video URL ${JSON.stringify(url)} is neither https nor on the API's own address, so it was not fetched. It is paid for: check the API base URL setting, then retry this item.`,
      );
    const partPath = partPathFor(target, item.id);
    if (item.partPath !== partPath) this.store.update(item.id, { partPath }); // recorded before the file exists
    const dir = dirname(partPath);
    try {
      await mkdir(dir, { recursive: true });
    } catch (error) {
      if (isDiskFull(error)) return this.diskFull(item, batch, (error as Error).message);
      return fail(
        'output_folder',
        `Could not create the output folder ${dir}: ${(error as Error).message}. Check the folder and its permissions, then retry.`,
      );
    }
    const part = await fetchToPart({
      url,
      partPath,
      fetch: this.fetchImpl,
      fileOps: this.fileOps,
      signal: this.closeController.signal,
      timeoutMs: this.downloadTimeoutMs,
      now: () => this.clock.now(),
      afterFirstChunk: () => crashPoint('mid-download'),
    });
    switch (part.kind) {
      case 'aborted':
        return 'parked';
      case 'disk_full':
        return this.diskFull(item, batch, part.message);
      case 'expired':
        await removeIfExists(partPath);
        this.store.update(item.id, { partPath: null });
        return fail(
          'output_expired',
          `The video was generated (and billed) but its download link answered HTTP ${part.httpStatus}: it expired before it could be fetched. Retry to generate it again (a new paid attempt).`,
          'expired',
        );
      case 'retry':
        return { message: part.message, retryAfterMs: part.retryAfterMs };
      case 'complete':
        break;
      default:
        assertNever(part);
    }
    const info = await inspectFile(partPath);
    if (!info.isMp4) {
      await removeIfExists(partPath);
      return { message: 'the downloaded file is not an mp4 video (no ftyp header)', retryAfterMs: null };
    }
    // Choose the name and record it (with the content hash) before the file appears there, so
    // a crash right after the move is recognised as "ours" instead of being downloaded again.
    for (;;) {
      const finalPath = freeName(target);
      this.store.update(item.id, {
        outputPath: finalPath,
        outputBytes: info.bytes,
        outputSha256: info.sha256,
      });
      let placed: 'placed' | 'exists';
      try {
        placed = await placeFile(partPath, finalPath);
      } catch (error) {
        if (isDiskFull(error)) return this.diskFull(item, batch, (error as Error).message);
        throw error;
      }
      if (placed === 'exists') continue;
      crashPoint('after-rename');
      await syncDirectory(dir);
      return this.markDone(item, finalPath, info.bytes, info.sha256);
    }
  }

  private async markDone(
    item: ItemRecord,
    finalPath: string,
    bytes: number,
    sha256: string,
  ): Promise<'finished'> {
    if (item.partPath) await removeIfExists(item.partPath);
    const target = this.store.getItem(item.id)?.partPath;
    if (target) await removeIfExists(target);
    const moved = this.transition(
      item,
      'downloading',
      'done',
      {
        outputPath: finalPath,
        outputBytes: bytes,
        outputSha256: sha256,
        partPath: null,
        finishedAt: this.clock.now(),
      },
      `saved to ${finalPath}`,
    );
    if (moved) this.itemSucceeded(item.batchId);
    this.checkBatchFinished(item.batchId);
    this.pump(item.batchId);
    return 'finished';
  }

  private diskFull(item: ItemRecord, batch: BatchRecord, detail: string): 'parked' {
    this.pauseFor(
      batch.id,
      'disk_full',
      `The disk holding ${batch.settings.outputDir} is full (${detail}) while saving ${item.outputRelativePath}. ` +
        `Free some space, then resume: downloads continue where they stopped and nothing paid for is lost.`,
    );
    return 'parked';
  }

  private makeClient(): RunComfyClient {
    return new RunComfyClient({
      baseUrl: this.credentials.apiBaseUrl,
      apiKey: this.credentials.apiKey,
      fetch: this.fetchImpl,
      clock: this.clock,
      timeoutMs: this.options.requestTimeoutMs,
      submitTimeoutMs: this.options.submitTimeoutMs,
      onRequest: (endpoint) => {
        this.requests[endpoint]++;
      },
      hooks: {
        afterSubmitSent: () => crashPoint('after-send'),
        afterSubmitAnswer: () => crashPoint('after-answer'),
      },
    });
  }
}

function accountMessage(failure: ApiFailure): string {
  return failure.kind === 'bad_key'
    ? `RunComfy did not accept the API key (${failure.message}). Enter a valid key in Settings; the queue continues with it.`
    : `The RunComfy account has no balance left (${failure.message}). Top up at runcomfy.com, then resume.`;
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}
