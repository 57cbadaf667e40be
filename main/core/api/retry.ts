// Back-off arithmetic shared by the client's callers. Full jitter (a random delay between 0
// and the exponential cap) spreads retries of many items so they do not hit a recovering
// server in lock-step.
import type { Random } from '../util/clock';

export function fullJitterBackoff(attempt: number, random: Random, baseMs = 1000, capMs = 60_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt));
  return Math.round(random() * ceiling);
}

/**
 * Retry-After as milliseconds from `now`: either delta-seconds ("120") or an HTTP date.
 * Null when absent or unreadable; never negative; capped at an hour so a broken header cannot
 * park an item for days.
 */
export function parseRetryAfter(value: string | null | undefined, now: number): number | null {
  if (!value) return null;
  const text = value.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) ms = Number(text) * 1000;
  else {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return null;
    ms = at - now;
  }
  return Math.min(Math.max(0, Math.round(ms)), 3_600_000);
}
