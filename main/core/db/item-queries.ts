// Reads over the items (queue order, items by state, counts, money, pages for the list, the
// "already generated" lookup, what must continue after a restart).
import { join } from 'node:path';
import {
  ITEM_STATES,
  type ExistingItem,
  type ItemPage,
  type ItemPageQuery,
  type ItemState,
  type StateCounts,
} from '../domain';
import { toItemRecord, toItemView, type ItemRecord, type ItemRow } from './rows';
import type { Sql } from './sql';

export interface MoneySummary {
  /** Billed or possibly billed: used against the budget cap (never under-counts). */
  committedUsd: number;
  /** Actual cost where known, estimates for what the API is running or has run. */
  spentUsd: number;
  /** Estimates of items that will still be sent or are waiting at the API. */
  remainingEstimateUsd: number;
  /** Estimates of the items not sent yet. */
  queuedEstimateUsd: number;
  /**
   * Estimates of the items whose submit answer was lost (unknown_submit): they may or may not be
   * paid, so `spentUsd` leaves them out and the caps (through `committedUsd`) count them.
   */
  unconfirmedUsd: number;
}

/** Items of one batch that ended in one state for one reason code since a moment (endedSince). */
export interface EndedGroup {
  batchId: number;
  state: ItemState;
  code: string | null;
  count: number;
  /** One of the group's reasons, as stored. */
  reasonJson: string | null;
  message: string | null;
}

function emptyCounts(): StateCounts {
  return Object.fromEntries(ITEM_STATES.map((state) => [state, 0])) as StateCounts;
}

export class ItemQueries {
  constructor(private readonly sql: Sql) {}

  /** The next queued items in queue order, skipping ids already being prepared. */
  nextQueued(batchId: number, limit: number, exclude: readonly number[] = []): ItemRecord[] {
    return (
      this.sql
        .stmt(
          `SELECT * FROM items WHERE batch_id = :batchId AND state = 'queued'
           AND id NOT IN (SELECT value FROM json_each(:exclude))
         ORDER BY position LIMIT :limit`,
        )
        .all({ batchId, limit, exclude: JSON.stringify(exclude) }) as ItemRow[]
    ).map(toItemRecord);
  }

  /** Items of the given states (in-flight states are few; never used for `queued`/`done`). */
  itemsInStates(batchId: number, states: readonly ItemState[]): ItemRecord[] {
    return (
      this.sql
        .stmt(
          // Named: without it SQLite walks the whole batch in position order to skip the sort.
          `SELECT * FROM items INDEXED BY items_batch_state_position
           WHERE batch_id = :batchId AND state IN (SELECT value FROM json_each(:states)) ORDER BY position`,
        )
        .all({ batchId, states: JSON.stringify(states) }) as ItemRow[]
    ).map(toItemRecord);
  }

  countInStates(batchId: number, states: readonly ItemState[]): number {
    return (
      this.sql
        .stmt(
          `SELECT count(*) AS n FROM items WHERE batch_id = :batchId AND state IN (SELECT value FROM json_each(:states))`,
        )
        .get({ batchId, states: JSON.stringify(states) }) as { n: number }
    ).n;
  }

  /** Whether any item of the batch is in one of `states`: stops at the first (no count). */
  anyInStates(batchId: number, states: readonly ItemState[]): boolean {
    const row = this.sql
      .stmt(
        `SELECT EXISTS (SELECT 1 FROM items WHERE batch_id = :batchId AND state IN (SELECT value FROM json_each(:states))) AS found`,
      )
      .get({ batchId, states: JSON.stringify(states) }) as { found: number };
    return row.found === 1;
  }

  counts(batchId: number): StateCounts {
    const counts = emptyCounts();
    const rows = this.sql.timed(
      'counts',
      () =>
        this.sql.stmt(`SELECT state, count(*) AS n FROM items WHERE batch_id = :batchId GROUP BY state`).all({
          batchId,
        }) as { state: ItemState; n: number }[],
    );
    for (const row of rows) counts[row.state] = row.n;
    return counts;
  }

  money(batchId: number): MoneySummary {
    const row = this.sql.timed(
      'money',
      () =>
        this.sql
          .stmt(
            `SELECT
             COALESCE(SUM(prior_spent_usd + CASE WHEN may_be_billed = 1 THEN COALESCE(cost_usd, estimated_cost_usd) ELSE 0 END), 0) AS committed,
             COALESCE(SUM(prior_spent_usd + CASE
               WHEN cost_usd IS NOT NULL THEN cost_usd
               WHEN may_be_billed = 1 AND state IN ('in_progress', 'downloading', 'done') THEN estimated_cost_usd
               ELSE 0 END), 0) AS spent,
             COALESCE(SUM(CASE WHEN state IN ('queued', 'submitting', 'in_queue') THEN estimated_cost_usd ELSE 0 END), 0) AS remaining,
             COALESCE(SUM(CASE WHEN state = 'queued' THEN estimated_cost_usd ELSE 0 END), 0) AS queued,
             COALESCE(SUM(CASE WHEN state = 'unknown_submit' AND cost_usd IS NULL THEN estimated_cost_usd ELSE 0 END), 0) AS unconfirmed
           FROM items WHERE batch_id = :batchId`,
          )
          .get({ batchId }) as {
          committed: number;
          spent: number;
          remaining: number;
          queued: number;
          unconfirmed: number;
        },
    );
    return {
      committedUsd: row.committed,
      spentUsd: row.spent,
      remainingEstimateUsd: row.remaining,
      queuedEstimateUsd: row.queued,
      unconfirmedUsd: row.unconfirmed,
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
    return this.sql.timed('pageItems', () => {
      const rows = this.sql
        .stmt(`SELECT * FROM items WHERE ${where} ORDER BY position LIMIT :limit OFFSET :offset`)
        .all({
          ...filter,
          ...page,
        }) as ItemRow[];
      const { n } = this.sql.stmt(`SELECT count(*) AS n FROM items WHERE ${where}`).get(filter) as {
        n: number;
      };
      return { items: rows.map((row) => toItemView(toItemRecord(row))), total: n };
    });
  }

  *iterateItems(batchId: number): Generator<ItemRecord> {
    const statement = this.sql.db.prepare(`SELECT * FROM items WHERE batch_id = :batchId ORDER BY position`);
    for (const row of statement.iterate({ batchId }) as Iterable<ItemRow>) yield toItemRecord(row);
  }

  /**
   * The item that already stands for this image and request: a `done` one (its video), else
   * one still on its way in any batch (queued, generating, downloading, or maybe sent), so the
   * same folder dropped again while its first batch runs is not paid for twice. With
   * `simulated: false` (a real batch is being planned) a simulated batch's item stands for
   * nothing: its video is a test pattern, and it is never sent to RunComfy.
   */
  findDone(
    imageHash: string,
    requestFingerprint: string,
    options: { simulated?: boolean } = {},
  ): ExistingItem | null {
    const includeSimulated = options.simulated === false ? 0 : 1;
    const done = this.sql
      .stmt(
        `SELECT i.id, i.batch_id, i.output_path FROM items i JOIN batches b ON b.id = i.batch_id
        WHERE i.image_hash = :imageHash AND i.request_fingerprint = :fp
          AND i.state = 'done' AND i.output_path IS NOT NULL AND (b.simulated = 0 OR :includeSimulated = 1)
        ORDER BY i.finished_at DESC LIMIT 1`,
      )
      .get({ imageHash, fp: requestFingerprint, includeSimulated }) as
      { id: number; batch_id: number; output_path: string } | undefined;
    if (done) return { itemId: done.id, outputPath: done.output_path, batchId: done.batch_id, state: 'done' };
    // The state list matches the partial index items_pending_lookup (migration 4) word for word.
    const pending = this.sql
      .stmt(
        `SELECT i.id, i.batch_id, i.state, i.output_relative_path, json_extract(b.settings_json, '$.outputDir') AS output_dir
         FROM items i JOIN batches b ON b.id = i.batch_id
        WHERE i.image_hash = :imageHash AND i.request_fingerprint = :fp
          AND i.state IN ('queued', 'submitting', 'in_queue', 'in_progress', 'downloading', 'unknown_submit')
          AND (b.simulated = 0 OR :includeSimulated = 1)
        ORDER BY i.id LIMIT 1`,
      )
      .get({ imageHash, fp: requestFingerprint, includeSimulated }) as
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

  /**
   * What ended since `since` (clock ms), by batch, state and reason code: videos done, items
   * failed or expired, answers lost. One row per group, with one reason of it to show.
   */
  endedSince(since: number, batchId: number | null = null): EndedGroup[] {
    return this.sql
      .stmt(
        `SELECT batch_id AS batchId, state, json_extract(reason_json, '$.code') AS code, count(*) AS count,
                MAX(reason_json) AS reasonJson, MAX(error_message) AS message
           FROM items
          WHERE state_changed_at >= :since AND state IN ('done', 'failed', 'expired', 'unknown_submit')
            AND (:batchId IS NULL OR batch_id = :batchId)
          GROUP BY batch_id, state, code ORDER BY batch_id, state, count DESC`,
      )
      .all({ since: Math.round(since), batchId }) as EndedGroup[];
  }

  /** The first item of a batch made from this image content (any name, any state), or null. */
  itemWithImage(batchId: number, imageHash: string): { id: number; relativePath: string } | null {
    const row = this.sql
      .stmt(
        `SELECT id, relative_path FROM items WHERE batch_id = :batchId AND image_hash = :imageHash ORDER BY position LIMIT 1`,
      )
      .get({ batchId, imageHash }) as { id: number; relative_path: string } | undefined;
    return row ? { id: row.id, relativePath: row.relative_path } : null;
  }

  /** Batches holding work that must continue after a restart (or could be driven now). */
  batchesWithWork(): number[] {
    return (
      this.sql
        .stmt(
          `SELECT DISTINCT b.id FROM batches b WHERE b.state = 'running'
           OR EXISTS (SELECT 1 FROM items i WHERE i.batch_id = b.id
                        AND i.state IN ('submitting', 'in_queue', 'in_progress', 'downloading'))
         ORDER BY b.id`,
        )
        .all({}) as { id: number }[]
    ).map((row) => row.id);
  }

  /** Done items whose sidecar a crash kept from being placed. */
  pendingSidecars(batchId: number): number[] {
    return (
      this.sql
        .stmt(`SELECT id FROM items WHERE batch_id = :batchId AND sidecar_pending = 1 AND state = 'done'`)
        .all({
          batchId,
        }) as { id: number }[]
    ).map((row) => row.id);
  }

  /** The same, in batches that ended (the last video's sidecar: its batch finished before it). */
  pendingSidecarsOfEndedBatches(doneBefore: number): { itemId: number; batchId: number }[] {
    return (
      this.sql
        .stmt(
          `SELECT items.id, items.batch_id FROM items JOIN batches ON batches.id = items.batch_id
         WHERE items.sidecar_pending = 1 AND items.state = 'done' AND items.state_changed_at < :doneBefore
           AND batches.state IN ('finished', 'cancelled')`,
        )
        .all({ doneBefore }) as { id: number; batch_id: number }[]
    ).map((row) => ({ itemId: row.id, batchId: row.batch_id }));
  }

  /** Temporary download files recorded on items no longer downloading (left by a crash). */
  strayPartPaths(batchId: number): { itemId: number; partPath: string }[] {
    return (
      this.sql
        .stmt(
          `SELECT id, part_path FROM items WHERE batch_id = :batchId AND part_path IS NOT NULL AND state <> 'downloading'`,
        )
        .all({ batchId }) as { id: number; part_path: string }[]
    ).map((row) => ({ itemId: row.id, partPath: row.part_path }));
  }
}
