// The driver's read-only view of the database while a CLI works on it: the batch's counts by
// state, its lease and pause, the latest event (a sign of progress), and which states count as
// settled or in flight.
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';

export interface DbView {
  counts(batchId: number): Record<string, number>;
  lease(batchId: number): {
    owner: string | null;
    expiresAt: number | null;
    state: string;
    pause: string | null;
  };
  lastEventId(): number;
  batchId(): number | null;
  close(): void;
}

export function openView(dbPath: string): DbView | null {
  if (!existsSync(dbPath)) return null;
  let db: Database.Database;
  try {
    db = new Database(dbPath, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 2000');
    // The child may still be migrating: wait until the tables are there.
    const ok = db
      .prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name IN ('items', 'item_events', 'batches')`)
      .get() as { n: number };
    if (ok.n < 3) {
      db.close();
      return null;
    }
  } catch {
    return null;
  }
  const countsStmt = db.prepare(`SELECT state, count(*) AS n FROM items WHERE batch_id = ? GROUP BY state`);
  const leaseStmt = db.prepare(
    `SELECT lease_owner AS owner, lease_expires_at AS expiresAt, state, pause_reason AS pause FROM batches WHERE id = ?`,
  );
  const eventStmt = db.prepare(`SELECT coalesce(max(id), 0) AS id FROM item_events`);
  const batchStmt = db.prepare(`SELECT max(id) AS id FROM batches`);
  return {
    counts(batchId) {
      const out: Record<string, number> = {};
      for (const row of countsStmt.all(batchId) as { state: string; n: number }[]) out[row.state] = row.n;
      return out;
    },
    lease(batchId) {
      return leaseStmt.get(batchId) as ReturnType<DbView['lease']>;
    },
    lastEventId: () => (eventStmt.get() as { id: number }).id,
    batchId: () => (batchStmt.get() as { id: number | null }).id,
    close: () => db.close(),
  };
}

export const SETTLED = ['done', 'failed', 'expired', 'unknown_submit', 'cancelled', 'rejected', 'skipped'];
export const IN_FLIGHT = ['submitting', 'in_queue', 'in_progress', 'downloading'];
export const sum = (counts: Record<string, number>, states: string[]) =>
  states.reduce((n, s) => n + (counts[s] ?? 0), 0);
