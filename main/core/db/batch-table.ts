// The batches table's queries (a batch created with its planned items, its state, pause and
// condition, its settings), and the cache of batch rows as last read.
import {
  type BatchCondition,
  type BatchSchedule,
  type BatchSettings,
  type BatchWatch,
  type QueueMove,
  type BatchState,
  type ItemState,
  type PauseReason,
  type PlannedItem,
} from '../domain';
import { formatReason, type Reason } from '@common/reasons';
import { pauseReasonColumn, toBatchRecord, type BatchRecord, type BatchRow } from './rows';
import type { Sql } from './sql';

/** What a batch keeps from its creation on: only its budget can change (updateBatchSettings). */
export interface BatchFixed {
  modelId: string;
  duration: number;
  simulated: boolean;
}

/** A record shared by every reader of the cache: frozen, so no reader can change another's. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

export class BatchTable {
  /** Read once per process: batches are never deleted, so an id always means the same batch. */
  private readonly fixed = new Map<number, BatchFixed>();
  /**
   * Batch rows as last read, while nothing has written the batches since: the engine asks for a
   * batch's row at every step of every item (its state, settings and lease), and parsing its
   * settings each time was most of that. Another connection's commit (the app beside the CLI,
   * a test) changes SQLite's data_version, which drops them all; this connection's own writes
   * drop the batch they touch (batchWritten) before they run.
   */
  private readonly records = new Map<number, BatchRecord>();
  private recordsVersion: unknown = null;

  constructor(private readonly sql: Sql) {}

  createBatch(
    settings: BatchSettings,
    items: PlannedItem[],
    name: string,
    now: number,
    simulated = false,
    queue: { schedule?: BatchSchedule | null; watch?: BatchWatch | null } = {},
  ): number {
    return this.sql.db
      .transaction(() => {
        // A new batch joins the end of the account's queue.
        const { lastInsertRowid } = this.sql
          .stmt(
            `INSERT INTO batches (name, state, settings_json, model_id, prompt_template, output_dir, budget_usd, created_at,
             simulated, queue_order, schedule_json, watch_json)
           VALUES (:name, 'draft', :settings, :modelId, :promptTemplate, :outputDir, :budget, :now, :simulated,
             (SELECT COALESCE(MAX(queue_order), 0) + 1 FROM batches), :schedule, :watch)`,
          )
          .run({
            name,
            settings: JSON.stringify(settings),
            modelId: settings.modelId,
            promptTemplate: settings.promptTemplate,
            outputDir: settings.outputDir,
            budget: settings.budgetUsd,
            now,
            simulated: simulated ? 1 : 0,
            schedule: queue.schedule ? JSON.stringify(queue.schedule) : null,
            watch: queue.watch ? JSON.stringify(queue.watch) : null,
          });
        const batchId = Number(lastInsertRowid);
        this.sql.insertBatchEvent(batchId, 'draft', null, 'created', now);
        this.insertItems(batchId, items, 0, now);
        return batchId;
      })
      .immediate();
  }

  /**
   * Adds planned items at the end of a batch (a watching batch's new images), in one
   * transaction; returns their ids.
   */
  appendItems(batchId: number, items: PlannedItem[], now: number): number[] {
    return this.sql.db
      .transaction(() => {
        const { next } = this.sql
          .stmt(`SELECT COALESCE(MAX(position), -1) + 1 AS next FROM items WHERE batch_id = :batchId`)
          .get({ batchId }) as { next: number };
        return this.insertItems(batchId, items, next, now);
      })
      .immediate();
  }

  private insertItems(batchId: number, items: PlannedItem[], firstPosition: number, now: number): number[] {
    const ids: number[] = [];
    const insertItem = this.sql.stmt(
      `INSERT INTO items (batch_id, position, state, source_path, root_path, relative_path, image_hash,
             request_fingerprint, rendered_prompt, request_json, output_relative_path, created_at,
             state_changed_at, estimated_cost_usd, error_code, error_message, reason_json, notes_json)
           VALUES (:batchId, :position, :state, :sourcePath, :rootPath, :relativePath, :imageHash,
             :fingerprint, :prompt, :request, :outputRelativePath, :now, :now, :estimate, :errorCode,
             :errorMessage, :reason, :notes)`,
    );
    items.forEach((item, index) => {
      const state: ItemState = item.verdict?.state ?? 'queued';
      const { lastInsertRowid: itemId } = insertItem.run({
        batchId,
        position: firstPosition + index,
        state,
        sourcePath: item.sourcePath,
        rootPath: item.rootPath,
        relativePath: item.relativePath,
        imageHash: item.imageHash,
        fingerprint: item.requestFingerprint,
        prompt: item.renderedPrompt,
        request: JSON.stringify(item.request),
        outputRelativePath: item.outputRelativePath,
        now,
        estimate: item.estimatedCostUsd,
        errorCode: item.verdict?.code ?? null,
        errorMessage: item.verdict?.message ?? null,
        // As codes, so the window says a refusal, a skip and a note in the reader's language.
        reason: item.verdict?.reason ? JSON.stringify(item.verdict.reason) : null,
        notes: JSON.stringify(item.notes),
      });
      this.sql.insertItemEvent(Number(itemId), null, state, item.verdict?.message ?? 'planned', now);
      ids.push(Number(itemId));
    });
    return ids;
  }

  /** The batch as stored now (frozen: the same record may be handed to every caller). */
  getBatch(batchId: number): BatchRecord | null {
    // Inside a transaction, what it wrote may still be rolled back: read, never remember.
    if (this.sql.db.inTransaction) return this.readBatch(batchId);
    const version = this.sql.stmt(`PRAGMA data_version`).pluck().get({});
    if (version !== this.recordsVersion) {
      this.records.clear();
      this.recordsVersion = version;
    }
    let batch = this.records.get(batchId);
    if (!batch) {
      const read = this.readBatch(batchId);
      if (!read) return null;
      batch = deepFreeze(read);
      this.records.set(batchId, batch);
    }
    return batch;
  }

  private readBatch(batchId: number): BatchRecord | null {
    const row = this.sql.stmt(`SELECT * FROM batches WHERE id = :batchId`).get({ batchId }) as
      BatchRow | undefined;
    return row ? toBatchRecord(row) : null;
  }

  /**
   * Called by every write to a batch's row, before it runs (here and in lease-table.ts): its
   * remembered record is stale.
   */
  batchWritten(batchId: number): void {
    this.records.delete(batchId);
  }

  /**
   * The batch's model, duration and mode, which never change once it exists: asked for every
   * request and poll, so read from the row once, not parsed again each time.
   */
  batchFixed(batchId: number): BatchFixed | null {
    let fixed = this.fixed.get(batchId);
    if (!fixed) {
      const batch = this.getBatch(batchId);
      if (!batch) return null;
      const { modelId, duration } = batch.settings;
      fixed = { modelId, duration, simulated: batch.simulated };
      this.fixed.set(batchId, fixed);
    }
    return fixed;
  }

  /** The batches that have not ended (draft, running, paused), in the account's queue order. */
  queuedBatches(): BatchRecord[] {
    return (
      this.sql
        .stmt(`SELECT * FROM batches WHERE state IN ('draft', 'running', 'paused') ORDER BY queue_order, id`)
        .all({}) as BatchRow[]
    ).map(toBatchRecord);
  }

  /**
   * Moves a batch in the queue among the batches that have not ended (finished ones keep their
   * number and are passed over). One transaction: two processes moving at once stay in order.
   * Returns false when the batch is not in the queue (it ended) or cannot go further that way.
   */
  moveInQueue(batchId: number, move: QueueMove): boolean {
    return this.sql.db
      .transaction(() => {
        const order = this.queuedBatches().map((batch) => batch.id);
        const from = order.indexOf(batchId);
        if (from < 0) return false;
        const to =
          move === 'top' ? 0 : move === 'bottom' ? order.length - 1 : move === 'up' ? from - 1 : from + 1;
        if (to < 0 || to >= order.length || to === from) return false;
        order.splice(from, 1);
        order.splice(to, 0, batchId);
        // Renumbered after every batch that ended, so the queue's batches stay behind none of them.
        const { top } = this.sql.stmt(`SELECT COALESCE(MAX(queue_order), 0) AS top FROM batches`).get({}) as {
          top: number;
        };
        const set = this.sql.stmt(`UPDATE batches SET queue_order = :order WHERE id = :id`);
        order.forEach((id, index) => {
          this.batchWritten(id);
          set.run({ id, order: top + 1 + index });
        });
        return true;
      })
      .immediate();
  }

  setBatchSchedule(batchId: number, schedule: BatchSchedule | null): void {
    this.batchWritten(batchId);
    this.sql.stmt(`UPDATE batches SET schedule_json = :json WHERE id = :batchId`).run({
      batchId,
      json: schedule ? JSON.stringify(schedule) : null,
    });
  }

  setBatchWatch(batchId: number, watch: BatchWatch | null): void {
    this.batchWritten(batchId);
    this.sql.stmt(`UPDATE batches SET watch_json = :json WHERE id = :batchId`).run({
      batchId,
      json: watch ? JSON.stringify(watch) : null,
    });
  }

  listBatches(): BatchRecord[] {
    return (this.sql.stmt(`SELECT * FROM batches ORDER BY id DESC`).all({}) as BatchRow[]).map(toBatchRecord);
  }

  setBatchState(
    batchId: number,
    state: BatchState,
    pause: { reason: PauseReason; detail: Reason } | null,
    why: string,
    now: number,
  ): BatchRecord {
    this.batchWritten(batchId);
    return this.sql.db
      .transaction(() => {
        this.sql
          .stmt(
            `UPDATE batches SET state = :state, pause_reason = :reason, pause_message = :message,
             pause_detail_json = :detail,
             started_at = CASE WHEN :state = 'running' AND started_at IS NULL THEN :now ELSE started_at END,
             finished_at = CASE WHEN :state IN ('finished', 'cancelled') THEN :now ELSE NULL END
           WHERE id = :batchId`,
          )
          .run({
            batchId,
            state,
            reason: pause ? pauseReasonColumn(pause.reason) : null,
            message: pause ? formatReason(pause.detail, 'en') : null,
            detail: pause ? JSON.stringify(pause.detail) : null,
            now,
          });
        this.sql.insertBatchEvent(batchId, state, pause?.reason ?? null, why, now);
        return this.getBatch(batchId)!;
      })
      .immediate();
  }

  /** Sets (or clears, with null) what holds the batch's downloads back; true when it changed. */
  setBatchCondition(batchId: number, condition: BatchCondition | null): boolean {
    const json = condition === null ? null : JSON.stringify(condition);
    this.batchWritten(batchId);
    const changed = this.sql
      .stmt(`UPDATE batches SET condition_json = :json WHERE id = :batchId AND condition_json IS NOT :json`)
      .run({ batchId, json });
    return changed.changes > 0;
  }

  /** Records the first time the output folder was found in place (see migration 009). */
  markOutputDirSeen(batchId: number, at: number): void {
    this.batchWritten(batchId);
    this.sql
      .stmt(`UPDATE batches SET output_dir_seen_at = :at WHERE id = :batchId AND output_dir_seen_at IS NULL`)
      .run({ batchId, at });
  }

  updateBatchSettings(batchId: number, settings: BatchSettings): void {
    this.batchWritten(batchId);
    // Another output folder has not been seen yet (migration 009): forget the old one's mark.
    this.sql
      .stmt(
        `UPDATE batches SET settings_json = :settings, budget_usd = :budget,
         output_dir_seen_at = CASE WHEN json_extract(settings_json, '$.outputDir') IS :outputDir
                                   THEN output_dir_seen_at END
       WHERE id = :batchId`,
      )
      .run({
        batchId,
        settings: JSON.stringify(settings),
        budget: settings.budgetUsd,
        outputDir: settings.outputDir,
      });
  }
}
