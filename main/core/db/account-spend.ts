// Account-wide spending in the database: the daily cap (one value for the app and the CLI) and
// what every batch committed since a given time (the current attempts plus earlier attempts of
// retried items, see migration 011). Committed means billed or possibly billed, like the batch
// cap's count: it never under-counts.
import type { DailySpend } from '../domain';
import type { Db } from './connection';
import { PreparedStatements } from './prepared';

const DAILY_CAP_KEY = 'daily_cap_usd';

export class AccountSpendStore {
  private readonly sql: PreparedStatements;

  constructor(private readonly db: Db) {
    this.sql = new PreparedStatements(db);
  }

  private stmt(sql: string) {
    return this.sql.get(sql);
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

  /**
   * The cap and what was committed on the day beginning at `dayStartedAt`: real money against
   * the cap, simulated (demo) spending apart, never added to it.
   */
  today(dayStartedAt: number): DailySpend {
    return {
      capUsd: this.dailyCap(),
      spentTodayUsd: this.committedSince(dayStartedAt),
      simulatedTodayUsd: this.committedSince(dayStartedAt, true),
      billedTodayUsd: this.billedSince(dayStartedAt),
      dayStartedAt,
    };
  }

  /**
   * USD billed by submits made at or after `since`, across every batch of one kind (as
   * committedSince), by the definition of a batch's spent figure (item-queries.ts money: an
   * actual cost where known, else the estimate of what is generating or done), plus earlier
   * attempts of retried items made since then. On a day with one batch it is that batch's spent
   * figure, so the window never shows two amounts for the same money.
   */
  billedSince(since: number, simulated = false): number {
    const row = this.stmt(
      `SELECT
           (SELECT COALESCE(SUM(CASE
               WHEN i.cost_usd IS NOT NULL THEN i.cost_usd
               WHEN i.may_be_billed = 1 AND i.state IN ('in_progress', 'downloading', 'done') THEN i.estimated_cost_usd
               ELSE 0 END), 0)
              FROM items i JOIN batches b ON b.id = i.batch_id
             WHERE i.submitted_at >= :since AND b.simulated = :simulated)
         + (SELECT COALESCE(SUM(e.usd), 0)
              FROM earlier_attempts e JOIN items i ON i.id = e.item_id JOIN batches b ON b.id = i.batch_id
             WHERE e.submitted_at >= :since AND b.simulated = :simulated) AS usd`,
    ).get({ since, simulated: simulated ? 1 : 0 }) as { usd: number };
    return row.usd;
  }

  /**
   * USD committed by submits made at or after `since` (clock ms), across every batch of one
   * kind (real by default; `simulated` for demo batches, which are not money): the current
   * attempt of each item that may be billed (its actual cost when known, else its estimate),
   * plus earlier attempts of retried items made since then.
   */
  committedSince(since: number, simulated = false): number {
    const row = this.stmt(
      `SELECT
           (SELECT COALESCE(SUM(COALESCE(i.cost_usd, i.estimated_cost_usd)), 0)
              FROM items i JOIN batches b ON b.id = i.batch_id
             WHERE i.may_be_billed = 1 AND i.submitted_at >= :since AND b.simulated = :simulated)
         + (SELECT COALESCE(SUM(e.usd), 0)
              FROM earlier_attempts e JOIN items i ON i.id = e.item_id JOIN batches b ON b.id = i.batch_id
             WHERE e.submitted_at >= :since AND b.simulated = :simulated) AS usd`,
    ).get({ since, simulated: simulated ? 1 : 0 }) as { usd: number };
    return row.usd;
  }
}

/** The local midnight that began the day holding `now` (the user's day, in this machine's zone). */
export function localDayStart(now: number): number {
  const day = new Date(now);
  day.setHours(0, 0, 0, 0);
  return day.getTime();
}
