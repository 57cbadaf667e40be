// Test-only database write failures: STILLMOTION_DB_FAULTS="rate=0.01,seed=N,codes=SQLITE_FULL,
// SQLITE_IOERR" makes that share of the job store's writes (INSERT, UPDATE, DELETE) throw what
// better-sqlite3 throws when the disk is full, failing or locked past the busy timeout, before
// the write happens (as SQLite leaves it undone). The night test sets it in the CLI it drives.
// Unset (production), the environment is read once and every statement is returned as it is.
import Database from 'better-sqlite3';
import { faultDraw, logFault, parseFaultSpec, type FaultSpec } from '../util/fault-spec';

type Statement = Database.Statement<unknown[], unknown>;

/** The codes a write may be failed with, and the message SQLite gives for each. */
const SQLITE_MESSAGES: Record<string, string> = {
  SQLITE_FULL: 'database or disk is full',
  SQLITE_IOERR: 'disk I/O error',
  SQLITE_BUSY: 'database is locked',
};

interface DbFaults {
  spec: FaultSpec;
  draw: () => string | null;
}

/** The plan an environment asks for (null: none). */
export function dbFaultsFrom(env: Record<string, string | undefined>): DbFaults | null {
  const text = env.STILLMOTION_DB_FAULTS?.trim();
  if (!text) return null;
  const spec = parseFaultSpec(text, 'STILLMOTION_DB_FAULTS', Object.keys(SQLITE_MESSAGES));
  return { spec, draw: faultDraw(spec) };
}

/** Makes `statement`, if it writes, fail as `faults` draw; a read is returned untouched. */
export function withDbFaults<S extends Statement>(statement: S, faults: DbFaults | null): S {
  if (!faults || statement.readonly) return statement;
  const check = (args: unknown[]) => {
    const code = faults.draw();
    if (!code) return;
    // The bound values name the row and what was being stored (a request id, a state): the
    // soak's evidence of which write was lost.
    let values: string;
    try {
      values = JSON.stringify(args).slice(0, 400);
    } catch {
      values = '(not JSON)';
    }
    logFault(faults.spec, {
      kind: 'db',
      code,
      sql: statement.source.replace(/\s+/g, ' ').slice(0, 160),
      values,
    });
    throw new Database.SqliteError(SQLITE_MESSAGES[code]!, code);
  };
  const { run, get, all } = statement;
  // Instance properties over the prototype's methods: the statement stays the same object, so
  // the store's cache and better-sqlite3's own checks see nothing different.
  Object.assign(statement, {
    run: (...args: unknown[]) => {
      check(args);
      return run.apply(statement, args);
    },
    get: (...args: unknown[]) => {
      check(args);
      return get.apply(statement, args);
    },
    all: (...args: unknown[]) => {
      check(args);
      return all.apply(statement, args);
    },
  });
  return statement;
}

let processFaults: DbFaults | null | undefined;

/** `withDbFaults` with this process's STILLMOTION_DB_FAULTS, read at the first call. */
export function injectDbFaults<S extends Statement>(statement: S): S {
  if (processFaults === undefined) processFaults = dbFaultsFrom(process.env);
  return processFaults ? withDbFaults(statement, processFaults) : statement;
}
