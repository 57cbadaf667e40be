// The job database's only query layer: prepared statements with named parameters, writes in
// IMMEDIATE transactions, rows mapped through rows.ts. The engine never writes SQL itself.
import { join } from 'node:path';
import {
  ITEM_STATES,
  type BatchCondition,
  type BatchSettings,
  type BatchState,
  type ItemPage,
  type ItemPageQuery,
  type ItemReview,
  type ItemState,
  type PauseReason,
  type PlannedItem,
  type StateCounts,
  type ExistingItem,
} from '../domain';
import { IllegalTransitionError, canTransition } from '../domain/states';
import { formatReason, type Reason } from '../../../preload/reasons';
import type { Statement } from 'better-sqlite3';
import type { Db } from './connection';
import {
  ITEM_PATCH_COLUMNS,
  toBatchRecord,
  toItemRecord,
  toItemView,
  type BatchRecord,
  type BatchRow,
  type ItemPatch,
  type ItemRecord,
  type ItemRow,
} from './rows';

export class LeaseLostError extends Error {
  constructor(
    readonly batchId: number,
    readonly owner: string | null,
  ) {
    super(
      `Batch ${batchId} is now driven by ${owner ?? 'no process'}, not by this one, so this process ` +
        `stopped working on it. Close the other Stillmotion (app or CLI) to take it back.`,
    );
    this.name = 'LeaseLostError';
  }
}

export type LeaseResult = { ok: true } | { ok: false; owner: string; expiresAt: number };

export interface ItemEventRow {
  id: number;
  itemId: number;
  at: number;
  fromState: ItemState | null;
  toState: ItemState;
  reason: string;
}

export interface MoneySummary {
  /** Billed or possibly billed: used against the budget cap (never under-counts). */
  committedUsd: number;
  /** Actual cost where known, estimates for what the API is running or has run. */
  spentUsd: number;
  /** Estimates of items that will still be sent or are waiting at the API. */
  remainingEstimateUsd: number;
  /** Estimates of the items not sent yet. */
  queuedEstimateUsd: number;
}

/** Queries slower than this are reported to the logger: a sign an index is missing. */
const SLOW_QUERY_MS = 40;

function emptyCounts(): StateCounts {
  return Object.fromEntries(ITEM_STATES.map((state) => [state, 0])) as StateCounts;
}

/** Patch fields stored in INTEGER columns (times in ms, counters): STRICT refuses fractions. */
const INTEGER_FIELDS = new Set<string>([
  'queuePosition',
  'attempts',
  'submittedAt',
  'lastQueuedSeenAt',
  'runningSeenAt',
  'finishedAt',
  'nextPollAt',
  'outputBytes',
  'pollCount',
]);

function toSqlValue(key: string, value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (key === 'reason') return value === null ? null : JSON.stringify(value);
  // Injected clocks and poll policies may produce fractional milliseconds.
  if (typeof value === 'number' && INTEGER_FIELDS.has(key)) return Math.round(value);
  return value;
}

export class JobStore {
  private readonly statements = new Map<string, ReturnType<Db['prepare']>>();
  private readonly syncNormal: Statement<[]>;
  private readonly syncFull: Statement<[]>;

  constructor(
    readonly db: Db,
    private readonly log: (message: string) => void = () => {},
  ) {
    this.syncNormal = db.prepare<[]>('PRAGMA synchronous = NORMAL');
    this.syncFull = db.prepare<[]>('PRAGMA synchronous = FULL');
  }

  private stmt(sql: string) {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private timed<T>(name: string, run: () => T): T {
    const started = performance.now();
    const result = run();
    const ms = performance.now() - started;
    if (ms > SLOW_QUERY_MS) this.log(`slow query ${name}: ${ms.toFixed(1)} ms`);
    return result;
  }

  // ---- batches -------------------------------------------------------------------------

  createBatch(
    settings: BatchSettings,
    items: PlannedItem[],
    name: string,
    now: number,
    simulated = false,
  ): number {
    return this.db
      .transaction(() => {
        const { lastInsertRowid } = this.stmt(
          `INSERT INTO batches (name, state, settings_json, model_id, prompt_template, output_dir, budget_usd, created_at, simulated)
           VALUES (:name, 'draft', :settings, :modelId, :promptTemplate, :outputDir, :budget, :now, :simulated)`,
        ).run({
          name,
          settings: JSON.stringify(settings),
          modelId: settings.modelId,
          promptTemplate: settings.promptTemplate,
          outputDir: settings.outputDir,
          budget: settings.budgetUsd,
          now,
          simulated: simulated ? 1 : 0,
        });
        const batchId = Number(lastInsertRowid);
        this.insertBatchEvent(batchId, 'draft', null, 'created', now);
        const insertItem = this.stmt(
          `INSERT INTO items (batch_id, position, state, source_path, root_path, relative_path, image_hash,
             request_fingerprint, rendered_prompt, request_json, output_relative_path, created_at,
             state_changed_at, estimated_cost_usd, error_code, error_message, notes_json)
           VALUES (:batchId, :position, :state, :sourcePath, :rootPath, :relativePath, :imageHash,
             :fingerprint, :prompt, :request, :outputRelativePath, :now, :now, :estimate, :errorCode,
             :errorMessage, :notes)`,
        );
        items.forEach((item, position) => {
          const state: ItemState = item.verdict?.state ?? 'queued';
          const { lastInsertRowid: itemId } = insertItem.run({
            batchId,
            position,
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
            notes: JSON.stringify(item.notes),
          });
          this.insertItemEvent(Number(itemId), null, state, item.verdict?.message ?? 'planned', now);
        });
        return batchId;
      })
      .immediate();
  }

  getBatch(batchId: number): BatchRecord | null {
    const row = this.stmt(`SELECT * FROM batches WHERE id = :batchId`).get({ batchId }) as
      BatchRow | undefined;
    return row ? toBatchRecord(row) : null;
  }

  listBatches(): BatchRecord[] {
    return (this.stmt(`SELECT * FROM batches ORDER BY id DESC`).all({}) as BatchRow[]).map(toBatchRecord);
  }

  setBatchState(
    batchId: number,
    state: BatchState,
    pause: { reason: PauseReason; detail: Reason } | null,
    why: string,
    now: number,
  ): BatchRecord {
    return this.db
      .transaction(() => {
        this.stmt(
          `UPDATE batches SET state = :state, pause_reason = :reason, pause_message = :message,
             pause_detail_json = :detail,
             started_at = CASE WHEN :state = 'running' AND started_at IS NULL THEN :now ELSE started_at END,
             finished_at = CASE WHEN :state IN ('finished', 'cancelled') THEN :now ELSE NULL END
           WHERE id = :batchId`,
        ).run({
          batchId,
          state,
          reason: pause?.reason ?? null,
          message: pause ? formatReason(pause.detail, 'en') : null,
          detail: pause ? JSON.stringify(pause.detail) : null,
          now,
        });
        this.insertBatchEvent(batchId, state, pause?.reason ?? null, why, now);
        return this.getBatch(batchId)!;
      })
      .immediate();
  }

  /** Sets (or clears, with null) what holds the batch's downloads back; true when it changed. */
  setBatchCondition(batchId: number, condition: BatchCondition | null): boolean {
    const json = condition === null ? null : JSON.stringify(condition);
    const changed = this.stmt(
      `UPDATE batches SET condition_json = :json WHERE id = :batchId AND condition_json IS NOT :json`,
    ).run({ batchId, json });
    return changed.changes > 0;
  }

  updateBatchSettings(batchId: number, settings: BatchSettings): void {
    this.stmt(`UPDATE batches SET settings_json = :settings, budget_usd = :budget WHERE id = :batchId`).run({
      batchId,
      settings: JSON.stringify(settings),
      budget: settings.budgetUsd,
    });
  }

  private insertBatchEvent(
    batchId: number,
    state: BatchState,
    reason: PauseReason | null,
    why: string,
    at: number,
  ) {
    this.stmt(
      `INSERT INTO batch_events (batch_id, at, state, pause_reason, reason) VALUES (:batchId, :at, :state, :reason, :why)`,
    ).run({ batchId, at: Math.round(at), state, reason, why });
  }

  // ---- leases: one process drives a batch ----------------------------------------------

  /**
   * Takes the lease when it is free, expired or already ours, or when `holderIsGone` says its
   * holder provably no longer runs (a killed process on this machine); otherwise says who holds it.
   */
  acquireLease(
    batchId: number,
    owner: string,
    now: number,
    leaseMs: number,
    holderIsGone: (holder: string) => boolean = () => false,
  ): LeaseResult {
    return this.db
      .transaction((): LeaseResult => {
        const row = this.stmt(`SELECT lease_owner, lease_expires_at FROM batches WHERE id = :batchId`).get({
          batchId,
        }) as { lease_owner: string | null; lease_expires_at: number | null } | undefined;
        if (!row) throw new Error(`Batch ${batchId} does not exist; list batches to see the ids there are.`);
        if (
          row.lease_owner &&
          row.lease_owner !== owner &&
          (row.lease_expires_at ?? 0) > now &&
          !holderIsGone(row.lease_owner)
        )
          return { ok: false, owner: row.lease_owner, expiresAt: row.lease_expires_at ?? 0 };
        this.stmt(
          `UPDATE batches SET lease_owner = :owner, lease_expires_at = :expires WHERE id = :batchId`,
        ).run({
          batchId,
          owner,
          expires: now + leaseMs,
        });
        return { ok: true };
      })
      .immediate();
  }

  /**
   * Extends our lease; false when another process has taken it over meanwhile. Not fsync'd: the
   * other processes see it at once, and after a power cut the holder is gone anyway.
   */
  renewLease(batchId: number, owner: string, now: number, leaseMs: number): boolean {
    const { changes } = this.withoutFsync(() =>
      this.stmt(
        `UPDATE batches SET lease_expires_at = :expires WHERE id = :batchId AND lease_owner = :owner`,
      ).run({ batchId, owner, expires: now + leaseMs }),
    );
    return changes === 1;
  }

  releaseLease(batchId: number, owner: string): void {
    this.stmt(
      `UPDATE batches SET lease_owner = NULL, lease_expires_at = NULL WHERE id = :batchId AND lease_owner = :owner`,
    ).run({ batchId, owner });
  }

  private assertLease(batchId: number, owner: string, now: number, leaseMs: number): void {
    const row = this.stmt(`SELECT lease_owner, lease_expires_at FROM batches WHERE id = :batchId`).get({
      batchId,
    }) as { lease_owner: string | null; lease_expires_at: number | null };
    if (row.lease_owner !== owner) throw new LeaseLostError(batchId, row.lease_owner);
    // Still ours but lapsed (the machine slept through the renewal): nobody took it over, and
    // nobody can while this IMMEDIATE transaction holds the write lock, so renew it here.
    if ((row.lease_expires_at ?? 0) <= now) this.renewLease(batchId, owner, now, leaseMs);
  }

  // ---- items ---------------------------------------------------------------------------

  getItem(itemId: number): ItemRecord | null {
    const row = this.stmt(`SELECT * FROM items WHERE id = :itemId`).get({ itemId }) as ItemRow | undefined;
    return row ? toItemRecord(row) : null;
  }

  /**
   * Moves an item from one of `from` to `to`, applying `patch`, and logs the event, in one
   * IMMEDIATE transaction. Returns null (and changes nothing) when the item is no longer in
   * one of `from`, e.g. a cancel won the race. Throws when the table forbids the move.
   * With `lease`, also proves inside the transaction that this process still drives the batch.
   * `durable` false: committed without an fsync (see withoutFsync), for moves that record no
   * money, request id or file name and that a restart redoes on its own.
   */
  transition(
    itemId: number,
    from: ItemState | readonly ItemState[],
    to: ItemState,
    patch: ItemPatch | ((current: ItemRecord) => ItemPatch),
    reason: string,
    now: number,
    lease?: { owner: string; leaseMs: number },
    durable = true,
  ): ItemRecord | null {
    const allowedFrom: readonly ItemState[] = typeof from === 'string' ? [from] : from;
    if (!durable)
      return this.withoutFsync(() => this.transition(itemId, from, to, patch, reason, now, lease, true));
    return this.db
      .transaction(() => {
        const current = this.getItem(itemId);
        if (!current || !allowedFrom.includes(current.state)) return null;
        if (!canTransition(current.state, to)) throw new IllegalTransitionError(itemId, current.state, to);
        if (lease) this.assertLease(current.batchId, lease.owner, now, lease.leaseMs);
        const changes = typeof patch === 'function' ? patch(current) : patch;
        this.writePatch(itemId, changes, { state: to, stateChangedAt: now });
        this.insertItemEvent(itemId, current.state, to, reason, now);
        return this.getItem(itemId);
      })
      .immediate();
  }

  /** Cancels every queued item of a batch in one transaction; returns their ids. */
  cancelQueued(batchId: number, reason: string, now: number): number[] {
    return this.db
      .transaction(() => {
        const ids = (
          this.stmt(`SELECT id FROM items WHERE batch_id = :batchId AND state = 'queued'`).all({
            batchId,
          }) as {
            id: number;
          }[]
        ).map((row) => row.id);
        for (const id of ids) {
          this.writePatch(id, {}, { state: 'cancelled', stateChangedAt: now });
          this.insertItemEvent(id, 'queued', 'cancelled', reason, now);
        }
        return ids;
      })
      .immediate();
  }

  /**
   * Stores the user's verdict on a video (null clears it). Only a `done` item has a video to
   * judge: returns false (and changes nothing) for any other state, checked in the same
   * statement so a retry racing the click cannot leave a verdict on an item without a video.
   */
  setReview(itemId: number, review: ItemReview | null): boolean {
    const { changes } = this.stmt(
      `UPDATE items SET review = :review WHERE id = :itemId AND state = 'done'`,
    ).run({ itemId, review });
    return changes === 1;
  }

  /** The kept videos of a batch, in queue order (what "Export kept" copies). */
  keptItems(batchId: number): ItemRecord[] {
    return (
      this.stmt(
        `SELECT * FROM items WHERE batch_id = :batchId AND state = 'done' AND review = 'kept'
           AND output_path IS NOT NULL ORDER BY position`,
      ).all({ batchId }) as ItemRow[]
    ).map(toItemRecord);
  }

  /** Changes fields without a state change, durably (fsync'd like a transition). */
  update(itemId: number, patch: ItemPatch): void {
    this.writePatch(itemId, patch, null);
  }

  /**
   * Like `update` but without an fsync of its own (synchronous = NORMAL for this write): only
   * for polling bookkeeping (next poll time, poll count, queue position, the "waiting for a
   * key" note), whose loss in a power cut costs one extra status request or one stale note. The next durable commit
   * flushes it anyway (WAL order). Never for anything that records money or a request id.
   */
  updateWithoutFsync(itemId: number, patch: ItemPatch): void {
    this.withoutFsync(() => this.writePatch(itemId, patch, null));
  }

  /**
   * Runs `write` as a commit of its own without an fsync (synchronous = NORMAL): it is visible
   * to every connection at once and made durable by the next fsync'd commit (WAL order), so a
   * power cut can lose only it. Only for bookkeeping whose loss costs a request or a stale
   * note. Inside a transaction (SQLite cannot change this there) it joins that commit.
   */
  withoutFsync<T>(write: () => T): T {
    if (this.db.inTransaction) return write();
    this.syncNormal.run();
    try {
      return write();
    } finally {
      this.syncFull.run();
    }
  }

  private writePatch(
    itemId: number,
    patch: ItemPatch,
    state: { state: ItemState; stateChangedAt: number } | null,
  ) {
    // A reason code carries its English sentence along (error_message, for rows read without
    // codes); a plain message (or clearing it) drops a code that no longer applies.
    const reasonGiven = patch.reason !== undefined;
    const keys = (Object.keys(patch) as (keyof ItemPatch)[])
      .filter((key) => patch[key] !== undefined && !(reasonGiven && key === 'errorMessage'))
      .sort();
    const sets = keys.map((key) => `${ITEM_PATCH_COLUMNS[key]} = :${key}`);
    if (state) sets.push('state = :state', 'state_changed_at = :stateChangedAt');
    if (sets.length === 0) return;
    const params: Record<string, unknown> = {
      itemId,
      ...(state ? { state: state.state, stateChangedAt: Math.round(state.stateChangedAt) } : {}),
    };
    for (const key of keys) params[key] = toSqlValue(key, patch[key]);
    if (reasonGiven) {
      sets.push('error_message = :reasonText');
      params.reasonText = patch.reason === null ? null : formatReason(patch.reason, 'en');
    } else if (patch.errorMessage !== undefined) {
      sets.push('reason_json = NULL');
    }
    this.stmt(`UPDATE items SET ${sets.join(', ')} WHERE id = :itemId`).run(params);
  }

  private insertItemEvent(itemId: number, from: ItemState | null, to: ItemState, reason: string, at: number) {
    this.stmt(
      `INSERT INTO item_events (item_id, at, from_state, to_state, reason) VALUES (:itemId, :at, :from, :to, :reason)`,
    ).run({ itemId, at: Math.round(at), from, to, reason });
  }

  itemEvents(itemId: number): ItemEventRow[] {
    return (
      this.stmt(`SELECT * FROM item_events WHERE item_id = :itemId ORDER BY id`).all({ itemId }) as {
        id: number;
        item_id: number;
        at: number;
        from_state: ItemState | null;
        to_state: ItemState;
        reason: string;
      }[]
    ).map((row) => ({
      id: row.id,
      itemId: row.item_id,
      at: row.at,
      fromState: row.from_state,
      toState: row.to_state,
      reason: row.reason,
    }));
  }

  /** The next queued items in queue order, skipping ids already being prepared. */
  nextQueued(batchId: number, limit: number, exclude: readonly number[] = []): ItemRecord[] {
    return (
      this.stmt(
        `SELECT * FROM items WHERE batch_id = :batchId AND state = 'queued'
           AND id NOT IN (SELECT value FROM json_each(:exclude))
         ORDER BY position LIMIT :limit`,
      ).all({ batchId, limit, exclude: JSON.stringify(exclude) }) as ItemRow[]
    ).map(toItemRecord);
  }

  /** Items of the given states (in-flight states are few; never used for `queued`/`done`). */
  itemsInStates(batchId: number, states: readonly ItemState[]): ItemRecord[] {
    return (
      this.stmt(
        `SELECT * FROM items WHERE batch_id = :batchId AND state IN (SELECT value FROM json_each(:states)) ORDER BY position`,
      ).all({ batchId, states: JSON.stringify(states) }) as ItemRow[]
    ).map(toItemRecord);
  }

  countInStates(batchId: number, states: readonly ItemState[]): number {
    return (
      this.stmt(
        `SELECT count(*) AS n FROM items WHERE batch_id = :batchId AND state IN (SELECT value FROM json_each(:states))`,
      ).get({ batchId, states: JSON.stringify(states) }) as { n: number }
    ).n;
  }

  /** Whether any item of the batch is in one of `states`: stops at the first (no count). */
  anyInStates(batchId: number, states: readonly ItemState[]): boolean {
    const row = this.stmt(
      `SELECT EXISTS (SELECT 1 FROM items WHERE batch_id = :batchId AND state IN (SELECT value FROM json_each(:states))) AS found`,
    ).get({ batchId, states: JSON.stringify(states) }) as { found: number };
    return row.found === 1;
  }

  counts(batchId: number): StateCounts {
    const counts = emptyCounts();
    const rows = this.timed(
      'counts',
      () =>
        this.stmt(`SELECT state, count(*) AS n FROM items WHERE batch_id = :batchId GROUP BY state`).all({
          batchId,
        }) as { state: ItemState; n: number }[],
    );
    for (const row of rows) counts[row.state] = row.n;
    return counts;
  }

  money(batchId: number): MoneySummary {
    const row = this.timed(
      'money',
      () =>
        this.stmt(
          `SELECT
             COALESCE(SUM(prior_spent_usd + CASE WHEN may_be_billed = 1 THEN COALESCE(cost_usd, estimated_cost_usd) ELSE 0 END), 0) AS committed,
             COALESCE(SUM(prior_spent_usd + CASE
               WHEN cost_usd IS NOT NULL THEN cost_usd
               WHEN may_be_billed = 1 AND state IN ('in_progress', 'downloading', 'done') THEN estimated_cost_usd
               ELSE 0 END), 0) AS spent,
             COALESCE(SUM(CASE WHEN state IN ('queued', 'submitting', 'in_queue') THEN estimated_cost_usd ELSE 0 END), 0) AS remaining,
             COALESCE(SUM(CASE WHEN state = 'queued' THEN estimated_cost_usd ELSE 0 END), 0) AS queued
           FROM items WHERE batch_id = :batchId`,
        ).get({ batchId }) as { committed: number; spent: number; remaining: number; queued: number },
    );
    return {
      committedUsd: row.committed,
      spentUsd: row.spent,
      remainingEstimateUsd: row.remaining,
      queuedEstimateUsd: row.queued,
    };
  }

  pageItems(query: ItemPageQuery): ItemPage {
    const filter = {
      batchId: query.batchId,
      filterStates: query.states && query.states.length ? 1 : 0,
      states: JSON.stringify(query.states ?? []),
      search: query.search ? `%${query.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null,
      filterReviews: query.reviews && query.reviews.length ? 1 : 0,
      reviews: JSON.stringify(query.reviews ?? []),
    };
    const page = { limit: Math.max(0, Math.min(query.limit, 1000)), offset: Math.max(0, query.offset) };
    // LIKE is case-insensitive for ASCII in SQLite, which is what the search box promises.
    const where = `batch_id = :batchId
      AND (:filterStates = 0 OR state IN (SELECT value FROM json_each(:states)))
      AND (:search IS NULL OR relative_path LIKE :search ESCAPE '\\')
      AND (:filterReviews = 0 OR COALESCE(review, 'unreviewed') IN (SELECT value FROM json_each(:reviews)))`;
    return this.timed('pageItems', () => {
      const rows = this.stmt(
        `SELECT * FROM items WHERE ${where} ORDER BY position LIMIT :limit OFFSET :offset`,
      ).all({
        ...filter,
        ...page,
      }) as ItemRow[];
      const { n } = this.stmt(`SELECT count(*) AS n FROM items WHERE ${where}`).get(filter) as { n: number };
      return { items: rows.map((row) => toItemView(toItemRecord(row))), total: n };
    });
  }

  *iterateItems(batchId: number): Generator<ItemRecord> {
    const statement = this.db.prepare(`SELECT * FROM items WHERE batch_id = :batchId ORDER BY position`);
    for (const row of statement.iterate({ batchId }) as Iterable<ItemRow>) yield toItemRecord(row);
  }

  /**
   * The item that already stands for this image and request: a `done` one (its video), else
   * one still on its way in any batch (queued, generating, downloading, or maybe sent), so the
   * same folder dropped again while its first batch runs is not paid for twice.
   */
  findDone(imageHash: string, requestFingerprint: string): ExistingItem | null {
    const done = this.stmt(
      `SELECT id, batch_id, output_path FROM items WHERE image_hash = :imageHash AND request_fingerprint = :fp
         AND state = 'done' AND output_path IS NOT NULL ORDER BY finished_at DESC LIMIT 1`,
    ).get({ imageHash, fp: requestFingerprint }) as
      { id: number; batch_id: number; output_path: string } | undefined;
    if (done) return { itemId: done.id, outputPath: done.output_path, batchId: done.batch_id, state: 'done' };
    // The state list matches the partial index items_pending_lookup (migration 4) word for word.
    const pending = this.stmt(
      `SELECT i.id, i.batch_id, i.state, i.output_relative_path, json_extract(b.settings_json, '$.outputDir') AS output_dir
         FROM items i JOIN batches b ON b.id = i.batch_id
        WHERE i.image_hash = :imageHash AND i.request_fingerprint = :fp
          AND i.state IN ('queued', 'submitting', 'in_queue', 'in_progress', 'downloading', 'unknown_submit')
        ORDER BY i.id LIMIT 1`,
    ).get({ imageHash, fp: requestFingerprint }) as
      | { id: number; batch_id: number; state: ItemState; output_relative_path: string; output_dir: unknown }
      | undefined;
    if (!pending) return null;
    const outputDir = typeof pending.output_dir === 'string' ? pending.output_dir : '';
    return {
      itemId: pending.id,
      outputPath: outputDir
        ? join(outputDir, ...pending.output_relative_path.split('/'))
        : pending.output_relative_path,
      batchId: pending.batch_id,
      state: pending.state,
    };
  }

  /** Batches holding work that must continue after a restart (or could be driven now). */
  batchesWithWork(): number[] {
    return (
      this.stmt(
        `SELECT DISTINCT b.id FROM batches b WHERE b.state = 'running'
           OR EXISTS (SELECT 1 FROM items i WHERE i.batch_id = b.id
                        AND i.state IN ('submitting', 'in_queue', 'in_progress', 'downloading'))
         ORDER BY b.id`,
      ).all({}) as { id: number }[]
    ).map((row) => row.id);
  }

  /** Temporary download files recorded on items no longer downloading (left by a crash). */
  strayPartPaths(batchId: number): { itemId: number; partPath: string }[] {
    return (
      this.stmt(
        `SELECT id, part_path FROM items WHERE batch_id = :batchId AND part_path IS NOT NULL AND state <> 'downloading'`,
      ).all({ batchId }) as { id: number; part_path: string }[]
    ).map((row) => ({ itemId: row.id, partPath: row.part_path }));
  }

  // ---- learned run times ---------------------------------------------------------------

  /** Not fsync'd: a run time lost in a power cut only aims a few polls by the older ones. */
  addRunTiming(modelId: string, duration: number, runMs: number, now: number): void {
    this.withoutFsync(() =>
      this.stmt(
        `INSERT INTO run_timings (model_id, duration, run_ms, at) VALUES (:modelId, :duration, :runMs, :now)`,
      ).run({ modelId, duration, runMs: Math.max(0, Math.round(runMs)), now }),
    );
  }

  recentRunTimings(modelId: string, duration: number, limit: number): number[] {
    return (
      this.stmt(
        `SELECT run_ms FROM run_timings WHERE model_id = :modelId AND duration = :duration ORDER BY id DESC LIMIT :limit`,
      ).all({ modelId, duration, limit }) as { run_ms: number }[]
    ).map((row) => row.run_ms);
  }
}
