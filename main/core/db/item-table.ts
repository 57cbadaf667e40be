// The items table's writes (transitions checked against the state table and the lease, field
// updates with and without their own fsync, the review verdict) and its event log.
import { type ItemReview, type ItemState } from '../domain';
import { IllegalTransitionError, canTransition } from '../domain/states';
import { formatReason } from '@common/reasons';
import type { LeaseTable } from './lease-table';
import { ITEM_PATCH_COLUMNS, toItemRecord, type ItemPatch, type ItemRecord, type ItemRow } from './rows';
import type { Sql } from './sql';

/**
 * What the item's current attempt must still be for a write about it to apply: the answer to
 * one request, a video downloaded for one request, must never land on another attempt.
 */
export interface AttemptExpectation {
  requestId?: string | null;
  attempts?: number;
}

export interface ItemEventRow {
  id: number;
  itemId: number;
  at: number;
  fromState: ItemState | null;
  toState: ItemState;
  reason: string;
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

function isAttempt(item: ItemRecord, expect: AttemptExpectation): boolean {
  return (
    (expect.requestId === undefined || item.requestId === expect.requestId) &&
    (expect.attempts === undefined || item.attempts === expect.attempts)
  );
}

function toSqlValue(key: string, value: unknown): unknown {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (key === 'reason') return value === null ? null : JSON.stringify(value);
  // Injected clocks and poll policies may produce fractional milliseconds.
  if (typeof value === 'number' && INTEGER_FIELDS.has(key)) return Math.round(value);
  return value;
}

/** The UPDATE that writes `patch` (and a new state), or null when there is nothing to write. */
function patchUpdate(
  itemId: number,
  patch: ItemPatch,
  state: { state: ItemState; stateChangedAt: number } | null,
): { sql: string; params: Record<string, unknown> } | null {
  // A reason code carries its English sentence along (error_message, for rows read without
  // codes); a plain message (or clearing it) drops a code that no longer applies.
  const reasonGiven = patch.reason !== undefined;
  const keys = (Object.keys(patch) as (keyof ItemPatch)[])
    .filter((key) => patch[key] !== undefined && !(reasonGiven && key === 'errorMessage'))
    .sort();
  const sets = keys.map((key) => `${ITEM_PATCH_COLUMNS[key]} = :${key}`);
  if (state) sets.push('state = :state', 'state_changed_at = :stateChangedAt');
  if (sets.length === 0) return null;
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
  return { sql: `UPDATE items SET ${sets.join(', ')} WHERE id = :itemId`, params };
}

export class ItemTable {
  constructor(
    private readonly sql: Sql,
    /** Proves inside a write's transaction that this process still drives the item's batch. */
    private readonly leases: LeaseTable,
  ) {}

  getItem(itemId: number): ItemRecord | null {
    const row = this.sql.stmt(`SELECT * FROM items WHERE id = :itemId`).get({ itemId }) as
      ItemRow | undefined;
    return row ? toItemRecord(row) : null;
  }

  /**
   * Moves an item from one of `from` to `to`, applying `patch`, and logs the event, in one
   * IMMEDIATE transaction. Returns null (and changes nothing) when the item is no longer in
   * one of `from`, e.g. a cancel won the race. Throws when the table forbids the move.
   * With `lease`, also proves inside the transaction that this process still drives the batch.
   * `durable` false: committed without an fsync (see withoutFsync), for moves that record no
   * money, request id or output name and that a restart redoes on its own. With `expect`, the
   * move applies only to that attempt (a compare-and-set): otherwise it returns null.
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
    expect?: AttemptExpectation,
  ): ItemRecord | null {
    if (!durable)
      return this.sql.withoutFsync(() =>
        this.transition(itemId, from, to, patch, reason, now, lease, true, expect),
      );
    const allowedFrom: readonly ItemState[] = typeof from === 'string' ? [from] : from;
    return this.sql.db
      .transaction(() => {
        const current = this.getItem(itemId);
        if (!current || !allowedFrom.includes(current.state)) return null;
        if (expect && !isAttempt(current, expect)) return null;
        if (!canTransition(current.state, to)) throw new IllegalTransitionError(itemId, current.state, to);
        if (lease) this.leases.assertLease(current.batchId, lease.owner, now, lease.leaseMs);
        const changes = typeof patch === 'function' ? patch(current) : patch;
        const moved = this.writeMove(itemId, changes, { state: to, stateChangedAt: now });
        this.sql.insertItemEvent(itemId, current.state, to, reason, now);
        return moved;
      })
      .immediate();
  }

  /**
   * Records the output name and content hash of a video about to be placed, durably, before
   * the file appears there (a crash right after the move is recognised as ours). Only for the
   * attempt that downloaded it and only while this process holds the batch: false otherwise
   * (another attempt began, or the item moved on), LeaseLostError when the lease went elsewhere.
   */
  claimOutput(
    itemId: number,
    expect: AttemptExpectation,
    output: { outputPath: string; outputBytes: number; outputSha256: string },
    lease: { owner: string; leaseMs: number },
    now: number,
  ): boolean {
    return this.sql.db
      .transaction(() => {
        const current = this.getItem(itemId);
        if (!current || current.state !== 'downloading' || !isAttempt(current, expect)) return false;
        this.leases.assertLease(current.batchId, lease.owner, now, lease.leaseMs);
        this.writePatch(itemId, output, null);
        return true;
      })
      .immediate();
  }

  /**
   * Puts a queued item first among its batch's items (its position before every other), so it
   * is the next one sent; false when it is no longer queued.
   */
  moveItemToFront(itemId: number): boolean {
    const { changes } = this.sql
      .stmt(
        `UPDATE items SET position = (SELECT MIN(position) - 1 FROM items AS others WHERE others.batch_id = items.batch_id)
         WHERE id = :itemId AND state = 'queued'`,
      )
      .run({ itemId });
    return changes === 1;
  }

  /** Cancels every queued item of a batch in one transaction; returns their ids. */
  cancelQueued(batchId: number, reason: string, now: number): number[] {
    return this.sql.db
      .transaction(() => {
        const ids = (
          this.sql.stmt(`SELECT id FROM items WHERE batch_id = :batchId AND state = 'queued'`).all({
            batchId,
          }) as {
            id: number;
          }[]
        ).map((row) => row.id);
        for (const id of ids) {
          this.writePatch(id, {}, { state: 'cancelled', stateChangedAt: now });
          this.sql.insertItemEvent(id, 'queued', 'cancelled', reason, now);
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
    const { changes } = this.sql
      .stmt(`UPDATE items SET review = :review WHERE id = :itemId AND state = 'done'`)
      .run({ itemId, review });
    return changes === 1;
  }

  /** The kept videos of a batch, in queue order (what "Export kept" copies). */
  keptItems(batchId: number): ItemRecord[] {
    return (
      this.sql
        .stmt(
          `SELECT * FROM items WHERE batch_id = :batchId AND state = 'done' AND review = 'kept'
           AND output_path IS NOT NULL ORDER BY position`,
        )
        .all({ batchId }) as ItemRow[]
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
    this.sql.withoutFsync(() => this.writePatch(itemId, patch, null));
  }

  private writePatch(
    itemId: number,
    patch: ItemPatch,
    state: { state: ItemState; stateChangedAt: number } | null,
  ): void {
    const update = patchUpdate(itemId, patch, state);
    if (update) this.sql.stmt(update.sql).run(update.params);
  }

  /** Writes `patch` and the new state, and returns the row as written (RETURNING: no re-read). */
  private writeMove(
    itemId: number,
    patch: ItemPatch,
    state: { state: ItemState; stateChangedAt: number },
  ): ItemRecord {
    const update = patchUpdate(itemId, patch, state)!;
    return toItemRecord(this.sql.stmt(`${update.sql} RETURNING *`).get(update.params) as ItemRow);
  }

  itemEvents(itemId: number): ItemEventRow[] {
    return (
      this.sql.stmt(`SELECT * FROM item_events WHERE item_id = :itemId ORDER BY id`).all({ itemId }) as {
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
}
