// The job database's only query layer (JobStore: one field per table module, store.batches,
// store.items and the rest): prepared statements with named parameters, writes in IMMEDIATE
// transactions, rows mapped through rows.ts. The engine never writes SQL itself.
//
// No table module is built on another: each takes the shared Sql (sql.ts: statements, event
// rows, commits without an fsync) and, as constructor arguments, the tables it needs (a lease
// write drops the batch's cached row; an item or temp file write made under a lease proves the
// lease inside its transaction). Callers reach a table in one step:
// store.items.transition(...), store.batches.getBatch(...).
import type { Db } from './connection';
import { AttemptTable } from './attempt-table';
import { BatchTable } from './batch-table';
import { ItemQueries } from './item-queries';
import { ItemTable } from './item-table';
import { LeaseTable } from './lease-table';
import { RunTimingTable } from './run-timing-table';
import { Sql } from './sql';
import { TempFileTable } from './temp-file-table';

export { LeaseLostError } from './lease-table';
export type { AttemptExpectation, ItemEventRow } from './item-table';
export type { TempFileRecord } from './temp-file-table';

export class JobStore {
  /** The connection, the statement cache and the writes without an fsync every table shares. */
  readonly sql: Sql;
  /** Batches: created with their planned items, their state, queue place, schedule and settings. */
  readonly batches: BatchTable;
  /** The lease on a batch's row that lets one process drive it. */
  readonly leases: LeaseTable;
  /** Item writes: transitions, field updates, the review verdict, and the item event log. */
  readonly items: ItemTable;
  /** Temporary files the engine makes in users' folders, recorded before they exist. */
  readonly tempFiles: TempFileTable;
  /** Reads over the items: queue order, counts, money, pages, lookups, work left after a restart. */
  readonly itemQueries: ItemQueries;
  /** Request ids known anywhere, and answers filed with attempts that are no longer current. */
  readonly attempts: AttemptTable;
  /** Learned run times of models' generations. */
  readonly runTimings: RunTimingTable;

  constructor(
    readonly db: Db,
    log: (message: string) => void = () => {},
  ) {
    this.sql = new Sql(db, log);
    this.batches = new BatchTable(this.sql);
    this.leases = new LeaseTable(this.sql, this.batches);
    this.items = new ItemTable(this.sql, this.leases);
    this.tempFiles = new TempFileTable(this.sql, this.leases);
    this.itemQueries = new ItemQueries(this.sql);
    this.attempts = new AttemptTable(this.sql);
    this.runTimings = new RunTimingTable(this.sql);
  }
}
