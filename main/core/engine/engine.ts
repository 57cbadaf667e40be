// The job engine: drives batches from `queued` to a state a person can act on, through the
// RunComfy API, with every step recorded in SQLite before (or as) it happens, so a crash at any
// point is recovered without paying twice or losing a paid video.
//
// Shape (a star around coordinator.ts): this file is the public face (commands and queries);
// the phases decide (admission.ts, submit.ts, track.ts, download.ts, recovery.ts) and return
// outcomes; the coordinator's settle path applies every outcome and schedules the next work;
// leases.ts, batch-state.ts, run-times.ts and views.ts keep their one concern each. All timing
// goes through the injected clock and random source; all HTTP through the injected fetch or network.
import { downloadGetOf } from '../util/network';
import { hostname } from 'node:os';
import { setMaxListeners } from 'node:events';
import type { Endpoint } from '../api/client';
import { apiClient } from './api-client';
// The API the engine implements (core-api's EngineApi, through ./options' Engine), and its words.
import type { BatchQueueOptions } from '../core-api';
import type {
  BatchSettings,
  BatchView,
  DailySpend,
  EngineEvent,
  ExistingItem,
  ItemPage,
  ItemPageQuery,
  ItemState,
  ItemView,
  PlannedItem,
} from '../domain';
import { closeDatabase, openDatabase, type Db } from '../db/connection';
import { toItemView, type BatchRecord, type ItemRecord } from '../db/rows';
import { JobStore, type ItemEventRow } from '../db/store';
import { AccountSpendStore, localDayStart } from '../db/account-spend';
import { AccountQueueStore } from '../db/account-queue';
import { systemTimeZone } from '../domain';
import { repeatEvery, systemClock, type Clock } from '../util/clock';
import type { EngineContext } from './context';
import { Commands } from './commands';
import { QueueCommands } from './queue-commands';
import { Coordinator } from './coordinator';
import { DEFAULT_API_BASE_URL, engineLimits, type Engine, type EngineOptions } from './options';
import { Endpoints, type EndpointRef } from './endpoints';
import { nodeFileOps } from './download-files';
import { withFileFaults } from './file-faults';
import { EventHub } from './events';
import { ownerIsGone, type LeaseInfo } from './leases';
import { journalDirFor, RequestJournal } from './request-journal';
import { defaultMaterializeRequest } from './materialize';
import { createCatalog } from '../catalog/catalog';
import { adaptivePollPolicy } from './poll-policy';
import { defaultBatchName, reportCsv, toBatchView } from './views';
import { waitForItemState, waitUntilIdle } from './waiting';
import type { ReasonLanguage } from '@common/reasons';
import { IN_FLIGHT_STATES, POLLED_STATES, UNFINISHED_STATES } from '@common/item-actions';

export { ownerIsGone } from './leases';

export { DEFAULT_API_BASE_URL, type Engine, type EngineOptions } from './options';

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
  readonly commands: Commands;
  readonly queue: QueueCommands;
  private readonly requests: Record<Endpoint, number> = {
    submit: 0,
    status: 0,
    result: 0,
    cancel: 0,
    model: 0,
  };
  private readonly endpoints: Endpoints;
  /** Whether this engine takes over batches with unfinished work (now, and on every lease tick). */
  private adopting: boolean;
  private wakeController = new AbortController();
  private readonly closeController = new AbortController();
  private closed: Promise<void> | null = null;

  constructor(private readonly options: EngineOptions) {
    if (!options.db && !options.dbPath) throw new Error('createEngine needs a dbPath (or an open db).');
    this.db = options.db ?? openDatabase(options.dbPath!, { busyTimeoutMs: options.busyTimeoutMs });
    this.ownsDb = !options.db;
    const log = options.log ?? (() => {});
    this.store = new JobStore(this.db, (message) => log('warn', message));
    this.owner = options.owner ?? `engine:${hostname()}:${process.pid}`;
    this.clock = options.clock ?? systemClock;
    this.hub = new EventHub(options.eventWindowMs ?? 50);
    const count = (endpoint: Endpoint) => this.requests[endpoint]++;
    this.endpoints = new Endpoints((url, key) => apiClient(options, this.clock, url, key, count), {
      apiBaseUrl: options.apiBaseUrl ?? DEFAULT_API_BASE_URL,
      apiKey: options.apiKey ?? null,
      simulated: options.simulated ?? false,
      timeScale: 1,
    });
    this.adopting = options.adoptBatches ?? true;
    setMaxListeners(0, this.wakeController.signal);
    setMaxListeners(0, this.closeController.signal);
    this.ctx = {
      owner: this.owner,
      store: this.store,
      account: new AccountSpendStore(this.db),
      dayStart: options.dayStart ?? localDayStart,
      queue: new AccountQueueStore(this.db),
      timeZone: options.timeZone ?? systemTimeZone(),
      clock: this.clock,
      random: options.random ?? Math.random,
      downloadGet: downloadGetOf(options),
      materialize: options.materializeRequest ?? defaultMaterializeRequest,
      catalog: options.catalog ?? createCatalog(),
      policy: options.pollPolicy ?? adaptivePollPolicy,
      fileOps: withFileFaults({ ...nodeFileOps, ...options.fileOps }),
      hub: this.hub,
      journal: new RequestJournal(journalDirFor(this.db.name), this.owner, log),
      limits: engineLimits(options),
      log,
      held: new Map(),
      closeSignal: this.closeController.signal,
      wakeSignal: () => this.wakeController.signal,
      credentials: () => this.endpoints.credentials(),
      client: () => this.endpoints.current(),
      clientFor: (item) => this.endpoints.forJob(this.endpointOf(item)),
      originFor: (item) => this.endpoints.originFor(this.endpointOf(item)),
      speaksForCurrentKey: (client) => this.endpoints.speaksForCurrentKey(client),
      keyFingerprintOf: (client) => this.endpoints.fingerprintOf(client),
      sendsItsKey: (client, item) => this.endpoints.sendsKey(client, item.keyFingerprint),
    };
    this.core = new Coordinator(this.ctx);
    this.commands = new Commands(this.ctx, this.core);
    this.queue = new QueueCommands(this.ctx, this.core, this.commands);
    // Accepted requests an earlier run journalled but could not store: stored before anything
    // is recovered (nothing billed is called unknown); files whose writers ended are removed.
    // A database another program holds now is no reason to refuse to start: the journal is
    // read again whenever a batch is recovered, and adoption is tried again on every lease tick.
    try {
      this.ctx.journal.replay(this.store, this.clock.now());
      this.ctx.journal.compact(this.store, ownerIsGone);
      if (this.adopting) this.core.adopt();
    } catch (error) {
      log('warn', `start-up work postponed to the next lease tick (${(error as Error).message})`);
    }
    this.every(this.ctx.limits.leaseMs / 3, 'lease renewal', () => {
      this.core.leases.renewAll();
      if (this.adopting) this.core.adopt();
    });
    this.every(this.ctx.limits.backstopMs, 'backstop pump', () => {
      // A new day (or a cap raised by another process) lets daily-capped batches continue.
      this.commands.resumeWithinDailyCap();
      this.core.pumpAll();
    });
  }

  // ==== commands ===========================================================================

  createBatch(
    settings: BatchSettings,
    items: PlannedItem[],
    name?: string,
    queue?: BatchQueueOptions,
  ): number {
    const batchName = name?.trim() || defaultBatchName(items, this.clock.now(), this.ctx.timeZone);
    return this.queue.create(settings, items, batchName, this.endpoints.credentials().simulated, queue);
  }

  dailySpend(): DailySpend {
    return this.ctx.account.today(this.ctx.dayStart(this.clock.now()));
  }

  keptItems(batchId: number): ItemView[] {
    this.commands.requireBatch(batchId);
    return this.store.items.keptItems(batchId).map(toItemView);
  }

  wake(): void {
    const now = this.clock.now();
    // After a sleep the leases may have lapsed while nobody else took them: renew first.
    this.core.leases.renewAll();
    for (const batchId of this.ctx.held.keys())
      for (const item of this.store.itemQueries.itemsInStates(batchId, POLLED_STATES))
        this.store.items.updateWithoutFsync(item.id, { nextPollAt: now });
    const previous = this.wakeController;
    this.wakeController = new AbortController();
    setMaxListeners(0, this.wakeController.signal);
    previous.abort();
    this.commands.resumeWithinDailyCap();
    this.core.pumpAll();
  }

  setCredentials(credentials: {
    apiBaseUrl: string;
    apiKey: string | null;
    simulated?: boolean;
    timeScale?: number;
  }): void {
    const simulated = credentials.simulated ?? false;
    this.endpoints.set({
      apiBaseUrl: credentials.apiBaseUrl,
      apiKey: credentials.apiKey,
      simulated,
      // Only a simulator runs at another speed than RunComfy.
      timeScale: simulated && credentials.timeScale && credentials.timeScale > 0 ? credentials.timeScale : 1,
    });
    // A new key is the answer to a 'bad_key' pause: carry on without another click. Only that
    // pause: a batch the user paused, or paused for its budget, stays paused.
    for (const batchId of [...this.ctx.held.keys()]) {
      const batch = this.store.batches.getBatch(batchId);
      if (batch?.state === 'paused' && batch.pauseReason === 'bad_key') this.commands.resumeBatch(batchId);
    }
    this.wake();
  }

  beginAdopting(): void {
    if (this.adopting || this.closeController.signal.aborted) return;
    this.adopting = true;
    this.core.adopt();
  }

  close(): Promise<void> {
    this.closed ??= (async () => {
      this.closeController.abort();
      this.wakeController.abort();
      // Submits finish (their answer must be stored); polls and downloads stop at a resumable point.
      await this.core.drain();
      try {
        this.core.leases.releaseAll();
      } catch (error) {
        // The database is locked or failing: the leases simply run out.
        this.ctx.log('warn', `leases not released at close (${(error as Error).message})`);
      }
      try {
        this.ctx.journal.compact(this.store, ownerIsGone, true);
      } catch (error) {
        this.ctx.log('warn', `the request journal was not tidied (${(error as Error).message})`);
      }
      this.hub.flush();
      if (this.ownsDb) closeDatabase(this.db);
    })();
    return this.closed;
  }

  // ==== queries ============================================================================

  getBatch(batchId: number): BatchView | null {
    const batch = this.store.batches.getBatch(batchId);
    return batch ? this.view(batch) : null;
  }

  hasBatch(batchId: number): boolean {
    return this.store.batches.getBatch(batchId) !== null;
  }

  listBatches(): BatchView[] {
    return this.store.batches.listBatches().map((batch) => this.view(batch));
  }

  getItem(itemId: number): ItemView | null {
    const item = this.store.items.getItem(itemId);
    return item ? toItemView(item) : null;
  }

  pageItems(query: ItemPageQuery): ItemPage {
    return this.store.itemQueries.pageItems(query);
  }

  reportCsv(batchId: number, language?: ReasonLanguage): string {
    return reportCsv(this.store, batchId, language);
  }

  findDone(imageHash: string, requestFingerprint: string): ExistingItem | null {
    // What a batch made now would be: real work is never stood for by a simulated video.
    return this.store.itemQueries.findDone(imageHash, requestFingerprint, {
      simulated: this.endpoints.credentials().simulated,
    });
  }

  on(listener: (event: EngineEvent) => void): () => void {
    return this.hub.on(listener);
  }

  hasPendingWork(): boolean {
    for (const batchId of this.ctx.held.keys()) {
      const batch = this.store.batches.getBatch(batchId);
      if (!batch) continue;
      const busy = batch.state === 'running' ? UNFINISHED_STATES : IN_FLIGHT_STATES;
      if (this.store.itemQueries.countInStates(batchId, busy) > 0) return true;
    }
    return false;
  }

  leaseHolder(batchId: number): LeaseInfo | null {
    return this.core.leases.holder(batchId);
  }

  itemEvents(itemId: number): ItemEventRow[] {
    return this.store.items.itemEvents(itemId);
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
    return waitForItemState(this.store, this.core.transitionListeners, itemId, states, timeoutMs);
  }

  async idle(timeoutMs = 60_000): Promise<void> {
    await waitUntilIdle(() => this.core.busy(), timeoutMs);
    this.hub.flush();
  }

  // ==== helpers ============================================================================

  private view(batch: BatchRecord): BatchView {
    return toBatchView(
      this.store,
      batch,
      (modelId, duration) => this.core.runTimes.estimate(modelId, duration),
      { now: this.clock.now(), timeZone: this.ctx.timeZone },
    );
  }

  /** Runs `tick` every `intervalMs` of clock time until the engine closes; a failure is logged. */
  private every(intervalMs: number, what: string, tick: () => void): void {
    repeatEvery(this.clock, Math.max(1, intervalMs), this.closeController.signal, tick, (error) =>
      this.ctx.log('error', `${what} failed: ${(error as Error).message}`),
    );
  }

  /** The endpoint an item's job was submitted to: its recorded base URL in its batch's mode. */
  private endpointOf(item: ItemRecord): EndpointRef {
    return {
      apiBaseUrl: item.apiBaseUrl,
      simulated: this.store.batches.batchFixed(item.batchId)?.simulated ?? false,
      keyFingerprint: item.keyFingerprint,
    };
  }
}
