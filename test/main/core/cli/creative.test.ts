// Creative controls from the command line against the simulator: takes. Every request must be
// accepted by the simulator and every video named as the README says.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditLedger,
  DEMO_API_KEY,
  startSimulator,
  type SimulatorHandle,
} from '../../../../main/core/simulator';
import { scaledClock } from '../../../../main/core/util/clock';
import { childEnv, cli, tempDir, writeImages } from './helpers';

const FACTOR = 20;
const EPOCH = Date.now();
const clock = scaledClock(FACTOR, EPOCH, EPOCH);
const work = tempDir('sm-cli-creative-');
const images = join(work.path, 'images');
let sim: SimulatorHandle;

const env = () =>
  childEnv(join(work.path, 'data'), {
    STILLMOTION_CLOCK_FACTOR: String(FACTOR),
    STILLMOTION_CLOCK_EPOCH: String(EPOCH),
    RUNCOMFY_API_BASE: sim.url,
    RUNCOMFY_API_KEY: DEMO_API_KEY,
  });
const mp4s = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, encoding: 'utf8' })
        .filter((f) => f.endsWith('.mp4'))
        .sort()
    : [];

beforeAll(async () => {
  await writeImages(images, 2);
  sim = await startSimulator({ clock, generationMs: () => 10_000 });
});
afterAll(async () => {
  await sim.close();
  work.remove();
});

describe('stillmotion run --takes', () => {
  it('2 takes per image: every take sent and named {name}-take{take}.mp4; 3 takes later sends only the third', async () => {
    const out = join(work.path, 'out-takes');
    const db = join(work.path, 'takes.sqlite');
    const args = ['run', images, '-t', '{name}, take {take}', '--yes', '--out', out, '--db', db];
    const two = await cli([...args, '--takes', '2'], env());
    expect(two.code, two.stderr).toBe(0);
    expect(two.stdout).toMatch(/Found 2 files \(2 takes each\): 4 to send, 0 rejected, 0 already generated/);
    expect(mp4s(out)).toEqual([
      'day-2/shot-1-take1.mp4',
      'day-2/shot-1-take2.mp4',
      'shot-0-take1.mp4',
      'shot-0-take2.mp4',
    ]);
    expect(sim.ledger.submits.map((s) => s.prompt).sort()).toEqual([
      'shot-0, take 1',
      'shot-0, take 2',
      'shot-1, take 1',
      'shot-1, take 2',
    ]);
    // Asked again with 3 takes: the two takes already made are skipped, only take 3 is paid.
    const three = await cli([...args, '--takes', '3'], env());
    expect(three.code, three.stderr).toBe(0);
    expect(three.stdout).toMatch(/\(3 takes each\): 2 to send, 0 rejected, 4 already generated/);
    expect(mp4s(out)).toHaveLength(6);
    const audit = auditLedger(sim.ledger);
    expect(audit.jobsCreated).toBe(6);
    expect(audit.duplicateJobs).toBe(0);
    expect(sim.ledger.submits.map((s) => s.httpStatus)).toEqual([200, 200, 200, 200, 200, 200]);
  });

  it('refuses --takes 11 before scanning or paying, naming the flag, the value and the range', async () => {
    const run = await cli(['run', images, '-t', '{name}', '--takes', '11', '--yes'], env());
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--takes must be a whole number from 1 to 10 videos per image, got "11".');
  });
});
