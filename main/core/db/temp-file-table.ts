// The temp_files table: every temporary file the engine makes in a user's folder (a download's
// part, a sidecar's), recorded before it is created and forgotten once it is gone (migration 013).
import type { LeaseTable } from './lease-table';
import type { Sql } from './sql';

/** A temporary file the engine made (or is about to make) in a user's folder (migration 013). */
export interface TempFileRecord {
  path: string;
  itemId: number;
  kind: 'part' | 'sidecar';
  requestId: string | null;
  owner: string;
}

interface TempFileRow {
  path: string;
  item_id: number;
  kind: 'part' | 'sidecar';
  request_id: string | null;
  owner: string;
}

function toTempFile(row: TempFileRow): TempFileRecord {
  return { path: row.path, itemId: row.item_id, kind: row.kind, requestId: row.request_id, owner: row.owner };
}

export class TempFileTable {
  constructor(
    private readonly sql: Sql,
    /** Proves inside the recording's transaction that this process still drives the batch. */
    private readonly leases: LeaseTable,
  ) {}

  /**
   * Records a temporary file before it is created (write-ahead): a file the engine makes is
   * always known, so it is always cleaned up. With `lease`, only while this process holds the
   * item's batch (LeaseLostError otherwise).
   */
  recordTempFile(file: TempFileRecord, lease: { leaseMs: number } | null, now: number): void {
    this.sql.db
      .transaction(() => {
        const batchId = this.sql
          .stmt(`SELECT batch_id FROM items WHERE id = :itemId`)
          .pluck()
          .get({ itemId: file.itemId }) as number | undefined;
        if (batchId === undefined) return;
        if (lease) this.leases.assertLease(batchId, file.owner, now, lease.leaseMs);
        this.sql
          .stmt(
            `INSERT OR IGNORE INTO temp_files (path, item_id, kind, request_id, owner, created_at)
             VALUES (:path, :itemId, :kind, :requestId, :owner, :now)`,
          )
          .run({ ...file, now: Math.round(now) });
      })
      .immediate();
  }

  tempFilesOf(itemId: number): TempFileRecord[] {
    return (
      this.sql
        .stmt(
          `SELECT path, item_id, kind, request_id, owner FROM temp_files WHERE item_id = :itemId ORDER BY created_at`,
        )
        .all({ itemId }) as TempFileRow[]
    ).map(toTempFile);
  }

  /**
   * Temporary files nothing will use again: a part of an item no longer downloading, a
   * sidecar's of an item whose sidecar is in place, any file of a batch that ended.
   */
  leftoverTempFiles(limit = 200): TempFileRecord[] {
    return (
      this.sql
        .stmt(
          `SELECT t.path, t.item_id, t.kind, t.request_id, t.owner FROM temp_files t
           JOIN items i ON i.id = t.item_id
          WHERE NOT (t.kind = 'part' AND i.state = 'downloading')
            AND NOT (t.kind = 'sidecar' AND i.sidecar_pending = 1)
          ORDER BY t.created_at LIMIT :limit`,
        )
        .all({ limit }) as TempFileRow[]
    ).map(toTempFile);
  }

  /**
   * Forgets a temporary file: only once it is gone from the disk. An item that named it as its
   * current part (items.part_path) names none any more. Not fsync'd: lost in a power cut, the
   * record names a file that is gone, and the next sweep forgets it again (a missing file
   * counts as removed).
   */
  forgetTempFile(path: string, itemId: number): void {
    this.sql.withoutFsync(() =>
      this.sql.db
        .transaction(() => {
          this.sql.stmt(`DELETE FROM temp_files WHERE path = :path`).run({ path });
          this.sql.stmt(`UPDATE items SET part_path = NULL WHERE id = :itemId AND part_path = :path`).run({
            itemId,
            path,
          });
        })
        .immediate(),
    );
  }
}
