// Account-wide spending in the database: the daily cap (one value for the app and the CLI) and
// what every batch committed since a given time (the current attempts plus earlier attempts of
// retried items, see migration 011). Committed means billed or possibly billed, like the batch
// cap's count: it never under-counts.
import type { DailySpend } from '../domain';
import type { Db } from './connection';

const DAILY_CAP_KEY = 'daily_cap_usd';

export class AccountSpendStore {
  private readonly statements = new Map<string, ReturnType<Db['prepare']>>();

  constructor(private readonly db: Db) {}

  private stmt(sql: string) {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  dailyCap(): number | null {
    const row = this.stmt(`SELECT value_json FROM account_settings WHERE key = :key`).get({
      key: DAILY_CAP_KEY,
    }) as { value_json: string } | undefined;
    if (!row) return null;
    const value: unknown = JSON.parse(row.value_json);
    return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : null;
  }

  /** null removes the cap. */
  setDailyCap(usd: number | null): void {
    if (usd === null) {
      this.stmt(`DELETE FROM account_settings WHERE key = :key`).run({ key: DAILY_CAP_KEY });
      return;
    }
    this.stmt(
      `INSERT INTO account_settings (key, value_json) VALUES (:key, :value)
         ON CONFLICT (key) DO UPDATE SET value_json = excluded.value_json`,
    ).run({ key: DAILY_CAP_KEY, value: JSON.stringify(usd) });
  }

  /** The cap and what was committed on the day beginning at `dayStartedAt`. */
  today(dayStartedAt: number): DailySpend {
    return {
      capUsd: this.dailyCap(),
      spentTodayUsd: this.committedSince(dayStartedAt),
      billedTodayUsd: this.billedSince(dayStartedAt),
      dayStartedAt,
    };
  }

  /**
   * USD billed by submits made at or after `since`, by the definition of a batch's spent figure
   * (item-queries.ts money: an actual cost where known, else the estimate of what is generating or
   * done), plus earlier attempts of retried items made since then. On a day with one batch it is
   * that batch's spent figure, so the window never shows two amounts for the same money.
   */
  billedSince(since: number): number {
    const row = this.stmt(
      `SELECT
           (SELECT COALESCE(SUM(CASE
               WHEN cost_usd IS NOT NULL THEN cost_usd
               WHEN may_be_billed = 1 AND state IN ('in_progress', 'downloading', 'done') THEN estimated_cost_usd
               ELSE 0 END), 0) FROM items WHERE submitted_at >= :since)
         + (SELECT COALESCE(SUM(usd), 0) FROM earlier_attempts WHERE submitted_at >= :since) AS usd`,
    ).get({ since }) as { usd: number };
    return row.usd;
  }

  /**
   * USD committed by submits made at or after `since` (clock ms), across every batch: the
   * current attempt of each item that may be billed (its actual cost when known, else its
   * estimate), plus earlier attempts of retried items made since then.
   */
  committedSince(since: number): number {
    const row = this.stmt(
      `SELECT
           (SELECT COALESCE(SUM(COALESCE(cost_usd, estimated_cost_usd)), 0) FROM items
             WHERE may_be_billed = 1 AND submitted_at >= :since)
         + (SELECT COALESCE(SUM(usd), 0) FROM earlier_attempts WHERE submitted_at >= :since) AS usd`,
    ).get({ since }) as { usd: number };
    return row.usd;
  }
}

/** The local midnight that began the day holding `now` (the user's day, in this machine's zone). */
export function localDayStart(now: number): number {
  const day = new Date(now);
  day.setHours(0, 0, 0, 0);
  return day.getTime();
}
