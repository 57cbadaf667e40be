// `stillmotion retry` as a child process: it says how many failed items it would retry and
// what they may cost, sends nothing unless told (--yes, or "y" on a terminal), then retries
// and runs the batch to its end with the usual exit codes; an item that cannot be retried is
// named with its state. Then `run --from <batch> --only rejected`: new takes of the videos
// rejected in the review, in a new batch, next to (never over) the first takes. Every video has
// its sidecar, which parses as JSON and names the request the simulator's ledger ran and billed
// (the retry's, not the failed first attempt's); `report` without an id reports the newest batch.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../../../main/core/engine';
import { DEMO_API_KEY, startSimulator, type SimulatorHandle } from '../../../../main/core/simulator';
import { cli, fastWorld, writeImages } from './helpers';

const { clock, work, images, out, db, env: envFor, mp4s } = fastWorld('retry');
let sim: SimulatorHandle;

const env = () => envFor(sim.url);

/** Every video's sidecar, parsed; each must name a request the simulator ran to a video and billed. */
function sidecarsMatchLedger(): { requestId: string; video: { file: string } }[] {
  const sidecars = mp4s().map((video) => {
    const path = join(out, video.replace(/\.mp4$/, '.json'));
    expect(existsSync(path), `no sidecar beside ${video}`).toBe(true);
    return JSON.parse(readFileSync(path, 'utf8')) as {
      requestId: string;
      costUsd: number;
      video: { file: string };
    };
  });
  for (const sidecar of sidecars) {
    expect(sim.ledger.jobs.get(sidecar.requestId)?.status).toBe('succeeded');
    const charge = sim.ledger.charges.find((c) => c.requestId === sidecar.requestId);
    expect(charge?.usd).toBeCloseTo(sidecar.costUsd, 6);
  }
  expect(JSON.stringify(sidecars)).not.toContain(DEMO_API_KEY);
  return sidecars;
}

beforeAll(async () => {
  await writeImages(images, 3);
  sim = await startSimulator({ clock, generationMs: () => 10_000, faults: { generationFailure: 1 } });
});

afterAll(async () => {
  await sim?.close();
  work.remove();
});

describe('stillmotion retry', () => {
  it(
    'asks with the cost, retries only when told, then runs the batch to its videos',
    { timeout: 120_000 },
    async () => {
      const run = await cli(['run', images, '-t', '{name}', '--yes', '--out', out, '--db', db], env());
      expect(run.code, run.stderr).toBe(1);
      const batchId = /Batch (\d+) started/.exec(run.stdout)![1]!;
      expect(mp4s()).toEqual([]);
      sim.setFaults({});
      const submitted = sim.ledger.submits.length;

      // No terminal to ask on and no --yes: nothing is sent.
      const refused = await cli(['retry', batchId, '--db', db], env());
      expect(refused.code).toBe(2);
      expect(refused.stdout).toMatch(
        new RegExp(
          `^Retry 3 items of batch ${batchId}: each is a new paid generation, up to \\$\\d+\\.\\d\\d in all\\.$`,
          'm',
        ),
      );
      expect(refused.stderr.trim()).toBe('Nothing retried: add --yes to retry without being asked.');
      expect(sim.ledger.submits.length).toBe(submitted);

      const retried = await cli(['retry', batchId, '--failed', '--yes', '--db', db], env());
      expect(retried.code, retried.stderr).toBe(0);
      expect(retried.stdout).toMatch(new RegExp(`^Retrying 3 items of batch ${batchId}\\.$`, 'm'));
      expect(mp4s()).toHaveLength(3);
      expect(sim.ledger.submits.length).toBe(submitted + 3);
      // The sidecars name the retries' requests: the first attempts' jobs failed.
      const retriedIds = sim.ledger.submits.slice(submitted).map((s) => s.requestId!);
      expect(
        sidecarsMatchLedger()
          .map((s) => s.requestId)
          .sort(),
      ).toEqual([...retriedIds].sort());

      // Nothing failed is left; a done item is named with its state.
      const again = await cli(['retry', batchId, '--yes', '--db', db], env());
      expect(again.code).toBe(0);
      expect(again.stdout.trim()).toBe(`Batch ${batchId} has no failed items to retry.`);
      const report = JSON.parse((await cli(['report', batchId, '--json', '--db', db], env())).stdout) as {
        items: { id: number; relativePath: string }[];
      };
      const item = report.items[0]!;
      const done = await cli(['retry', batchId, '--item', String(item.id), '--yes', '--db', db], env());
      expect(done.code).toBe(2);
      expect(done.stderr.trim()).toBe(
        `Item ${item.id} (${item.relativePath}) is done; only failed, expired or cancelled items can be retried.`,
      );
      const both = await cli(['retry', batchId, '--failed', '--item', '1', '--db', db], env());
      expect(both.code).toBe(2);
      expect(both.stderr).toMatch(/Choose one: --failed .* or --item <id>/);
    },
  );

  it(
    'run --from <batch> --only rejected makes new takes of the rejected videos',
    { timeout: 120_000 },
    async () => {
      const status = await cli(['report', '1', '--json', '--db', db], env());
      const { batch, items } = JSON.parse(status.stdout) as {
        batch: { id: number; settings: { promptTemplate: string } };
        items: { id: number; relativePath: string; state: string }[];
      };
      expect(items.every((i) => i.state === 'done')).toBe(true);
      // The review, as the app stores it: one take rejected.
      const engine = createEngine({ dbPath: db, adoptBatches: false });
      engine.commands.reviewItem(items[1]!.id, 'rejected');
      await engine.close();

      const noFailed = await cli(['run', '--from', String(batch.id), '--only', 'failed', '--db', db], env());
      expect(noFailed.code).toBe(2);
      expect(noFailed.stderr.trim()).toBe(
        `Batch ${batch.id} has no failed items to run again; see: stillmotion report ${batch.id}`,
      );
      // Every image of it already has its video: nothing to send, and it says why (not "no usable image").
      const nothing = await cli(['run', '--from', String(batch.id), '--yes', '--db', db], env());
      expect(nothing.code).toBe(2);
      expect(nothing.stderr.trim()).toBe(
        'Nothing to send: every usable image is already generated or on its way (see above; --force makes them again).',
      );
      const both = await cli(['run', images, '--from', String(batch.id), '--db', db], env());
      expect(both.code).toBe(2);
      expect(both.stderr).toMatch(/Give folders or --from <batch>, not both/);

      // The app's webhook setting applies to batches the CLI drives too.
      const notices: { event?: string; message?: string }[] = [];
      const hook = createServer((req, res) => {
        let text = '';
        req.on('data', (chunk: Buffer) => (text += chunk.toString()));
        req.on('end', () => {
          notices.push(JSON.parse(text) as { event?: string });
          res.end('ok');
        });
      });
      await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
      mkdirSync(join(work.path, 'data'), { recursive: true });
      writeFileSync(
        join(work.path, 'data', 'settings.json'),
        JSON.stringify({
          webhook: {
            url: `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`,
            preset: 'generic',
          },
        }),
      );

      const submitted = sim.ledger.submits.length;
      const before = mp4s().length;
      const rerun = await cli(
        ['run', '--from', String(batch.id), '--only', 'rejected', '--yes', '--db', db],
        env(),
      );
      expect(rerun.code, rerun.stderr).toBe(0);
      expect(rerun.stdout).toMatch(
        new RegExp(
          `^From batch ${batch.id} \\(".*"\\): 1 rejected video of batch ${batch.id}, generated again as new takes \\(each paid again\\)\\.$`,
          'm',
        ),
      );
      expect(rerun.stdout).toMatch(/^Found 1 image: 1 to send, 0 refused, 0 already generated\.$/m);
      expect(sim.ledger.submits.length).toBe(submitted + 1);
      expect(mp4s()).toHaveLength(before + 1);
      expect(sidecarsMatchLedger().map((s) => s.requestId)).toContain(sim.ledger.submits.at(-1)!.requestId);
      // Without an id, report reads the newest batch: the re-run, not the first one.
      const latest = await cli(['report', '--json', '--db', db], env());
      expect(latest.stderr).toMatch(/^Reporting the latest batch: (\d+) "/);
      const reported = JSON.parse(latest.stdout) as { batch: { id: number }; items: unknown[] };
      expect(reported.batch.id).toBeGreaterThan(batch.id);
      expect(reported.items).toHaveLength(1);
      expect(notices.map((n) => n.event)).toEqual(['finished']);
      expect(notices[0]!.message).toMatch(/^1 of 1 video done; \$\d+\.\d\d spent\.$/);
      expect(JSON.stringify(notices)).not.toContain(DEMO_API_KEY);
      await new Promise<void>((resolve) => hook.close(() => resolve()));
      expect(sim.ledger.submits.at(-1)!.prompt).toBe(
        items[1]!.relativePath
          .split('/')
          .pop()!
          .replace(/\.jpg$/, ''),
      );
    },
  );
});
