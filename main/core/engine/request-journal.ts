// Every request RunComfy accepted, appended and fsync'd to a journal file beside the database
// BEFORE the database is asked to store it, so that a billed request id never depends on one
// database write succeeding (another process holding the write lock past the busy timeout, a
// full disk, an I/O error). RunComfy's own ComfyUI nodes keep such a journal.
//
// One file per process (`<database>.requests/<owner>.jsonl`; not `-journal`, SQLite's own name): appends never interleave and no
// lock is needed. At start and whenever a batch is recovered, every process's entries whose
// request the database does not know yet are stored (replay): the answer lands on its own
// attempt, or is filed as an earlier attempt's when the item moved on. A file is removed once
// the database knows every request in it and its writer has ended.
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import type { JobStore } from '../db/store';
import type { ItemState } from '../domain';

export interface JournalEntry {
  itemId: number;
  /** The item's submit attempt the answer belongs to (items.attempts when it was sent). */
  attempt: number;
  requestId: string;
  /** Where the job was submitted (it is polled there). */
  apiBaseUrl: string;
  /** Which key sent it (a hash, never the key). */
  keyFingerprint: string | null;
  /** Clock ms the answer came. */
  at: number;
  /** The engine that sent it. */
  owner: string;
}

const JOURNAL_SUFFIX = '.jsonl';
const ANSWERABLE: readonly ItemState[] = ['submitting', 'unknown_submit'];

/**
 * The journal folder beside a database file; null for an in-memory database. Never
 * `<database>-journal`: SQLite takes a file of that name for its own rollback journal.
 */
export function journalDirFor(databasePath: string): string | null {
  if (!databasePath || databasePath === ':memory:') return null;
  return `${databasePath}.requests`;
}

const fileNameOf = (owner: string) => `${owner.replace(/[^A-Za-z0-9._-]/g, '_')}${JOURNAL_SUFFIX}`;

export class RequestJournal {
  private fd: number | null = null;

  constructor(
    private readonly dir: string | null,
    private readonly owner: string,
    private readonly log: (level: 'info' | 'warn' | 'error', message: string) => void,
  ) {}

  /**
   * Appends an accepted request and flushes it to the disk. False (logged) when it could not
   * be written: the database write is still tried, and retried, as without a journal.
   */
  record(entry: Omit<JournalEntry, 'owner'>): boolean {
    if (!this.dir) return false;
    try {
      if (this.fd === null) {
        const created = !existsSync(this.dir);
        mkdirSync(this.dir, { recursive: true });
        this.fd = openSync(join(this.dir, fileNameOf(this.owner)), 'a', 0o600);
        if (created) syncFolder(this.dir);
      }
      writeSync(this.fd, `${JSON.stringify({ ...entry, owner: this.owner })}\n`);
      fsyncSync(this.fd);
      return true;
    } catch (error) {
      this.log(
        'error',
        `request ${entry.requestId} (item ${entry.itemId}) could not be written to the request journal ` +
          `(${(error as Error).message}); the database write is tried until it works`,
      );
      return false;
    }
  }

  /** Every process's entries (a line cut by a crash is skipped). */
  entries(): JournalEntry[] {
    const found: JournalEntry[] = [];
    for (const file of this.files())
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          found.push(JSON.parse(line) as JournalEntry);
        } catch {
          // The last line of a process killed while appending: its answer never reached the
          // database either way, and the item is recovered as unknown.
        }
      }
    return found;
  }

  /**
   * Stores every journalled answer the database does not know yet: on its own attempt when the
   * item still waits for that answer, else as an earlier attempt's (it is billed either way).
   * Returns the items whose answer was stored as their current attempt's.
   */
  replay(store: JobStore, now: number, onlyBatch?: number): number[] {
    const stored: number[] = [];
    let entries: JournalEntry[];
    try {
      entries = this.entries();
    } catch (error) {
      this.log('warn', `the request journal could not be read (${(error as Error).message})`);
      return stored;
    }
    for (const entry of entries) {
      if (store.attempts.knowsRequest(entry.requestId)) continue;
      const item = store.items.getItem(entry.itemId);
      if (!item || (onlyBatch !== undefined && item.batchId !== onlyBatch)) continue;
      try {
        const moved =
          item.attempts === entry.attempt &&
          store.items.transition(
            item.id,
            ANSWERABLE,
            'in_queue',
            {
              requestId: entry.requestId,
              apiBaseUrl: entry.apiBaseUrl,
              keyFingerprint: entry.keyFingerprint,
              nextPollAt: now,
              errorCode: null,
              errorMessage: null,
            },
            `accepted as ${entry.requestId} (stored from the request journal)`,
            now,
            undefined,
            true,
            { attempts: entry.attempt },
          );
        if (moved) stored.push(item.id);
        else
          store.attempts.fileEarlierAnswer(
            item.id,
            entry.attempt,
            entry.requestId,
            item.submittedAt,
            item.estimatedCostUsd,
          );
      } catch (error) {
        this.log(
          'warn',
          `request ${entry.requestId} from the journal could not be stored yet (${(error as Error).message})`,
        );
      }
    }
    return stored;
  }

  /**
   * Removes the files the database no longer needs: every request in them is known, and their
   * writer has ended (this process at close, or one `isGone` says no longer runs).
   */
  compact(store: JobStore, isGone: (owner: string) => boolean, closing = false): void {
    if (!this.dir) return;
    if (closing && this.fd !== null) {
      closeSync(this.fd);
      this.fd = null;
    }
    for (const file of this.files()) {
      try {
        const entries = readFileSync(file, 'utf8')
          .split('\n')
          .filter((line) => line.trim())
          .map((line) => JSON.parse(line) as JournalEntry);
        const writer = entries[0]?.owner;
        const ours = file === join(this.dir, fileNameOf(this.owner));
        const ended = ours ? closing : writer !== undefined && isGone(writer);
        if (ended && entries.every((entry) => store.attempts.knowsRequest(entry.requestId))) unlinkSync(file);
      } catch {
        // A file being written or unreadable now: looked at again next time.
      }
    }
  }

  private files(): string[] {
    if (!this.dir || !existsSync(this.dir)) return [];
    return readdirSync(this.dir)
      .filter((name) => name.endsWith(JOURNAL_SUFFIX))
      .map((name) => join(this.dir!, name));
  }
}

/** Makes a new file's name durable where the OS allows a folder to be fsync'd. */
function syncFolder(dir: string): void {
  if (process.platform === 'win32') return;
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems refuse it; the file's own fsync already happened.
  }
}
