// The account's queue on the command line, as users run it: two `stillmotion run` processes on
// one database with an account limit of 4 never have more than 4 generations in flight
// together (the simulator refuses beyond 4 with 429: none is refused) and the first batch in the
// queue finishes first; `queue` lists them in order; `concurrency` and `queue move` refuse what
// they cannot do in words.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../../../main/core/simulator';
import { cli, fastWorld, startCli, until, writeImages } from './helpers';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const { clock, work, images, out, db, env: envFor } = fastWorld('queue');
let sim: SimulatorHandle;
const env = () => envFor(sim.url);

beforeAll(async () => {
  await writeImages(join(images, 'a'), 6);
  await writeImages(join(images, 'b'), 6, 6);
  mkdirSync(out, { recursive: true });
  sim = await startSimulator({
    clock,
    // Two simulated minutes (6 s real): the first batch is still running when the second
    // starts and the queue is listed, however slowly a loaded machine starts the second CLI.
    generationMs: () => 120_000,
    maxActivePerAccount: 4,
    concurrencyCap: 4,
  });
});

afterAll(async () => {
  await sim?.close();
  work.remove();
});

describe('stillmotion concurrency, queue, two processes on one database', () => {
  it('refuses a limit that is not a count and a move without a direction, saying what they take', async () => {
    const bad = await cli(['concurrency', 'many', '--db', db], env());
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe(
      'concurrency must be a whole number of generations at once, 1 to 100 (e.g. 4), or "off" for no account-wide limit; got "many".',
    );
    const move = await cli(['queue', 'move', '1', '--db', db], env());
    expect(move.code).toBe(2);
    expect(move.stderr.trim()).toBe('queue move takes one of --top, --up, --down or --bottom.');
    const set = await cli(['concurrency', '4', '--db', db], env());
    expect(set.code).toBe(0);
    expect(set.stdout.trim()).toBe(
      'At most 4 generations in flight at once across all batches (0 generations in flight now).',
    );
  }, 60_000);

  it(
    'two runs at once never pass the account limit (0 refused by the simulator); the first in the queue finishes first',
    { timeout: 120_000 },
    async () => {
      const args = (folder: string) => [
        'run',
        join(images, folder),
        '-t',
        '{name}',
        '-p',
        '4',
        '--yes',
        '--out',
        join(out, folder),
        '--db',
        db,
      ];
      const first = startCli(args('a'), env());
      await until(() => /Batch (\d+) started/.test(first.stdout()), 'the first batch to start', 60_000).catch(
        (error: Error) => Promise.reject(new Error(`${error.message}: ${first.stderr()}`)),
      );
      const second = startCli(args('b'), env());
      await until(() => /Batch (\d+) started/.test(second.stdout()), 'the second batch to start', 60_000);
      const listed = await cli(['queue', '--db', db], env());
      expect(listed.code).toBe(0);
      const lines = listed.stdout.trim().split('\n');
      // Named by their folder and the local time they were made (engine/views.ts defaultBatchName).
      const made = String.raw`\(\d{4}-\d\d-\d\d \d\d:\d\d\)`;
      expect(lines[0]).toMatch(
        new RegExp(String.raw`^1\. batch 1 "a ${made}" running: \d+ queued, \d+ in flight; `),
      );
      expect(lines[1]).toMatch(new RegExp(String.raw`^2\. batch 2 "b ${made}" running: `));
      expect(lines.at(-1)).toMatch(/^At most 4 generations in flight at once across all batches/);
      expect([await first.exited, await second.exited]).toEqual([0, 0]);
      expect(sim.ledger.submits.filter((s) => s.httpStatus === 429)).toHaveLength(0);
      expect(sim.ledger.jobs.size).toBe(12);
      const status = JSON.parse((await cli(['status', '--json', '--db', db], env())).stdout) as {
        batches: { id: number; finishedAt: number; counts: { done: number } }[];
      };
      const [b, a] = status.batches; // newest first
      expect([a!.counts.done, b!.counts.done]).toEqual([6, 6]);
      expect(a!.finishedAt).toBeLessThan(b!.finishedAt);
      const json = JSON.parse((await cli(['queue', '--json', '--db', db], env())).stdout);
      expect(json).toEqual({ queue: [], limit: { configured: 4, lowered: null, effective: 4, inFlight: 0 } });
    },
  );
});
