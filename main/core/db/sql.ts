// The job store's shared SQL access (the connection, prepared statements cached by their SQL,
// the slow-query log, commits without an fsync, and the event rows every write to batches and
// items adds). Each table module (batch-table.ts, lease-table.ts, item-table.ts, ...) is handed
// the one Sql its JobStore (store.ts) owns: one statement cache, so a statement is compiled once.
import type { BatchState, ItemState, PauseReason } from '../domain';
import type { Db } from './connection';
import { injectDbFaults } from './fault-injection';

/** Queries slower than this are reported to the logger: a sign an index is missing. */
const SLOW_QUERY_MS = 40;

type Statement = ReturnType<Db['prepare']>;

export class Sql {
  private readonly statements = new Map<string, Statement>();

  constructor(
    readonly db: Db,
    private readonly log: (message: string) => void = () => {},
  ) {}

  /** The statement for `sql`, prepared once (test-only faults injected, fault-injection.ts). */
  stmt(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = injectDbFaults(this.db.prepare(sql));
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /**
   * Runs `write` as a commit of its own without an fsync (synchronous = NORMAL): it is visible
   * to every connection at once and made durable by the next fsync'd commit (WAL order), so a
   * power cut can lose only it. Only for bookkeeping whose loss costs nothing paid: never a
   * submit intent, a request id, a cost, or an output file's name and hash before the file is
   * placed. Inside a transaction (SQLite cannot change this there) it joins that commit.
   * The pragma is compiled each time: a prepared PRAGMA applies its setting when prepared
   * (or re-prepared), not reliably when run.
   */
  withoutFsync<T>(write: () => T): T {
    if (this.db.inTransaction) return write();
    this.db.exec('PRAGMA synchronous = NORMAL');
    try {
      return write();
    } finally {
      this.db.exec('PRAGMA synchronous = FULL');
    }
  }

  timed<T>(name: string, run: () => T): T {
    const started = performance.now();
    const result = run();
    const ms = performance.now() - started;
    if (ms > SLOW_QUERY_MS) this.log(`slow query ${name}: ${ms.toFixed(1)} ms`);
    return result;
  }

  insertBatchEvent(batchId: number, state: BatchState, reason: PauseReason | null, why: string, at: number) {
    this.stmt(
      `INSERT INTO batch_events (batch_id, at, state, pause_reason, reason) VALUES (:batchId, :at, :state, :reason, :why)`,
    ).run({ batchId, at: Math.round(at), state, reason, why });
  }

  insertItemEvent(itemId: number, from: ItemState | null, to: ItemState, reason: string, at: number) {
    this.stmt(
      `INSERT INTO item_events (item_id, at, from_state, to_state, reason) VALUES (:itemId, :at, :from, :to, :reason)`,
    ).run({ itemId, at: Math.round(at), from, to, reason });
  }
}
