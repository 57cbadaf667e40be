// `stillmotion watch` as a user runs it: a folder watched for new images; an image copied in
// slowly (half written, a pause, the rest) is sent only once it is complete; a rename is not
// paid twice; SIGTERM stops cleanly (exit 3, resumable); an image added while nothing ran is
// taken when `resume` continues the batch. One line per image taken and per video saved.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../../../main/core/simulator';
import { fastWorld, startCli, until, writeImages, type CliRun } from './helpers';

// A slower clock than the other CLI tests: the watch waits 5 s of it for a file to settle,
// and a pause in the middle of a copy must stay well inside that on a loaded machine.
const { clock, work, images, out, db, env: envFor } = fastWorld('watch', 4);
const incoming = join(work.path, 'incoming');
let sim: SimulatorHandle;
const env = () => envFor(sim.url);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

beforeAll(async () => {
  await writeImages(images, 1);
  await writeImages(incoming, 3, 1);
  mkdirSync(out, { recursive: true });
  sim = await startSimulator({ clock, generationMs: () => 8_000 });
});

afterAll(async () => {
  await sim?.close();
  work.remove();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const submitsOf = (bytes: Buffer) =>
  sim.ledger.submits.filter((s) => s.created && s.imageHash === sha256(bytes));
const stopped = async (run: CliRun) => {
  run.child.kill('SIGTERM');
  return run.exited;
};

describe('stillmotion watch', () => {
  it(
    'takes a slowly copied image once it is complete, a rename not twice; SIGTERM stops; resume takes what came meanwhile',
    { timeout: 180_000 },
    async () => {
      const args = ['watch', images, '-t', 'A slow push in on {name}', '--yes', '--out', out, '--db', db];
      const run = startCli(args, env());
      await until(() => /done -> .*shot-0\.mp4/.test(run.stdout()), 'the first image’s video', 60_000).catch(
        (error: Error) => Promise.reject(new Error(`${error.message}\n${run.stdout()}\n${run.stderr()}`)),
      );
      const batchId = Number(/Batch (\d+) started/.exec(run.stdout())![1]);
      expect(run.stdout()).toMatch(/Then watching .*images for new images/);

      // Half of a JPEG, a pause (under the 5 s of clock a file must stay the same), then the rest.
      const slow = readFileSync(join(incoming, 'shot-2.jpg'));
      const target = join(images, 'slow.jpg');
      writeFileSync(target, slow.subarray(0, slow.length >> 1));
      await sleep(400);
      writeFileSync(target, slow);
      // A download in progress under a temporary name is never looked at.
      writeFileSync(join(images, 'other.jpg.crdownload'), slow.subarray(0, 100));
      await until(
        () => /taken slow\.jpg \(item \d+\)/.test(run.stdout()),
        'the slow copy to be taken',
        60_000,
      );
      await until(() => /done -> .*slow\.mp4/.test(run.stdout()), 'its video', 60_000);
      expect(submitsOf(slow)).toHaveLength(1);
      expect(sim.ledger.submits.filter((s) => s.created)).toHaveLength(2);

      // Renamed: the same content under another name is not paid again.
      renameSync(target, join(images, 'renamed.jpg'));
      await until(
        () => /not taken renamed\.jpg: the same image as slow\.jpg, already in this batch/.test(run.stdout()),
        'the rename to be seen',
        60_000,
      );
      expect(submitsOf(slow)).toHaveLength(1);

      // SIGTERM: paused, resumable, exit 3.
      expect(await stopped(run)).toBe(3);
      expect(run.stderr()).toMatch(new RegExp(`paused; continue with: stillmotion resume ${batchId}`));

      // While nothing runs, an image arrives; resume takes it and saves its video.
      copyFileSync(join(incoming, 'day-2/shot-3.jpg'), join(images, 'late.jpg'));
      const resumed = startCli(['resume', String(batchId), '--db', db], env());
      await until(
        () => /taken late\.jpg \(item \d+\)/.test(resumed.stdout()),
        'the late image',
        60_000,
      ).catch((error: Error) =>
        Promise.reject(new Error(`${error.message}\n${resumed.stdout()}\n${resumed.stderr()}`)),
      );
      await until(() => /done -> .*late\.mp4/.test(resumed.stdout()), 'its video', 60_000);
      expect(await stopped(resumed)).toBe(3);
      expect(sim.ledger.submits.filter((s) => s.created)).toHaveLength(3);
      expect(sim.ledger.submits.filter((s) => s.httpStatus === 429)).toHaveLength(0);
    },
  );
});
