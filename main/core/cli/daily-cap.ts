// The account-wide daily cap on the command line: `stillmotion daily-cap [usd|off]` shows or
// sets it, `run --daily-cap <usd>` sets it before a batch starts, `status` shows today's spend.
// The cap lives in the job database, so the app and the CLI keep one and the same.
import type { DailySpend } from '../domain';
import { UsageError } from './usage-error';

const usd = (value: number) => `$${value.toFixed(2)}`;

/** "12.5" → 12.5, "off"/"none" → null; anything else is a usage error naming the flag. */
export function parseDailyCap(value: string, flag: string): number | null {
  const text = value.trim().replace(/^\$/, '');
  if (/^(off|none)$/i.test(text)) return null;
  const number = Number(text);
  if (text === '' || !Number.isFinite(number) || number < 0)
    throw new UsageError(
      `${flag} must be an amount of US dollars, 0 or more (e.g. 20 or 12.50), or "off" for no daily cap; got "${value}".`,
    );
  return number;
}

/** One line: today's spend against the cap, and which day "today" is. */
export function describeDailySpend(spend: DailySpend): string {
  const day = new Date(spend.dayStartedAt);
  const since = `${day.getFullYear()}-${String(day.getMonth() + 1).padStart(2, '0')}-${String(day.getDate()).padStart(2, '0')} 00:00 local time`;
  // Simulated spending is not money: said apart, never added to the real figure.
  const simulated =
    spend.simulatedTodayUsd > 0 ? `; simulated, not charged: ${usd(spend.simulatedTodayUsd)}` : '';
  return spend.capUsd === null
    ? `Spent today across all batches: ${usd(spend.spentTodayUsd)} since ${since}${simulated} (no daily cap; set one with: stillmotion daily-cap <usd>)`
    : `Spent today across all batches: ${usd(spend.spentTodayUsd)} of the ${usd(spend.capUsd)} daily cap since ${since}${simulated}`;
}
