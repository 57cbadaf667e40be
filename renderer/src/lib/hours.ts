// Hours as the window's forms hold them (times of day as HH:MM, empty when not given), checked
// by the contract's one rule so the batch form's "When" part and Settings → Queue agree.
import { CLOCK_TIME } from '@common/contract/batches';

/** The time when it is one, null when empty or not a time of day. */
export function clockTimeOrNull(value: string): string | null {
  return CLOCK_TIME.test(value) ? value : null;
}

/** Whether a daily window is half given, not times of day, or starts where it ends (empty is fine). */
export function windowInvalid(from: string, to: string): boolean {
  if (from === '' && to === '') return false;
  return clockTimeOrNull(from) === null || clockTimeOrNull(to) === null || from === to;
}

/** The window to send: null when none is given (check windowInvalid first). */
export function windowOf(from: string, to: string): { start: string; end: string } | null {
  return from !== '' && to !== '' ? { start: from, end: to } : null;
}
