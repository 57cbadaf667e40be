// The account's queue as the engine offers it (engine.queue): the order of batches, the limit on
// generations in flight they share, their hours, and watching batches' new images. Each command
// writes through the store and then lets the coordinator pump, so a batch moved to the top or a
// limit raised takes its slots at once.
import type { BatchRecord } from '../db/rows';
import type { BatchQueueOptions, QueueApi, QueueEntry } from '../core-api';
import type { ActivitySummary, BatchSettings, PlannedItem } from '../domain';
import {
  InvalidValueError,
  QUEUE_MOVES,
  StateError,
  nextLocalTime,
  scheduleGate,
  scheduleOpen,
  type AccountLimit,
  type BatchSchedule,
  type DefaultSchedule,
  type QueueMove,
} from '../domain';
import type { EngineContext } from './context';
import type { Coordinator } from './coordinator';
import type { Commands } from './commands';
import { GENERATING_STATES } from '@common/item-actions';

export class QueueCommands implements QueueApi {
  constructor(
    private readonly ctx: EngineContext,
    private readonly core: Coordinator,
    private readonly commands: Commands,
  ) {}

  list(): QueueEntry[] {
    const now = this.ctx.clock.now();
    const limit = this.ctx.queue.effectiveLimit(now);
    let taken = { real: this.ctx.queue.inFlight(false), simulated: this.ctx.queue.inFlight(true) };
    return this.ctx.store.batches.queuedBatches().map((batch, index) => {
      const queued = this.ctx.store.itemQueries.countInStates(batch.id, ['queued']);
      const inFlight = this.ctx.store.itemQueries.countInStates(batch.id, GENERATING_STATES);
      const entry: QueueEntry = {
        batchId: batch.id,
        name: batch.name,
        state: batch.state,
        position: index + 1,
        queued,
        inFlight,
        waitingFor: 'nothing',
        opensAt: null,
        watching: batch.watch?.active ?? false,
        schedule: batch.schedule,
        simulated: batch.simulated,
      };
      if (batch.state === 'paused' || batch.state === 'draft') entry.waitingFor = batch.state;
      else if (queued > 0 && !scheduleOpen(batch.schedule, now, this.ctx.timeZone)) {
        entry.waitingFor = 'hours';
        const gate = scheduleGate(batch.schedule, now, this.ctx.timeZone);
        entry.opensAt = gate.open ? null : gate.opensAt;
      } else if (queued > 0 && limit !== null) {
        // The slots go in queue order: a batch waits when those before it took them all.
        const kind = batch.simulated ? 'simulated' : 'real';
        const own = Math.max(0, batch.settings.concurrency - inFlight);
        if (taken[kind] >= limit && own > 0) entry.waitingFor = 'slot';
        taken = { ...taken, [kind]: taken[kind] + Math.min(queued, own) };
      }
      return entry;
    });
  }

  move(batchId: number, move: QueueMove): void {
    const batch = this.commands.requireBatch(batchId);
    if (!QUEUE_MOVES.includes(move))
      throw new InvalidValueError(`A move in the queue is one of ${QUEUE_MOVES.join(', ')}; got "${move}".`, {
        kind: 'invalid_value',
        field: 'move',
        value: String(move),
        expected: QUEUE_MOVES.join(', '),
      });
    if (!isInQueue(batch))
      throw new StateError(
        `Batch ${batchId} ('${batch.name}') has ${batch.state === 'cancelled' ? 'been cancelled' : 'finished'}, so it has no place in the queue.`,
        notInQueue(batchId),
      );
    this.ctx.store.batches.moveInQueue(batchId, move);
    this.core.pumpInQueueOrder();
  }

  moveItemToFront(itemId: number): void {
    const item = this.commands.requireItem(itemId);
    if (!this.ctx.store.items.moveItemToFront(itemId))
      throw new StateError(
        `Item ${itemId} (${item.relativePath}) is '${item.state}'; only an item still waiting to be sent (queued) can be moved to the front.`,
        {
          kind: 'invalid_value',
          field: 'itemId',
          value: String(itemId),
          expected: 'an item still waiting to be sent (queued)',
        },
      );
  }

  limit(): AccountLimit {
    const now = this.ctx.clock.now();
    return {
      configured: this.ctx.queue.concurrency(),
      lowered: this.ctx.queue.lowered(now),
      effective: this.ctx.queue.effectiveLimit(now),
      inFlight: this.ctx.queue.inFlight(false),
    };
  }

  setLimit(limit: number | null): void {
    if (limit !== null && !(Number.isInteger(limit) && limit >= 1 && limit <= 100))
      throw new InvalidValueError(
        `The account's limit is a whole number of generations at once, 1 to 100 (got ${String(limit)}); leave it empty for none.`,
        {
          kind: 'invalid_value',
          field: 'accountConcurrency',
          value: String(limit),
          expected: 'a whole number from 1 to 100, or none',
        },
      );
    this.ctx.queue.setConcurrency(limit);
    this.core.pumpInQueueOrder();
  }

  defaultSchedule(): DefaultSchedule | null {
    return this.ctx.queue.defaultSchedule();
  }

  setDefaultSchedule(schedule: DefaultSchedule | null): void {
    this.ctx.queue.setDefaultSchedule(schedule);
  }

  /** Stores a new batch at the end of the queue, with its hours and the folders it watches. */
  create(
    settings: BatchSettings,
    items: PlannedItem[],
    name: string,
    simulated: boolean,
    queue: BatchQueueOptions = {},
  ): number {
    const folders = queue.watchFolders ?? [];
    return this.ctx.store.batches.createBatch(settings, items, name, this.ctx.clock.now(), simulated, {
      schedule: this.scheduleFor(queue.schedule, queue.hours),
      watch: folders.length ? { folders, active: true, lastTaken: null } : null,
    });
  }

  /**
   * The schedule a new batch takes: its own, else its hours of day (or the default's) with the
   * start time resolved now, to the next such local time.
   */
  private scheduleFor(
    given: BatchSchedule | null | undefined,
    hours: DefaultSchedule | null | undefined,
  ): BatchSchedule | null {
    if (given !== undefined) return given;
    const fallback = hours === undefined ? this.ctx.queue.defaultSchedule() : hours;
    if (!fallback || (fallback.startAt === null && fallback.window === null)) return null;
    const startAt =
      fallback.startAt === null
        ? null
        : nextLocalTime(this.ctx.clock.now(), fallback.startAt, this.ctx.timeZone);
    return { startAt, window: fallback.window };
  }

  setSchedule(batchId: number, schedule: BatchSchedule | null): void {
    this.commands.requireBatch(batchId);
    this.ctx.store.batches.setBatchSchedule(batchId, schedule);
    this.core.pump(batchId);
  }

  addItems(batchId: number, items: PlannedItem[]): number[] {
    const batch = this.commands.requireBatch(batchId);
    if (!isInQueue(batch))
      throw new StateError(
        `Batch ${batchId} ('${batch.name}') has ended; new images go to a new batch.`,
        notInQueue(batchId),
      );
    const ids = this.ctx.store.batches.appendItems(batchId, items, this.ctx.clock.now());
    const last = items.at(-1);
    if (batch.watch && last)
      this.ctx.store.batches.setBatchWatch(batchId, {
        ...batch.watch,
        lastTaken: { path: last.sourcePath, at: this.ctx.clock.now() },
      });
    for (const id of ids) this.ctx.hub.item(batchId, id, this.ctx.store.items.getItem(id)!.state);
    this.core.reconsider(batchId);
    return ids;
  }

  summarySince(since: number, batchId?: number): ActivitySummary {
    const summary: ActivitySummary = {
      since,
      done: 0,
      failed: [],
      unknown: 0,
      spentUsd: round(this.ctx.account.committedSince(since)),
      simulatedUsd: round(this.ctx.account.committedSince(since, true)),
      waiting: [],
      batches: [],
    };
    const batches = new Map<number, ActivitySummary['batches'][number]>();
    const failed = new Map<string, ActivitySummary['failed'][number]>();
    for (const row of this.ctx.store.itemQueries.endedSince(since, batchId ?? null)) {
      let entry = batches.get(row.batchId);
      if (!entry) {
        entry = {
          batchId: row.batchId,
          name: this.ctx.store.batches.getBatch(row.batchId)?.name ?? '',
          done: 0,
          failed: 0,
        };
        batches.set(row.batchId, entry);
      }
      if (row.state === 'done') {
        summary.done += row.count;
        entry.done += row.count;
      } else if (row.state === 'unknown_submit') summary.unknown += row.count;
      else {
        entry.failed += row.count;
        const key = row.code ?? row.message ?? 'unknown';
        const group = failed.get(key) ?? {
          code: row.code,
          count: 0,
          reason: row.reasonJson
            ? (JSON.parse(row.reasonJson) as ActivitySummary['failed'][number]['reason'])
            : null,
          message: row.message,
        };
        group.count += row.count;
        failed.set(key, group);
      }
    }
    summary.failed = [...failed.values()].sort((a, b) => b.count - a.count);
    summary.batches = [...batches.values()];
    for (const batch of this.ctx.store.batches.queuedBatches())
      if (
        (batchId === undefined || batch.id === batchId) &&
        batch.state === 'paused' &&
        batch.pauseReason !== 'user'
      )
        summary.waiting.push({
          batchId: batch.id,
          name: batch.name,
          pauseReason: batch.pauseReason ?? 'user',
          pauseDetail: batch.pauseDetail,
        });
    return summary;
  }

  lastLooked(): number | null {
    return this.ctx.queue.lastLooked();
  }

  markLooked(at: number): void {
    this.ctx.queue.markLooked(at);
  }

  watchedFile(batchId: number, path: string): { size: number; mtimeMs: number } | null {
    return this.ctx.queue.watchedFile(batchId, path);
  }

  itemWithImage(batchId: number, imageHash: string): { id: number; relativePath: string } | null {
    return this.ctx.store.itemQueries.itemWithImage(batchId, imageHash);
  }

  recordWatchedFile(batchId: number, path: string, file: { size: number; mtimeMs: number }): void {
    this.ctx.queue.recordWatchedFile(batchId, path, file, this.ctx.clock.now());
  }

  stopWatching(batchId: number): void {
    const batch = this.commands.requireBatch(batchId);
    if (!batch.watch?.active) return;
    this.ctx.store.batches.setBatchWatch(batchId, { ...batch.watch, active: false });
    this.ctx.hub.emit({ type: 'batch', batchId, state: batch.state, pauseReason: batch.pauseReason });
    this.core.reconsider(batchId);
  }
}

const notInQueue = (batchId: number) =>
  ({
    kind: 'invalid_value',
    field: 'batchId',
    value: String(batchId),
    expected: 'a batch that has not ended (draft, running or paused)',
  }) as const;

const round = (usd: number) => Math.round(usd * 1e6) / 1e6;

function isInQueue(batch: BatchRecord): boolean {
  return batch.state === 'draft' || batch.state === 'running' || batch.state === 'paused';
}
