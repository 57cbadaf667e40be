// The job database's only query layer: prepared statements with named parameters, writes in
// IMMEDIATE transactions, rows mapped through rows.ts. The engine never writes SQL itself.
//
// JobStore is one object for its callers, built in layers of one concern each: store-base.ts
// (statements, event rows) < batch-table.ts < lease-table.ts < item-table.ts (writes) <
// item-queries.ts (reads), and the learned run times here.
import { ItemQueries } from './item-queries';

export { LeaseLostError } from './lease-table';
export type { AttemptExpectation, ItemEventRow, TempFileRecord } from './item-table';

export class JobStore extends ItemQueries {
  // ---- requests and attempts ------------------------------------------------------------

  /** Whether a request id is recorded anywhere: as an item's current attempt or an earlier one. */
  knowsRequest(requestId: string): boolean {
    return (
      (
        this.stmt(
          `SELECT EXISTS (SELECT 1 FROM items WHERE request_id = :requestId)
             OR EXISTS (SELECT 1 FROM earlier_attempts WHERE request_id = :requestId) AS known`,
        ).get({ requestId }) as { known: number }
      ).known === 1
    );
  }

  /**
   * Files the accepted answer of an attempt that is no longer the item's current one (the user
   * resubmitted meanwhile): the job exists and is billed, so it is recorded with that attempt
   * (counted once, at its estimate when that attempt was not counted yet).
   */
  fileEarlierAnswer(
    itemId: number,
    attempt: number,
    requestId: string,
    submittedAt: number | null,
    usd: number,
  ): void {
    this.db
      .transaction(() => {
        if (this.knowsRequest(requestId)) return;
        const { changes } = this.stmt(
          `UPDATE earlier_attempts SET request_id = :requestId
             WHERE id = (SELECT id FROM earlier_attempts
                          WHERE item_id = :itemId AND attempt = :attempt AND request_id IS NULL LIMIT 1)`,
        ).run({ itemId, attempt, requestId });
        if (changes === 0)
          this.stmt(
            `INSERT INTO earlier_attempts (item_id, submitted_at, usd, request_id, attempt)
               VALUES (:itemId, :submittedAt, :usd, :requestId, :attempt)`,
          ).run({
            itemId,
            submittedAt: submittedAt === null ? null : Math.round(submittedAt),
            usd,
            requestId,
            attempt,
          });
      })
      .immediate();
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
