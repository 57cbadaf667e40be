// `stillmotion resubmit` as a child process: the items whose submit answer was lost
// (unknown_submit) are what the run's last line tells the user to check and resubmit; the
// command names each item, says it may pay twice, sends nothing unless told (--yes or "y"),
// then sends them again and runs the batch to its videos. A failed or done item is refused
// with its state and the command that fits it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../../../main/core/simulator';
import { cli, fastWorld, writeImages } from './helpers';

const { clock, work, images, out, db, env: envFor, mp4s } = fastWorld('resubmit');
let sim: SimulatorHandle;

const env = () => envFor(sim.url);

beforeAll(async () => {
  await writeImages(images, 2);
  sim = await startSimulator({ clock, generationMs: () => 10_000 });
  // Every submit answers 500: sent, but whether it was created is unknown.
  sim.setFaults({ http5xx: 1 }, ['submit']);
});

afterAll(async () => {
  await sim?.close();
  work.remove();
});

describe('stillmotion resubmit', () => {
  it(
    'names the lost items and the risk, resubmits only when told, then runs them to videos',
    { timeout: 120_000 },
    async () => {
      const run = await cli(['run', images, '-t', '{name}', '--yes', '--out', out, '--db', db], env());
      expect(run.code, run.stderr).toBe(1);
      const batchId = /Batch (\d+) started/.exec(run.stdout)![1]!;
      // The last words say what to do about answers that were lost.
      expect(run.stderr).toContain(`2 sent whose answer was lost may already be paid`);
      expect(run.stderr).toContain(`stillmotion resubmit ${batchId}`);
      expect(run.stderr).not.toContain('stillmotion retry');
      sim.setFaults({});
      const sent = sim.ledger.submits.length;

      // The same folder run again sends nothing and points at resubmit, never at --force (which
      // would send them again unchecked, perhaps paying twice).
      const rerun = await cli(['run', images, '-t', '{name}', '--yes', '--out', out, '--db', db], env());
      expect(rerun.code).toBe(2);
      expect(rerun.stdout).toContain(`its answer was lost: it may be paid already`);
      expect(rerun.stderr.trim()).toBe(
        'Nothing to send: every usable image is already generated or on its way (see above).',
      );
      expect(sim.ledger.submits.length).toBe(sent);
      // What they may have cost is shown beside what was surely spent, not hidden in it.
      const status = await cli(['status', batchId, '--db', db], env());
      expect(status.stdout).toMatch(/spent \$0\.00 \+ up to \$0\.84 whose answer was lost \(no cap\)/);

      const refused = await cli(['resubmit', batchId, '--db', db], env());
      expect(refused.code).toBe(2);
      expect(refused.stdout).toMatch(
        new RegExp(`^Resubmit 2 items of batch ${batchId} whose submit answer was lost:$`, 'm'),
      );
      expect(refused.stdout).toMatch(/^ {2}item \d+ \S*shot-1\.jpg$/m);
      expect(refused.stdout).toMatch(/may pay twice, up to \$\d+\.\d\d in all\.$/m);
      expect(refused.stderr.trim()).toBe('Nothing resubmitted: add --yes to resubmit without being asked.');
      expect(sim.ledger.submits.length).toBe(sent);

      const resubmitted = await cli(['resubmit', batchId, '--yes', '--db', db], env());
      expect(resubmitted.code, resubmitted.stderr).toBe(0);
      expect(resubmitted.stdout).toMatch(new RegExp(`^Resubmitting 2 items of batch ${batchId}\\.$`, 'm'));
      expect(sim.ledger.submits.length).toBe(sent + 2);
      expect(mp4s()).toHaveLength(2);

      // Nothing lost is left; a done item is named with its state and what fits it.
      const again = await cli(['resubmit', batchId, '--yes', '--db', db], env());
      expect(again.code).toBe(0);
      expect(again.stdout.trim()).toBe(`Batch ${batchId} has no items whose submit answer was lost.`);
      const report = JSON.parse((await cli(['report', batchId, '--json', '--db', db], env())).stdout) as {
        items: { id: number; relativePath: string }[];
      };
      const item = report.items[0]!;
      const done = await cli(['resubmit', batchId, '--item', String(item.id), '--yes', '--db', db], env());
      expect(done.code).toBe(2);
      expect(done.stderr.trim()).toMatch(
        new RegExp(
          `^Item ${item.id} \\(${item.relativePath}\\) is done; only items whose submit answer was lost`,
        ),
      );
      expect(sim.ledger.submits.length).toBe(sent + 2);
    },
  );
});
