// The night schedule as pure functions of an instant and a named time zone: a start time and a
// window across midnight, on the daylight-saving days of Europe/Berlin and America/New_York
// (2026: Berlin springs forward on 29 March and falls back on 25 October; New York on 8 March
// and 1 November), and the ETA that skips the closed hours.
import { describe, expect, it } from 'vitest';
import {
  finishTime,
  inWindow,
  nextLocalTime,
  parseWindow,
  scheduleGate,
} from '../../../main/core/domain/schedule';

const utc = (text: string) => Date.parse(`${text}Z`);
const HOUR = 3_600_000;
const night = { start: '22:00', end: '07:00' };

describe('parsing', () => {
  it('reads a window in the forms people write, and refuses what is not two times', () => {
    expect(parseWindow('22:00-07:00')).toEqual(night);
    expect(parseWindow(' 22:00 – 7:00 ')).toEqual(night);
    expect(parseWindow('9:30 to 17:00')).toEqual({ start: '09:30', end: '17:00' });
    expect(parseWindow('22:00')).toBeNull();
    expect(parseWindow('25:00-07:00')).toBeNull();
    expect(parseWindow('07:00-07:00')).toBeNull();
  });
});

describe('a window across midnight', () => {
  it('is open from its start to its end, the end excluded, in the zone named', () => {
    const zone = 'Europe/Berlin'; // UTC+1 in winter
    expect(inWindow(night, utc('2026-01-10T20:59:59'), zone)).toBe(false); // 21:59:59
    expect(inWindow(night, utc('2026-01-10T21:00:00'), zone)).toBe(true); // 22:00
    expect(inWindow(night, utc('2026-01-10T23:30:00'), zone)).toBe(true); // 00:30
    expect(inWindow(night, utc('2026-01-11T05:59:59'), zone)).toBe(true); // 06:59:59
    expect(inWindow(night, utc('2026-01-11T06:00:00'), zone)).toBe(false); // 07:00
    expect(inWindow(night, utc('2026-01-11T06:00:00'), 'America/New_York')).toBe(true); // 01:00 there
  });

  it('says when it closes while open, and when it opens while closed', () => {
    const zone = 'Europe/Berlin';
    expect(scheduleGate({ startAt: null, window: night }, utc('2026-01-10T23:00:00'), zone)).toEqual({
      open: true,
      closesAt: utc('2026-01-11T06:00:00'),
    });
    expect(scheduleGate({ startAt: null, window: night }, utc('2026-01-11T12:00:00'), zone)).toEqual({
      open: false,
      opensAt: utc('2026-01-11T21:00:00'),
      why: 'window',
    });
  });
});

describe('Europe/Berlin, spring forward (29 March 2026, 02:00 → 03:00)', () => {
  const zone = 'Europe/Berlin';

  it('a 22:00–07:00 night is an hour shorter: it opens at 21:00 UTC and closes at 05:00 UTC', () => {
    const gate = scheduleGate({ startAt: null, window: night }, utc('2026-03-28T12:00:00'), zone);
    expect(gate).toEqual({ open: false, opensAt: utc('2026-03-28T21:00:00'), why: 'window' });
    const open = scheduleGate({ startAt: null, window: night }, utc('2026-03-28T21:00:00'), zone);
    expect(open).toEqual({ open: true, closesAt: utc('2026-03-29T05:00:00') });
  });

  it('a start at 02:30, a time that does not exist that night, is when the clock jumps past it', () => {
    expect(nextLocalTime(utc('2026-03-28T22:00:00'), '02:30', zone)).toBe(utc('2026-03-29T01:00:00'));
    // The next night it exists again, at UTC+2.
    expect(nextLocalTime(utc('2026-03-29T12:00:00'), '02:30', zone)).toBe(utc('2026-03-30T00:30:00'));
  });
});

describe('Europe/Berlin, fall back (25 October 2026, 03:00 → 02:00)', () => {
  it('a 22:00–07:00 night lasts ten hours by the real clock', () => {
    const open = scheduleGate({ startAt: null, window: night }, utc('2026-10-24T20:00:00'), 'Europe/Berlin');
    expect(open).toEqual({ open: true, closesAt: utc('2026-10-25T06:00:00') });
  });

  it('a start at 02:30 is the first 02:30 of the two that night', () => {
    expect(nextLocalTime(utc('2026-10-24T22:00:00'), '02:30', 'Europe/Berlin')).toBe(
      utc('2026-10-25T00:30:00'),
    );
  });
});

describe('America/New_York', () => {
  const zone = 'America/New_York';

  it('spring forward (8 March 2026): a 01:00 start is at 06:00 UTC, the window closes at 11:00 UTC', () => {
    expect(nextLocalTime(utc('2026-03-07T20:00:00'), '01:00', zone)).toBe(utc('2026-03-08T06:00:00'));
    const open = scheduleGate({ startAt: null, window: night }, utc('2026-03-08T06:00:00'), zone);
    expect(open).toEqual({ open: true, closesAt: utc('2026-03-08T11:00:00') });
  });

  it('fall back (1 November 2026): the night opens at 02:00 UTC and closes at 12:00 UTC, ten hours', () => {
    const gate = scheduleGate({ startAt: null, window: night }, utc('2026-10-31T18:00:00'), zone);
    expect(gate).toEqual({ open: false, opensAt: utc('2026-11-01T02:00:00'), why: 'window' });
    const open = scheduleGate({ startAt: null, window: night }, utc('2026-11-01T02:00:00'), zone);
    expect(open).toEqual({ open: true, closesAt: utc('2026-11-01T12:00:00') });
  });
});

describe('a start time with a window', () => {
  it('waits for the start, then for the window if the start falls outside it', () => {
    const zone = 'Europe/Berlin';
    const startAt = utc('2026-01-11T00:00:00'); // 01:00 local
    expect(scheduleGate({ startAt, window: null }, utc('2026-01-10T20:00:00'), zone)).toEqual({
      open: false,
      opensAt: startAt,
      why: 'start_at',
    });
    // Start at 08:00 local with a night window: nothing until 22:00 that evening.
    const morning = utc('2026-01-11T07:00:00');
    expect(scheduleGate({ startAt: morning, window: night }, utc('2026-01-11T06:00:00'), zone)).toEqual({
      open: false,
      opensAt: utc('2026-01-11T21:00:00'),
      why: 'start_at',
    });
    expect(scheduleGate({ startAt, window: null }, startAt, zone)).toEqual({ open: true, closesAt: null });
  });
});

describe('the ETA skips the closed hours', () => {
  it('three hours of work from 06:00 with a 22:00–07:00 window end at midnight', () => {
    const zone = 'Europe/Berlin';
    const six = utc('2026-01-11T05:00:00'); // 06:00 local
    expect(finishTime(3 * HOUR, six, { startAt: null, window: night }, zone)).toBe(
      utc('2026-01-11T23:00:00'),
    );
    expect(finishTime(3 * HOUR, six, null, zone)).toBe(six + 3 * HOUR);
  });

  it('across the fall-back night, the extra hour is used', () => {
    const zone = 'America/New_York';
    const opens = utc('2026-11-01T02:00:00');
    expect(finishTime(10 * HOUR, opens, { startAt: null, window: night }, zone)).toBe(
      utc('2026-11-01T12:00:00'),
    );
    // Eleven hours need the next night too: one more hour after 22:00 EST (03:00 UTC on 2 November).
    expect(finishTime(11 * HOUR, opens, { startAt: null, window: night }, zone)).toBe(
      utc('2026-11-02T04:00:00'),
    );
  });
});
