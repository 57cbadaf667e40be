// The daily cap and the latest-batch report on the command line, as a user runs them: the cap
// is set once (`run --daily-cap` or `daily-cap <usd>`), kept in the database, stops a run that
// reaches it with exit 3 and the reason, and `report` without an id names the batch it reports.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../../../main/core/simulator';
import { cli, fastWorld, writeImages } from './helpers';

const { clock, work, images, out, db, env: envFor } = fastWorld('daily');
let sim: SimulatorHandle;

const env = () => envFor(sim.url);

beforeAll(async () => {
  await writeImages(images, 3);
  sim = await startSimulator({ clock, generationMs: () => 5_000 });
});

afterAll(async () => {
  await sim?.close();
  work.remove();
});

describe('stillmotion daily-cap, run --daily-cap, report without a batch id', () => {
  it('refuses a cap that is not an amount, naming the flag and what it expects', async () => {
    const bad = await cli(['daily-cap', 'lots', '--db', db], env());
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim()).toBe(
      'daily-cap must be an amount of US dollars, 0 or more (e.g. 20 or 12.50), or "off" for no daily cap; got "lots".',
    );
    const empty = await cli(['report', '--db', db], env());
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/No batches yet, so there is nothing to report/);
  }, 60_000);

  it(
    'stops a run at the cap with exit 3 and the reason; the cap stays saved; report names the latest batch',
    { timeout: 120_000 },
    async () => {
      // 0.42 a video: one fits in $0.50, the second would pass it.
      const run = await cli(
        ['run', images, '-t', '{name}', '--yes', '--out', out, '--db', db, '--daily-cap', '0.50'],
        env(),
      );
      expect(run.code, run.stderr).toBe(3);
      expect(run.stderr).toMatch(
        /Spent today across all batches: \$0\.00 of the \$0\.50 daily cap since \d{4}-\d\d-\d\d 00:00 local time/,
      );
      expect(run.stderr).toMatch(
        /paused: The daily spending cap of \$0\.50 is reached: \$0\.42 was spent today across all batches\./,
      );
      expect(sim.ledger.charges).toHaveLength(1);
      const batchId = /Batch (\d+) started/.exec(run.stdout)![1]!;
      // The one video has its sidecar, naming the request the simulator billed.
      const sidecars = readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((f) =>
        f.endsWith('.json'),
      );
      expect(sidecars).toHaveLength(1);
      const sidecar = JSON.parse(readFileSync(join(out, sidecars[0]!), 'utf8'));
      expect(sim.ledger.jobs.has(sidecar.requestId)).toBe(true);
      expect(sidecar.video.file).toBe(
        sidecars[0]!
          .split(/[\\/]/)
          .pop()!
          .replace(/\.json$/, '.mp4'),
      );

      const shown = await cli(['daily-cap', '--db', db], env());
      expect(shown.code).toBe(0);
      expect(shown.stdout).toMatch(
        /^Spent today across all batches: \$0\.42 of the \$0\.50 daily cap since /,
      );

      // `status` without a batch ends with today's spend across all batches against the cap.
      const status = await cli(['status', '--db', db], env());
      expect(status.stdout.trim().split('\n').at(-1)).toMatch(
        /^Spent today across all batches: \$0\.42 of the \$0\.50 daily cap since /,
      );

      const report = await cli(['report', '--csv', '--db', db], env());
      expect(report.code, report.stderr).toBe(0);
      expect(report.stderr).toContain(`Reporting the latest batch: ${batchId} "`);
      expect(report.stdout.split('\n')[0]).toMatch(/^file,/);

      const off = await cli(['daily-cap', 'off', '--db', db], env());
      expect(off.stdout).toMatch(/\(no daily cap; set one with: stillmotion daily-cap <usd>\)/);
    },
  );
});
