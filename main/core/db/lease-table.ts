// Leases, so that one process drives a batch. Taken, renewed and released on the batch's row; every
// item transition made under a lease proves inside its transaction that the lease is still ours
// (assertLease, which item-table.ts and temp-file-table.ts call).
import type { BatchTable } from './batch-table';
import type { Sql } from './sql';

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

/** Taken (with who held it before, when another process did), or who holds it now. */
export type LeaseResult =
  { ok: true; previousOwner?: string } | { ok: false; owner: string; expiresAt: number };

export class LeaseTable {
  constructor(
    private readonly sql: Sql,
    /** Whose cached batch rows every lease write makes stale. */
    private readonly batches: BatchTable,
  ) {}

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
    this.batches.batchWritten(batchId);
    return this.sql.db
      .transaction((): LeaseResult => {
        const row = this.sql
          .stmt(`SELECT lease_owner, lease_expires_at FROM batches WHERE id = :batchId`)
          .get({
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
        this.sql
          .stmt(`UPDATE batches SET lease_owner = :owner, lease_expires_at = :expires WHERE id = :batchId`)
          .run({
            batchId,
            owner,
            expires: now + leaseMs,
          });
        return row.lease_owner && row.lease_owner !== owner
          ? { ok: true, previousOwner: row.lease_owner }
          : { ok: true };
      })
      .immediate();
  }

  /**
   * Extends our lease; false when another process has taken it over meanwhile. Not fsync'd: the
   * other processes see it at once, and after a power cut its holder is gone anyway.
   */
  renewLease(batchId: number, owner: string, now: number, leaseMs: number): boolean {
    this.batches.batchWritten(batchId);
    const { changes } = this.sql.withoutFsync(() =>
      this.sql
        .stmt(`UPDATE batches SET lease_expires_at = :expires WHERE id = :batchId AND lease_owner = :owner`)
        .run({ batchId, owner, expires: now + leaseMs }),
    );
    return changes === 1;
  }

  releaseLease(batchId: number, owner: string): void {
    this.batches.batchWritten(batchId);
    this.sql
      .stmt(
        `UPDATE batches SET lease_owner = NULL, lease_expires_at = NULL WHERE id = :batchId AND lease_owner = :owner`,
      )
      .run({ batchId, owner });
  }

  /**
   * Throws LeaseLostError unless `owner` holds the batch's lease: called inside the IMMEDIATE
   * transaction of a write made under the lease.
   */
  assertLease(batchId: number, owner: string, now: number, leaseMs: number): void {
    const row = this.sql.stmt(`SELECT lease_owner, lease_expires_at FROM batches WHERE id = :batchId`).get({
      batchId,
    }) as { lease_owner: string | null; lease_expires_at: number | null };
    if (row.lease_owner !== owner) throw new LeaseLostError(batchId, row.lease_owner);
    // Still ours but lapsed (the machine slept through the renewal): nobody took it over, and
    // nobody can while this IMMEDIATE transaction holds the write lock, so renew it here.
    if ((row.lease_expires_at ?? 0) <= now) this.renewLease(batchId, owner, now, leaseMs);
  }
}
