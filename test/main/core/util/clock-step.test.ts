// The wall-clock steps of the night test (STILLMOTION_CLOCK_STEP_FILE): a process's clock moves
// by the offset the file holds, forward and back, picked up while it runs; a missing or
// unreadable file is no step; sleeps are not moved. Without the variable nothing changes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { clockFromEnv, steppedClock, systemClock, type Clock } from '../../../../main/core/util/clock';

let dir: string;
let stepFile: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sm-clock-step-'));
  stepFile = join(dir, 'step');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A clock standing still at `at`, so the offset is all that moves. */
const still = (at: number): Clock => ({ now: () => at, sleep: systemClock.sleep });

/** Reads until the clock shows `wanted` (the file is re-read every 100 real ms). */
async function shows(clock: Clock, wanted: number): Promise<number> {
  while (clock.now() !== wanted) await new Promise((resolve) => setTimeout(resolve, 10));
  return clock.now();
}

describe('stepped clock', () => {
  it('moves by the offset the file holds, forward and back, while the process runs', async () => {
    writeFileSync(stepFile, String(15 * 60_000));
    const clock = steppedClock(still(1_000_000), stepFile);
    expect(clock.now()).toBe(1_000_000 + 15 * 60_000);
    writeFileSync(stepFile, String(-5 * 60_000));
    expect(await shows(clock, 1_000_000 - 5 * 60_000)).toBe(700_000);
    rmSync(stepFile);
    expect(await shows(clock, 1_000_000)).toBe(1_000_000);
    writeFileSync(stepFile, '500');
    await shows(clock, 1_000_500);
    writeFileSync(stepFile, 'soon'); // unreadable as a number: no step
    expect(await shows(clock, 1_000_000)).toBe(1_000_000);
  });

  it('does not move sleeps', () => {
    const base = still(5);
    writeFileSync(stepFile, '7');
    const clock = steppedClock(base, stepFile);
    expect(clock.sleep).toBe(base.sleep);
    expect(clock.now()).toBe(12);
  });

  it('comes from the environment with the shared fast clock, and only when asked', () => {
    writeFileSync(stepFile, String(60_000));
    const epoch = Date.now() - 1000;
    const env = { STILLMOTION_CLOCK_FACTOR: '50', STILLMOTION_CLOCK_EPOCH: String(epoch) };
    const plain = clockFromEnv(env);
    const stepped = clockFromEnv({ ...env, STILLMOTION_CLOCK_STEP_FILE: stepFile });
    const difference = stepped.now() - plain.now();
    // The two read the fast clock a moment apart (50 simulated ms per real ms).
    expect(difference).toBeGreaterThanOrEqual(60_000);
    expect(difference).toBeLessThan(60_000 + 50 * 1000);
    expect(clockFromEnv({})).toBe(systemClock);
  });
});
