// Requests and attempts: whether a request id is known anywhere (an item's current attempt or the
// earlier_attempts table of retried items, migration 011), and the answer of an attempt that is
// no longer current, filed with it.
import type { Sql } from './sql';

export class AttemptTable {
  constructor(private readonly sql: Sql) {}

  /** Whether a request id is recorded anywhere: as an item's current attempt or an earlier one. */
  knowsRequest(requestId: string): boolean {
    return (
      (
        this.sql
          .stmt(
            `SELECT EXISTS (SELECT 1 FROM items WHERE request_id = :requestId)
             OR EXISTS (SELECT 1 FROM earlier_attempts WHERE request_id = :requestId) AS known`,
          )
          .get({ requestId }) as { known: number }
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
    this.sql.db
      .transaction(() => {
        if (this.knowsRequest(requestId)) return;
        const { changes } = this.sql
          .stmt(
            `UPDATE earlier_attempts SET request_id = :requestId
             WHERE id = (SELECT id FROM earlier_attempts
                          WHERE item_id = :itemId AND attempt = :attempt AND request_id IS NULL LIMIT 1)`,
          )
          .run({ itemId, attempt, requestId });
        if (changes === 0)
          this.sql
            .stmt(
              `INSERT INTO earlier_attempts (item_id, submitted_at, usd, request_id, attempt)
               VALUES (:itemId, :submittedAt, :usd, :requestId, :attempt)`,
            )
            .run({
              itemId,
              submittedAt: submittedAt === null ? null : Math.round(submittedAt),
              usd,
              requestId,
              attempt,
            });
      })
      .immediate();
  }
}
