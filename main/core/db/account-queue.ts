// The account's queue in the database, shared by every process on it (the app and any CLI
// runs): the account-wide limit on generations in flight, its temporary lowering after RunComfy
// answered 429, the default schedule of new batches, and how many generations are in flight
// now across every batch. The limit is enforced where the submit intent is written (engine
// submit.ts), inside that IMMEDIATE transaction, so two processes never exceed it together.
// Also the files a watching batch has looked at (watch_files), so a restart takes none twice.
import type { DefaultSchedule } from '../domain';
import type { Db } from './connection';
import { PreparedStatements } from './prepared';
import { defaultScheduleSchema } from '@common/contract/batches';
import { z } from 'zod';

const CONCURRENCY_KEY = 'account_concurrency';
const LOWERED_KEY = 'account_concurrency_lowered';
const DEFAULT_SCHEDULE_KEY = 'default_schedule';
const LAST_LOOKED_KEY = 'last_looked_at';

const loweredSchema = z.object({ limit: z.number().int().min(1), until: z.number() });
const storedDefaultSchema = defaultScheduleSchema satisfies z.ZodType<DefaultSchedule>;

/** A file a watching batch looked at: taken (or judged) at this size and modification time. */
export interface WatchedFile {
  size: number;
  mtimeMs: number;
}

export class AccountQueueStore {
  private readonly sql: PreparedStatements;

  constructor(private readonly db: Db) {
    this.sql = new PreparedStatements(db);
  }

  private stmt(sql: string) {
    return this.sql.get(sql);
  }

  private read<T>(key: string, schema: z.ZodType<T>): T | null {
    const row = this.stmt(`SELECT value_json FROM account_settings WHERE key = :key`).get({ key }) as
      { value_json: string } | undefined;
    if (!row) return null;
    // A value this build cannot read (hand-edited, a newer build's) counts as not set.
    try {
      const parsed = schema.safeParse(JSON.parse(row.value_json));
      return parsed.success ? parsed.data : null;
    } catch {
      return null;
    }
  }

  private write(key: string, value: unknown): void {
    if (value === null) {
      this.stmt(`DELETE FROM account_settings WHERE key = :key`).run({ key });
      return;
    }
    this.stmt(
      `INSERT INTO account_settings (key, value_json) VALUES (:key, :value)
         ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json`,
    ).run({ key, value: JSON.stringify(value) });
  }

  /** The account-wide limit the user set (null: none beyond each batch's own). */
  concurrency(): number | null {
    return this.read(CONCURRENCY_KEY, z.number().int().min(1));
  }

  setConcurrency(limit: number | null): void {
    this.write(CONCURRENCY_KEY, limit);
  }

  /** The limit RunComfy's 429 taught, while it lasts (null: none, or it ran out by `now`). */
  lowered(now: number): { limit: number; until: number } | null {
    const lowered = this.read(LOWERED_KEY, loweredSchema);
    return lowered && lowered.until > now ? lowered : null;
  }

  /**
   * Lowers the account's limit to `limit` until `until`, in one transaction with the reading
   * of the current lowering: a lower limit wins, a later end extends it.
   */
  lower(limit: number, until: number, now: number): { limit: number; until: number } {
    return this.db
      .transaction(() => {
        const current = this.lowered(now);
        const next = current
          ? { limit: Math.min(current.limit, limit), until: Math.max(current.until, until) }
          : { limit, until };
        this.write(LOWERED_KEY, next);
        return next;
      })
      .immediate();
  }

  /** What applies now: the lower of the user's limit and a 429's lowering (null: no limit). */
  effectiveLimit(now: number): number | null {
    const configured = this.concurrency();
    const lowered = this.lowered(now)?.limit ?? null;
    if (configured === null) return lowered;
    return lowered === null ? configured : Math.min(configured, lowered);
  }

  /**
   * Generations in flight now across every batch of one kind (real by default; simulated
   * batches go to a simulator and take none of the account's slots): intents written, jobs
   * queued or running at RunComfy (`acceptedOnly`: only those RunComfy has accepted).
   */
  inFlight(simulated = false, acceptedOnly = false): number {
    return (
      this.stmt(
        `SELECT count(*) AS n FROM items i JOIN batches b ON b.id = i.batch_id
          WHERE i.state IN ('submitting', 'in_queue', 'in_progress') AND b.simulated = :simulated
            AND (:acceptedOnly = 0 OR i.state <> 'submitting')`,
      ).get({ simulated: simulated ? 1 : 0, acceptedOnly: acceptedOnly ? 1 : 0 }) as { n: number }
    ).n;
  }

  /** When the user last looked at the morning report (null: never). */
  lastLooked(): number | null {
    return this.read(LAST_LOOKED_KEY, z.number());
  }

  markLooked(at: number): void {
    this.write(LAST_LOOKED_KEY, Math.round(at));
  }

  defaultSchedule(): DefaultSchedule | null {
    return this.read(DEFAULT_SCHEDULE_KEY, storedDefaultSchema);
  }

  setDefaultSchedule(schedule: DefaultSchedule | null): void {
    const empty = !schedule || (schedule.startAt === null && schedule.window === null);
    this.write(DEFAULT_SCHEDULE_KEY, empty ? null : schedule);
  }

  watchedFile(batchId: number, path: string): WatchedFile | null {
    const row = this.stmt(
      `SELECT size, mtime_ms FROM watch_files WHERE batch_id = :batchId AND path = :path`,
    ).get({
      batchId,
      path,
    }) as { size: number; mtime_ms: number } | undefined;
    return row ? { size: row.size, mtimeMs: row.mtime_ms } : null;
  }

  /** Remembers that a watching batch looked at this file as it is now (taken, or judged unusable). */
  recordWatchedFile(batchId: number, path: string, file: WatchedFile, now: number): void {
    this.stmt(
      `INSERT INTO watch_files (batch_id, path, size, mtime_ms, taken_at) VALUES (:batchId, :path, :size, :mtime, :now)
         ON CONFLICT (batch_id, path) DO UPDATE SET size = excluded.size, mtime_ms = excluded.mtime_ms, taken_at = excluded.taken_at`,
    ).run({ batchId, path, size: file.size, mtime: Math.round(file.mtimeMs), now: Math.round(now) });
  }
}
