// When to ask RunComfy again: its Retry-After header read as a delay, else the back-off of API
// calls (the one formula of util/backoff.ts, with the API's base, cap and full jitter).
import type { Backoff } from '../util/backoff';

/** Retrying RunComfy's API (submit, status, result): full jitter from 2 s up to 5 minutes. */
export const API_BACKOFF: Backoff = { baseMs: 2000, capMs: 5 * 60_000, jitter: 1 };

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
