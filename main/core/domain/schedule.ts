// When a batch may send, in local wall-clock time: "start at 01:00" and "only between 22:00 and
// 07:00", across midnight and daylight-saving changes. Pure functions of an instant (clock ms)
// and an IANA time zone (the machine's by default; tests name one), so a test can run a night
// in Europe/Berlin or America/New_York on a fake clock.
//
// Local time is read with Intl (no library: the one question asked is "what does the wall
// clock show at this instant"). An edge (a window opening or closing, a start time reached) is
// the first instant at which that answer crosses a boundary: found by looking every few
// minutes ahead and then narrowing to the millisecond. So a local time that does not exist on a
// spring-forward day (02:30 in Berlin on the last Sunday of March) is reached when the clock
// jumps past it (03:00), and a window on a fall-back night lasts the extra hour the wall clock shows.
import type { BatchSchedule, DailyWindow } from './queue';

const MINUTE = 60_000;
/** How far apart the look-ahead samples are; an edge closer than this to another is still found in order. */
const SAMPLE_MS = 5 * MINUTE;
/** Two days and a bit: every daily edge (and a DST change) falls within it. */
const HORIZON_MS = 50 * 60 * MINUTE;
/**
 * The most a wall clock jumps at once (a DST change is an hour almost everywhere; two hours is
 * the most any zone has used), plus a margin: a boundary `d` wall-clock minutes away is never
 * reached by the real clock sooner than `d` minus this.
 */
const MAX_JUMP_MS = 150 * MINUTE;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The machine's time zone (IANA name). */
export function systemTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

function formatterFor(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-GB', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** The wall clock in `zone` at `at`: date and time of day. */
export function localParts(
  at: number,
  zone: string,
): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const parts: Record<string, number> = {};
  for (const part of formatterFor(zone).formatToParts(new Date(at)))
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour! % 24,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/**
 * The earliest instant after `from` at which the wall clock can reach one of `boundaries`
 * (minutes of the day): nothing changes before it, so the search for an edge starts there.
 */
function earliestBoundary(from: number, zone: string, boundaries: readonly number[]): number {
  const now = minuteOfDay(from, zone);
  const ahead = Math.min(...boundaries.map((b) => (((b - now) % 1440) + 1440) % 1440 || 1440));
  return from + Math.max(SAMPLE_MS, ahead * MINUTE - MAX_JUMP_MS);
}

/**
 * Zone offsets (ms) by zone and quarter hour: every zone's offset is a whole number of quarter
 * hours and changes on a quarter hour, so it is constant within one. Reading it with Intl costs
 * tens of microseconds; an edge search asks a few dozen times.
 */
const offsets = new Map<string, number>();
const QUARTER_HOUR = 15 * MINUTE;
const DAY = 1440 * MINUTE;

function offsetAt(at: number, zone: string): number {
  const key = `${zone}@${Math.floor(at / QUARTER_HOUR)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const { year, month, day, hour, minute, second } = localParts(at, zone);
    offset = Date.UTC(year, month - 1, day, hour, minute, second) - Math.floor(at / 1000) * 1000;
    if (offsets.size > 20_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

/** Minutes since local midnight at `at` (seconds as a fraction). */
function minuteOfDay(at: number, zone: string): number {
  const local = at + offsetAt(at, zone);
  return (((local % DAY) + DAY) % DAY) / MINUTE;
}

/** The local calendar day of `at`, as a day number (days since 1970-01-01 on the wall clock). */
function localDay(at: number, zone: string): number {
  return Math.floor((at + offsetAt(at, zone)) / DAY);
}

/** "01:00" → 60; "7:30" → 450; anything else (25:00, 1h, 12:5) → null. */
export function parseClockTime(text: string): number | null {
  const match = /^\s*(\d{1,2}):(\d{2})\s*$/.exec(text);
  if (!match) return null;
  const hours = Number(match[1]);
  const minutes = Number(match[2]);
  if (hours > 23 || minutes > 59) return null;
  return hours * 60 + minutes;
}

/** "22:00-07:00" (or with an en dash or "to") → the window; null when it is not two times, or both the same. */
export function parseWindow(text: string): DailyWindow | null {
  const match = /^\s*([\d:]+)\s*(?:-|–|to)\s*([\d:]+)\s*$/.exec(text);
  if (!match) return null;
  const start = parseClockTime(match[1]!);
  const end = parseClockTime(match[2]!);
  if (start === null || end === null || start === end) return null;
  return { start: clockText(start), end: clockText(end) };
}

/** 60 → "01:00". */
export function clockText(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** "22:00–07:00". */
export function windowText(window: DailyWindow): string {
  return `${window.start}–${window.end}`;
}

/** Whether the wall clock in `zone` at `at` is inside the window (start included, end not). */
export function inWindow(window: DailyWindow, at: number, zone: string): boolean {
  const start = parseClockTime(window.start) ?? 0;
  const end = parseClockTime(window.end) ?? 0;
  const now = minuteOfDay(at, zone);
  return start < end ? now >= start && now < end : now >= start || now < end;
}

/**
 * The first instant after `from` at which `test` turns from `!want` to `want` (null: not within
 * the horizon). `test(from)` is taken as it is: when it already holds `want`, the instant is
 * after it has turned away and back.
 */
function nextEdge(
  from: number,
  want: boolean,
  test: (at: number) => boolean,
  earliest = from + SAMPLE_MS,
): number | null {
  let previous = from;
  let previousValue = test(from);
  for (let at = Math.max(earliest, from + 1); at <= from + HORIZON_MS; at += SAMPLE_MS) {
    const value = test(at);
    if (value !== previousValue) {
      // Narrow (previous, at] to the first millisecond of the new value.
      let low = previous;
      let high = at;
      while (high - low > 1) {
        const middle = Math.floor((low + high) / 2);
        if (test(middle) === value) high = middle;
        else low = middle;
      }
      if (value === want) return high;
    }
    previous = at;
    previousValue = value;
  }
  return null;
}

/**
 * The first instant at or after `now` when the wall clock in `zone` shows `time` ("01:00") or,
 * when that time is skipped (a spring-forward night), the instant it is jumped over.
 */
export function nextLocalTime(now: number, time: string, zone: string): number {
  const target = parseClockTime(time);
  if (target === null) throw new RangeError(`Not a time of day: "${time}" (expected HH:MM, e.g. 01:00).`);
  const reached = (at: number) => minuteOfDay(at, zone) >= target;
  if (target === 0) {
    // Midnight: the moment the day turns (minute of day drops).
    const today = localDay(now, zone);
    return nextEdge(now, true, (at) => localDay(at, zone) !== today) ?? now;
  }
  if (minuteOfDay(now, zone) === target) return now;
  return nextEdge(now, true, reached, earliestBoundary(now, zone, [target, 0])) ?? now;
}

export type Gate =
  /** New work may be sent; `closesAt` is when that ends (null: not within two days, or never). */
  | { open: true; closesAt: number | null }
  /** Nothing new is sent until `opensAt` (null: the window never opens, e.g. a bad zone). */
  | { open: false; opensAt: number | null; why: 'start_at' | 'window' };

/** Whether a batch with this schedule may send new work at `now`, and until or from when. */
export function scheduleGate(schedule: BatchSchedule | null, now: number, zone: string): Gate {
  if (!schedule) return { open: true, closesAt: null };
  const { startAt, window } = schedule;
  if (startAt !== null && now < startAt) {
    // Not started yet: it opens at the start time, or at the window's next opening after it.
    if (!window || inWindow(window, startAt, zone)) return { open: false, opensAt: startAt, why: 'start_at' };
    return {
      open: false,
      opensAt: nextEdge(startAt, true, (at) => inWindow(window, at, zone)),
      why: 'start_at',
    };
  }
  if (!window) return { open: true, closesAt: null };
  const test = (at: number) => inWindow(window, at, zone);
  if (test(now)) return { open: true, closesAt: nextEdge(now, false, test) };
  return { open: false, opensAt: nextEdge(now, true, test), why: 'window' };
}

/**
 * When `workMs` of sending starting at `now` is done if it runs only while the schedule is open
 * (the ETA of a batch with a night window): open spans are used up in order, closed ones skipped.
 */
export function finishTime(
  workMs: number,
  now: number,
  schedule: BatchSchedule | null,
  zone: string,
): number {
  let at = now;
  let left = Math.max(0, workMs);
  // Bounded: a window of at least a minute a day uses up any realistic ETA long before this.
  for (let step = 0; step < 400 && left > 0; step++) {
    const gate = scheduleGate(schedule, at, zone);
    if (gate.open) {
      const span = gate.closesAt === null ? Infinity : gate.closesAt - at;
      if (span >= left) return at + left;
      left -= span;
      at = gate.closesAt!;
    } else {
      if (gate.opensAt === null) return Infinity;
      at = gate.opensAt;
    }
  }
  return left > 0 ? Infinity : at;
}

/** The cheap question asked before each submit: may new work go out now (no edge is searched)? */
export function scheduleOpen(schedule: BatchSchedule | null, now: number, zone: string): boolean {
  if (!schedule) return true;
  if (schedule.startAt !== null && now < schedule.startAt) return false;
  return !schedule.window || inWindow(schedule.window, now, zone);
}

/** An instant as the wall clock in `zone` shows it: "01:00", or "2026-03-29 01:00" when not within the next day. */
export function localClockText(at: number, now: number, zone: string): string {
  const { year, month, day, hour, minute } = localParts(at, zone);
  const time = `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
  if (at - now < 20 * 60 * MINUTE) return time;
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')} ${time}`;
}
