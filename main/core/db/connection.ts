// The one owner of the SQLite connection: open a real file, set pragmas, migrate, close.
import Database from 'better-sqlite3';
import { LATEST_VERSION, MIGRATIONS, type Migration } from './migrations';
import { electronNativeBinding } from './native-binding';

export type Db = Database.Database;

export interface OpenDatabaseOptions {
  /** Path of better-sqlite3's native binary; default: the Electron copy when under Electron. */
  nativeBinding?: string;
  /** Migrate only up to this version (tests of migrations); default the latest. */
  targetVersion?: number;
  migrations?: readonly Migration[];
  /** Real ms a write waits for another process's write lock before SQLITE_BUSY (default 5000). */
  busyTimeoutMs?: number;
}

export class DatabaseTooNewError extends Error {
  constructor(path: string, found: number, known: number) {
    super(
      `The database ${path} was written by a newer Stillmotion (schema version ${found}; this build ` +
        `knows up to ${known}). Update Stillmotion to open it, or choose another database file; ` +
        `it was not changed.`,
    );
    this.name = 'DatabaseTooNewError';
  }
}

export function openDatabase(path: string, options: OpenDatabaseOptions = {}): Db {
  const nativeBinding = options.nativeBinding ?? electronNativeBinding();
  const db = new Database(path, nativeBinding ? { nativeBinding } : {});
  try {
    // WAL: the UI's paged reads never wait for the engine's writes, and a commit is one append.
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    // The app and the CLI may open the same file; wait for a writer rather than fail at once.
    db.pragma(`busy_timeout = ${Math.max(0, Math.round(options.busyTimeoutMs ?? 5000))}`);
    // FULL, not WAL's usual NORMAL: NORMAL may lose the last commits on power loss. The submit
    // intent ("about to send item 42, attempt 2") is the only record that a paid request may
    // exist, and losing it would let a restart send the item again. One fsync per commit is
    // cheap next to a network round trip.
    db.pragma('synchronous = FULL');
    migrate(db, options.migrations ?? MIGRATIONS, options.targetVersion);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Runs every step above the stored version, each with its version bump in one transaction. */
export function migrate(db: Db, migrations: readonly Migration[] = MIGRATIONS, target?: number): void {
  const latest = migrations.length ? migrations[migrations.length - 1]!.version : 0;
  const current = schemaVersion(db);
  if (current > latest) throw new DatabaseTooNewError(db.name, current, latest);
  const upTo = target ?? latest;
  for (const step of migrations) {
    if (step.version <= current || step.version > upTo) continue;
    db.transaction(() => {
      // Re-read under the write lock: another process (the app and the CLI on one database
      // at first launch) may have applied this step since we looked.
      if (schemaVersion(db) >= step.version) return;
      step.up(db);
      db.pragma(`user_version = ${step.version}`);
    }).immediate();
  }
}

export function closeDatabase(db: Db): void {
  if (!db.open) return;
  // Folds the WAL back into the main file so a copied database file is complete.
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch {
    // Another connection may hold the WAL; the checkpoint then happens on its close.
  }
  db.close();
}

export { LATEST_VERSION };
