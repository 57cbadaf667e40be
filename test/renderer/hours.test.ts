// Hours as the window's forms hold them (renderer/src/lib/hours.ts), in Node: the batch form's
// "When" part and Settings → Queue check and send them by this one rule, the contract's.
import { describe, expect, it } from 'vitest';
import { defaultScheduleSchema } from '../../common/contract/batches';
import { clockTimeOrNull, windowInvalid, windowOf } from '../../renderer/src/lib/hours';

describe('hours in the forms', () => {
  it('takes a time of day and leaves out anything else', () => {
    expect(clockTimeOrNull('22:00')).toBe('22:00');
    expect(clockTimeOrNull('')).toBeNull();
    expect(clockTimeOrNull('9:00')).toBeNull();
  });

  it('accepts no window or a whole one, and refuses half a window or one that ends where it starts', () => {
    expect(windowInvalid('', '')).toBe(false);
    expect(windowInvalid('22:00', '07:00')).toBe(false);
    expect(windowInvalid('22:00', '')).toBe(true);
    expect(windowInvalid('', '07:00')).toBe(true);
    expect(windowInvalid('22:00', '22:00')).toBe(true);
    expect(windowInvalid('22', '07:00')).toBe(true);
  });

  it('sends what main accepts: the window when whole, none when empty', () => {
    expect(windowOf('', '')).toBeNull();
    const sent = { startAt: clockTimeOrNull('01:30'), window: windowOf('22:00', '07:00') };
    expect(sent).toEqual({ startAt: '01:30', window: { start: '22:00', end: '07:00' } });
    expect(defaultScheduleSchema.safeParse(sent).success).toBe(true);
  });
});
