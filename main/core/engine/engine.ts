// The job engine: drives batches from `queued` to a state a person can act on, through the
// RunComfy API, with every step recorded in SQLite before (or as) it happens, so a crash at any
// point is recovered without paying twice or losing a paid video.
//
// Shape (a star around coordinator.ts): this file is the public face (commands and queries);
// the phases decide (admission.ts, submit.ts, track.ts, download.ts, recovery.ts) and return
// outcomes; the coordinator's settle path applies every outcome and schedules the next work;
// leases.ts, batch-state.ts, run-times.ts and views.ts keep their one concern each. All timing
// goes through the injected clock and random source; all HTTP through the injected fetch.
import { hostname } from 'node:os';
import { setMaxListeners } from 'node:events';
import { setTimeout as realDelay } from 'node:timers/promises';
import { RunComfyClient, type Endpoint } from '../api/client';
import type { CancelBatchResult, CancelItemOutcome, EngineApi } from '../contracts';
import {
  assertNever,
  InvalidValueError,
  NotFoundError,
  StateError,
  type BatchSettings,
  type BatchView,
  type EngineEvent,
  type ItemPage,
  type ItemPageQuery,
  type ItemState,
  type ItemView,
  type PlannedItem,
} from '../domain';
import { closeDatabase, openDatabase, type Db } from '../db/connection';
import { toItemView, type BatchRecord, type ItemRecord } from '../db/rows';
import { JobStore, type ItemEventRow } from '../db/store';
import { systemClock, type Clock, type Random } from '../util/clock';
import { UNFINISHED } from './batch-state';
import type { Credentials, EngineContext } from './context';
import { Coordinator } from './coordinator';
import { crashPoint } from './crash-points';
import { nodeFileOps, type FileOps } from './download-files';
import { EventHub } from './events';
import type { LeaseInfo } from './leases';
import { defaultMaterializeRequest, type MaterializeRequest } from './materialize';
import { text } from './messages';
import { adaptivePollPolicy, type PollPolicy } from './poll-policy';
import { reportCsv, toBatchView } from './views';

export { ownerIsGone, type LeaseInfo } from './leases';

export const DEFAULT_API_BASE_URL = 'https://model-api.runcomfy.net';

const IN_FLIGHT: readonly ItemState[] = ['submitting', 'in_queue', 'in_progress', 'downloading'];

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
  /** Clock ms between backstop pumps of every held batch (default 30 s). */
  backstopMs?: number;
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
  /** True when the batch exists (cheaper than getBatch: no counts, no money). */
  hasBatch(batchId: number): boolean;
  /**
   * Throws when a batch this engine drives has queued items and free slots but nothing will
   * start them. Tests call it at quiet moments; a timer re-pumps every `backstopMs` anyway.
   */
  assertNoIdleBatchWithWork(): void;
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
  private readonly hub: EventHub;
  private readonly ctx: EngineContext;
  private readonly core: Coordinator;
  private readonly requests: Record<Endpoint, number> = {
    submit: 0,
    status: 0,
    result: 0,
    cancel: 0,
    model: 0,
  };
  private credentials: Credentials;
  private client: RunComfyClient;
  private wakeController = new AbortController();
  private readonly closeController = new AbortController();
  private closed: Promise<void> | null = null;

  constructor(private readonly options: EngineOptions) {
    if (!options.db && !options.dbPath) throw new Error('createEngine needs a dbPath (or an open db).');
    this.db = options.db ?? openDatabase(options.dbPath!);
    this.ownsDb = !options.db;
    const log = options.log ?? (() => {});
    this.store = new JobStore(this.db, (message) => log('warn', message));
    this.owner = options.owner ?? `engine:${hostname()}:${process.pid}`;
    this.clock = options.clock ?? systemClock;
    this.hub = new EventHub(options.eventWindowMs ?? 50);
    this.credentials = {
      apiBaseUrl: options.apiBaseUrl ?? DEFAULT_API_BASE_URL,
      apiKey: options.apiKey ?? null,
      simulated: options.simulated ?? false,
      timeScale: 1,
    };
    this.client = this.makeClient();
    setMaxListeners(0, this.wakeController.signal);
    setMaxListeners(0, this.closeController.signal);
    const leaseMs = options.leaseMs ?? 60_000;
    this.ctx = {
      owner: this.owner,
      store: this.store,
      clock: this.clock,
      random: options.random ?? Math.random,
      fetch: options.fetch ?? fetch,
      materialize: options.materializeRequest ?? defaultMaterializeRequest,
      policy: options.pollPolicy ?? adaptivePollPolicy,
      fileOps: options.fileOps ?? nodeFileOps,
      hub: this.hub,
      limits: {
        leaseMs,
        downloadConcurrency: options.downloadConcurrency ?? 2,
        pollConcurrency: options.pollConcurrency ?? 4,
        maxConsecutiveFailures: options.maxConsecutiveFailures ?? 5,
        maxDownloadAttempts: options.maxDownloadAttempts ?? 8,
        downloadTimeoutMs: options.downloadTimeoutMs ?? 30 * 60_000,
        backstopMs: options.backstopMs ?? 30_000,
      },
      log,
      held: new Map(),
      closeSignal: this.closeController.signal,
      wakeSignal: () => this.wakeController.signal,
      credentials: () => this.credentials,
      client: () => this.client,
    };
    this.core = new Coordinator(this.ctx);
    if (options.adoptBatches ?? true) this.core.adopt();
    this.every(Math.max(1, leaseMs / 3), 'lease renewal', () => {
      this.core.leases.renewAll();
      if (this.options.adoptBatches ?? true) this.core.adopt();
    });
    this.every(Math.max(1, this.ctx.limits.backstopMs), 'backstop pump', () => this.core.pumpAll());
  }

  // ==== commands ===========================================================================

  createBatch(settings: BatchSettings, items: PlannedItem[], name?: string): number {
    const batchName =
      name?.trim() ||
      `${items[0]?.rootPath.split(/[\\/]/).filter(Boolean).pop() ?? 'Batch'} (${items.length} images)`;
    return this.store.createBatch(settings, items, batchName, this.clock.now(), this.credentials.simulated);
  }

  startBatch(batchId: number): void {
    const batch = this.requireBatch(batchId);
    if (batch.state === 'cancelled')
      throw new StateError(
        `Batch ${batchId} ('${batch.name}') was cancelled; retry single items to run them again.`,
        { kind: 'batch_cancelled', batchId, batchName: batch.name },
      );
    this.core.leases.take(batchId);
    if (batch.state !== 'running') this.core.batches.set(batchId, 'running', null, 'started');
    this.core.recover(batchId);
    this.core.pump(batchId);
  }

  pauseBatch(batchId: number): void {
    const batch = this.requireBatch(batchId);
    if (batch.state !== 'running') return;
    this.core.batches.set(
      batchId,
      'paused',
      { reason: 'user', message: text.pausedByUser },
      'paused by user',
    );
  }

  resumeBatch(batchId: number): void {
    const batch = this.requireBatch(batchId);
    if (batch.state !== 'paused' && batch.state !== 'draft') return;
    const runtime = this.core.leases.take(batchId);
    this.core.batches.set(
      batchId,
      'running',
      null,
      batch.pauseReason ? `resumed after ${batch.pauseReason}` : 'resumed',
    );
    runtime.consecutiveFailures = 0;
    runtime.submitBackoffUntil = 0;
    this.core.recover(batchId);
    this.core.pump(batchId);
  }

  async cancelBatch(batchId: number): Promise<CancelBatchResult> {
    const batch = this.requireBatch(batchId);
    if (batch.state !== 'cancelled' && batch.state !== 'finished')
      this.core.batches.set(batchId, 'cancelled', null, 'cancelled by user');
    const result: CancelBatchResult = { cancelledLocally: 0, cancelRequested: 0, running: 0 };
    // Queued items in one transaction: 10,000 of them is one commit, not 10,000 fsyncs.
    const cancelled = this.store.cancelQueued(batchId, 'cancelled by user (whole batch)', this.clock.now());
    result.cancelledLocally = cancelled.length;
    for (const id of cancelled) this.hub.item(batchId, id, 'cancelled');
    for (const item of this.store.itemsInStates(batchId, IN_FLIGHT)) {
      switch (item.state) {
        case 'submitting':
          this.store.update(item.id, { cancelRequested: true });
          result.cancelRequested++;
          break;
        case 'in_queue': {
          const outcome = await this.core.cancelRemote(item);
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
    this.core.reconsider(batchId);
    return result;
  }

  async cancelItem(itemId: number): Promise<CancelItemOutcome> {
    const item = this.requireItem(itemId);
    switch (item.state) {
      case 'queued': {
        const moved = this.core.settle({
          item,
          move: { from: 'queued', to: 'cancelled', patch: {}, reason: 'cancelled by user' },
        });
        return moved ? 'cancelled' : this.cancelItem(itemId);
      }
      case 'submitting':
        this.store.update(itemId, { cancelRequested: true });
        return 'cancel_requested';
      case 'in_queue':
        return this.core.cancelRemote(item);
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
      throw new StateError(
        `Item ${itemId} (${item.relativePath}) is '${item.state}'; only failed, expired or cancelled items can be retried.`,
        {
          kind: 'item_not_actionable',
          itemId,
          fileName: item.relativePath,
          state: item.state,
          action: 'retry',
        },
      );
    // A generation that succeeded but whose download failed: fetch the same video again, unpaid.
    if (item.state === 'failed' && item.errorCode === 'download_failed' && item.resultUrl) {
      this.reopenBatch(item.batchId);
      this.core.settle({
        item,
        move: {
          from: 'failed',
          to: 'downloading',
          patch: { errorCode: null, errorMessage: null },
          reason: 'download retried by user',
        },
      });
      return;
    }
    this.requeue(item, item.state, 'retried by user (a new paid attempt)');
  }

  resubmitItem(itemId: number): void {
    const item = this.requireItem(itemId);
    if (item.state !== 'unknown_submit')
      throw new StateError(
        `Item ${itemId} (${item.relativePath}) is '${item.state}'; only items whose submit answer was lost can be resubmitted.`,
        {
          kind: 'item_not_actionable',
          itemId,
          fileName: item.relativePath,
          state: item.state,
          action: 'resubmit',
        },
      );
    this.requeue(item, 'unknown_submit', 'resubmitted by user (accepting it may be paid twice)');
  }

  setBudget(batchId: number, budgetUsd: number | null): void {
    const batch = this.requireBatch(batchId);
    if (budgetUsd !== null && !(budgetUsd >= 0))
      throw new InvalidValueError(
        `A budget must be a number of dollars of 0 or more (or none), got ${budgetUsd}.`,
        {
          kind: 'invalid_value',
          field: 'budgetUsd',
          value: String(budgetUsd),
          expected: 'a number of dollars of 0 or more, or none',
        },
      );
    this.store.updateBatchSettings(batchId, { ...batch.settings, budgetUsd });
  }

  wake(): void {
    const now = this.clock.now();
    // After a sleep the leases may have lapsed while nobody else took them: renew first.
    this.core.leases.renewAll();
    for (const batchId of this.ctx.held.keys())
      for (const item of this.store.itemsInStates(batchId, ['in_queue', 'in_progress']))
        this.store.note(item.id, { nextPollAt: now });
    const previous = this.wakeController;
    this.wakeController = new AbortController();
    setMaxListeners(0, this.wakeController.signal);
    previous.abort();
    this.core.pumpAll();
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
    for (const batchId of [...this.ctx.held.keys()]) {
      const batch = this.store.getBatch(batchId);
      if (batch?.state === 'paused' && batch.pauseReason === 'bad_key') this.resumeBatch(batchId);
    }
    this.wake();
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      this.closeController.abort();
      this.wakeController.abort();
      // Submits finish (their answer must be stored); polls and downloads stop at a resumable point.
      await this.core.drain();
      this.core.leases.releaseAll();
      this.hub.flush();
      if (this.ownsDb) closeDatabase(this.db);
    })();
    return this.closed;
  }

  // ==== queries ============================================================================

  getBatch(batchId: number): BatchView | null {
    const batch = this.store.getBatch(batchId);
    return batch ? this.view(batch) : null;
  }

  hasBatch(batchId: number): boolean {
    return this.store.getBatch(batchId) !== null;
  }

  listBatches(): BatchView[] {
    return this.store.listBatches().map((batch) => this.view(batch));
  }

  getItem(itemId: number): ItemView | null {
    const item = this.store.getItem(itemId);
    return item ? toItemView(item) : null;
  }

  pageItems(query: ItemPageQuery): ItemPage {
    return this.store.pageItems(query);
  }

  reportCsv(batchId: number): string {
    return reportCsv(this.store, batchId);
  }

  findDone(imageHash: string, requestFingerprint: string): { itemId: number; outputPath: string } | null {
    return this.store.findDone(imageHash, requestFingerprint);
  }

  on(listener: (event: EngineEvent) => void): () => void {
    return this.hub.on(listener);
  }

  hasPendingWork(): boolean {
    for (const batchId of this.ctx.held.keys()) {
      const batch = this.store.getBatch(batchId);
      if (!batch) continue;
      if (this.store.countInStates(batchId, batch.state === 'running' ? UNFINISHED : IN_FLIGHT) > 0)
        return true;
    }
    return false;
  }

  leaseHolder(batchId: number): LeaseInfo | null {
    return this.core.leases.holder(batchId);
  }

  itemEvents(itemId: number): ItemEventRow[] {
    return this.store.itemEvents(itemId);
  }

  requestCounts(): Record<Endpoint, number> {
    return { ...this.requests };
  }

  assertNoIdleBatchWithWork(): void {
    this.core.assertNoIdleBatchWithWork();
  }

  waitForItemState(
    itemId: number,
    states: ItemState | readonly ItemState[],
    timeoutMs = 30_000,
  ): Promise<ItemView> {
    const wanted: readonly ItemState[] = typeof states === 'string' ? [states] : states;
    const listeners = this.core.transitionListeners;
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
        listeners.delete(listener);
      };
      listeners.add(listener);
      check(this.store.getItem(itemId));
    });
  }

  async idle(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    // Idle must hold for two checks in a row: a finishing task may schedule the next one.
    let quietChecks = 0;
    while (quietChecks < 2) {
      quietChecks = this.core.busy() ? 0 : quietChecks + 1;
      if (Date.now() > deadline) throw new Error(`The engine was still busy after ${timeoutMs} ms.`);
      await realDelay(5);
    }
    this.hub.flush();
  }

  // ==== helpers ============================================================================

  private view(batch: BatchRecord): BatchView {
    return toBatchView(this.store, batch, (modelId, duration) =>
      this.core.runTimes.estimate(modelId, duration),
    );
  }

  private requireBatch(batchId: number): BatchRecord {
    const batch = this.store.getBatch(batchId);
    if (!batch)
      throw new NotFoundError(
        `Batch ${batchId} does not exist; list the batches to see which ids there are.`,
        {
          kind: 'batch_not_found',
          batchId,
        },
      );
    return batch;
  }

  private requireItem(itemId: number): ItemRecord {
    const item = this.store.getItem(itemId);
    if (!item)
      throw new NotFoundError(`Item ${itemId} does not exist; it may belong to a deleted batch.`, {
        kind: 'item_not_found',
        itemId,
      });
    return item;
  }

  /** A finished or cancelled batch that gets an item back (retry) runs again. */
  private reopenBatch(batchId: number): void {
    const batch = this.requireBatch(batchId);
    this.core.leases.take(batchId);
    if (batch.state === 'finished' || batch.state === 'cancelled')
      this.core.batches.set(batchId, 'running', null, 'reopened for a retried item');
  }

  private requeue(item: ItemRecord, from: ItemState, reason: string): void {
    this.reopenBatch(item.batchId);
    this.core.settle({
      item,
      move: {
        from,
        to: 'queued',
        patch: (current) => ({
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
      },
    });
  }

  /** Runs `tick` every `intervalMs` of clock time until the engine closes. */
  private every(intervalMs: number, what: string, tick: () => void): void {
    const loop = async () => {
      while (!this.closeController.signal.aborted) {
        try {
          await this.clock.sleep(intervalMs, this.closeController.signal);
        } catch {
          return;
        }
        try {
          tick();
        } catch (error) {
          this.ctx.log('error', `${what} failed: ${(error as Error).message}`);
        }
      }
    };
    void loop();
  }

  private makeClient(): RunComfyClient {
    return new RunComfyClient({
      baseUrl: this.credentials.apiBaseUrl,
      apiKey: this.credentials.apiKey,
      fetch: this.options.fetch ?? fetch,
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
