// The daily cap after a real crash mid-submit: the process driving one batch is killed with
// SIGKILL between sending a request and storing its answer. That request may be paid, so it
// keeps counting against today's cap: a second batch started afterwards gets no room for it.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountSpendStore } from '../../../../main/core/db/account-spend';
import { closeDatabase, openDatabase } from '../../../../main/core/db/connection';
import { JobStore } from '../../../../main/core/db/store';
import { createEngine, readImageRefsAsDataUris } from '../../../../main/core/engine';
import { startSimulator } from '../../../../main/core/simulator';
import { DEMO_API_KEY, type SimulatorHandle } from '../../../../main/core/simulator/types';
import { systemClock, type Clock } from '../../../../main/core/util/clock';
import { makeImages, plannedItems, settingsFor, tempDir } from './helpers';

const SPEED = 1000;
const runner = join(__dirname, 'crash-runner.ts');

function run(env: Record<string, string>): Promise<{ signal: NodeJS.Signals | null; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', runner], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (_code, signal) => resolve({ signal, err }));
  });
}

let sim: SimulatorHandle;
let dir: ReturnType<typeof tempDir>;
beforeAll(async () => {
  sim = await startSimulator({ timeScale: 1 / SPEED, seed: 3, outputBytes: 64 * 1024 });
  dir = tempDir('sm-daily-crash-');
});
afterAll(async () => {
  await sim.close();
  dir.remove();
});

describe('daily cap after a kill mid-submit', () => {
  it('still counts the request whose answer was lost, so the next batch does not spend it again', async () => {
    const dbPath = join(dir.path, 'jobs.sqlite');
    const outputDir = join(dir.path, 'out');
    const settings = settingsFor(outputDir, { concurrency: 1 });
    const db = openDatabase(dbPath);
    const store = new JobStore(db);
    // $1.00 a day at 0.42 a video: two fit.
    new AccountSpendStore(db).setDailyCap(1);
    const first = store.batches.createBatch(
      settings,
      plannedItems(makeImages(join(dir.path, 'a'), 3), settings),
      'first',
      Date.now(),
    );
    const second = store.batches.createBatch(
      settings,
      plannedItems(makeImages(join(dir.path, 'b'), 3), settings),
      'second',
      Date.now(),
    );
    closeDatabase(db);

    // The first batch's second request is sent, then the process dies before storing the answer.
    const epoch = Date.now();
    const killed = await run({
      SM_DB: dbPath,
      SM_API: sim.url,
      SM_BATCH: String(first),
      SM_EPOCH: String(epoch),
      SM_SPEED: String(SPEED),
      SM_DAY_START: '0',
      STILLMOTION_CRASH_AT: 'after-send:2',
    });
    expect({ signal: killed.signal, err: killed.err.slice(0, 300) }).toEqual({ signal: 'SIGKILL', err: '' });
    expect(sim.ledger.charges).toHaveLength(2); // both were accepted (and billed) by the API

    const clock: Clock = {
      now: () => epoch + (Date.now() - epoch) * SPEED,
      sleep: (ms, signal) => systemClock.sleep(ms / SPEED, signal),
    };
    const engine = createEngine({
      dbPath,
      owner: 'after-the-crash',
      clock,
      dayStart: () => 0,
      apiBaseUrl: sim.url,
      apiKey: DEMO_API_KEY,
      materializeRequest: readImageRefsAsDataUris,
    });
    try {
      expect(engine.dailySpend().spentTodayUsd).toBeCloseTo(0.84, 6);
      engine.commands.startBatch(second);
      await engine.idle();
      const batch = engine.getBatch(second)!;
      expect(batch).toMatchObject({ state: 'paused', pauseReason: 'daily_cap_reached' });
      expect(batch.counts.queued).toBe(3);
      // Nothing more was sent: the lost answer's request still holds its place under the cap.
      expect(sim.ledger.charges).toHaveLength(2);
      expect(sim.ledger.charges.reduce((sum, c) => sum + c.usd, 0)).toBeLessThanOrEqual(1);
    } finally {
      await engine.close();
    }
  }, 60_000);
});
