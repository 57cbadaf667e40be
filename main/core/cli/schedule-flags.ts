// `run --start-at 01:00 --window 22:00-07:00` (and `watch`): a batch's hours from the command
// line, in the machine's local time, with errors that name the flag, the value and the form
// expected; and the line that says them back before anything is sent.
import {
  nextLocalTime,
  parseClockTime,
  parseWindow,
  windowText,
  localClockText,
  type BatchSchedule,
} from '../domain';
import { systemTimeZone } from '../domain';
import type { Clock } from '../util/clock';
import { UsageError } from './usage-error';

/** The schedule the flags give a new batch, and the line that says the one it got (empty: any time). */
export function hoursFromFlags(
  flags: ScheduleFlags,
  clock: Clock,
): { schedule: BatchSchedule | null | undefined; line(schedule: BatchSchedule | null | undefined): string } {
  const zone = systemTimeZone();
  const now = clock.now();
  const schedule = scheduleFromFlags(flags, now, zone);
  return {
    schedule,
    line: (given) => {
      const text = scheduleLine(given, now, zone);
      return text ? `${text}\n` : '';
    },
  };
}

export interface ScheduleFlags {
  startAt?: string;
  window?: string;
}

/**
 * The batch's schedule from the flags; undefined when neither is given (the account's default
 * schedule applies, see `stillmotion queue`), null for `--window off` alone.
 */
function scheduleFromFlags(
  flags: ScheduleFlags,
  now: number,
  zone: string,
): BatchSchedule | null | undefined {
  if (flags.startAt === undefined && flags.window === undefined) return undefined;
  let window: BatchSchedule['window'] = null;
  if (flags.window !== undefined && !/^(off|none|any)$/i.test(flags.window.trim())) {
    window = parseWindow(flags.window);
    if (!window)
      throw new UsageError(
        `--window must be two different times of day as HH:MM-HH:MM, e.g. 22:00-07:00 (from 22:00 to 07:00 the next morning), or "off"; got "${flags.window}".`,
      );
  }
  let startAt: number | null = null;
  if (flags.startAt !== undefined) {
    if (parseClockTime(flags.startAt) === null)
      throw new UsageError(
        `--start-at must be a time of day as HH:MM, e.g. 01:00 (the next 01:00 in local time); got "${flags.startAt}".`,
      );
    startAt = nextLocalTime(now, flags.startAt.trim().padStart(5, '0'), zone);
  }
  if (startAt === null && window === null) return null;
  return { startAt, window };
}

/** "Starts at 01:00; sends only between 22:00–07:00 local time." (empty: any time). */
function scheduleLine(schedule: BatchSchedule | null | undefined, now: number, zone: string): string {
  if (!schedule) return '';
  const parts: string[] = [];
  if (schedule.startAt !== null && schedule.startAt > now)
    parts.push(`starts at ${localClockText(schedule.startAt, now, zone)}`);
  if (schedule.window) parts.push(`sends only ${windowText(schedule.window)} local time`);
  if (parts.length === 0) return '';
  const text = parts.join('; ');
  return `${text[0]!.toUpperCase()}${text.slice(1)} (videos already sent finish outside it).`;
}
