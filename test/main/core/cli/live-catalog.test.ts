// RunComfy's catalog on the command line, as a user runs it against the simulator: `models` says
// where each model comes from, `models show` prints a model the app does not ship with its
// fields, `run` makes videos with it (its own start-image field, a float and an enum set with
// --set, a duration sent as text, its live price under a budget) with no request refused,
// `--set` is checked against the live schema, `balance` reads the account, and a model whose
// price stays unknown is refused under the daily cap until a price per video is accepted.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../../../main/core/simulator';
import { UNSHIPPED_MODEL_ID } from '../../../../main/core/simulator/simulated-models';
import { cli, fastWorld, writeImages } from './helpers';

const { clock, work, images, out, db, env: envFor, mp4s } = fastWorld('live-catalog');
let sim: SimulatorHandle;
const env = () => envFor(sim.url);

beforeAll(async () => {
  await writeImages(images, 3);
  // RunComfy's catalog gives the prices its pages publish: Wan 2.6's stays unknown.
  sim = await startSimulator({ clock, generationMs: () => 5_000, catalogPrices: 'published' });
});

afterAll(async () => {
  await sim?.close();
  work.remove();
});

describe('the live catalog on the command line', () => {
  it(
    'lists where each model comes from, and shows a model the app does not ship',
    { timeout: 60_000 },
    async () => {
      const cached = await cli(['models'], env());
      expect(cached.code, cached.stderr).toBe(0);
      expect(cached.stderr).toContain('Models: the models built into Stillmotion.');
      expect(cached.stdout).not.toContain(UNSHIPPED_MODEL_ID);

      const fresh = await cli(['models', '--refresh', '--json'], env());
      expect(fresh.code, fresh.stderr).toBe(0);
      expect(fresh.stderr).toMatch(/^Models: RunComfy's catalog \(fetched \d{4}-\d\d-\d\d \d\d:\d\d\)\.$/m);
      const listed = JSON.parse(fresh.stdout) as {
        source: { kind: string };
        models: { id: string; origin: string; price: { per: string } }[];
      };
      expect(listed.source.kind).toBe('runcomfy');
      expect(listed.models.find((m) => m.id === UNSHIPPED_MODEL_ID)).toMatchObject({
        origin: 'runcomfy',
        price: { per: 'second' },
      });
      // The next run without --refresh reads the cached copy.
      const again = await cli(['models'], env());
      expect(again.stderr).toMatch(/Models: RunComfy's catalog as cached on \d{4}-\d\d-\d\d \d\d:\d\d\./);
      expect(again.stdout).toMatch(
        /lumenfold\/drift-1\/image-to-video {2}Lumenfold Drift 1\n {4}\$0\.05\/s; from RunComfy's catalog, fetched/,
      );

      const show = await cli(['models', 'show', UNSHIPPED_MODEL_ID], env());
      expect(show.code, show.stderr).toBe(0);
      expect(show.stdout).toContain(
        'filled in by Stillmotion: prompt → prompt, startImage → source_image, duration → duration',
      );
      expect(show.stdout).toContain('  duration: 4 or 8 seconds');
      expect(show.stdout).toContain(
        '    motion_strength  a number from 0 to 1, default 0.6  (Intensidad de movimiento: How much the camera and the subject move: 0 is still, 1 is lively)',
      );
      expect(show.stdout).toContain('    camera  one of "static", "orbit", "push-in"');
    },
  );

  it(
    'runs it end to end within a budget, and checks --set against the live schema',
    { timeout: 120_000 },
    async () => {
      const wrong = await cli(
        [
          'run',
          images,
          '--model',
          UNSHIPPED_MODEL_ID,
          '--duration',
          '4',
          '--set',
          'motion_strength=2',
          '--yes',
          '--out',
          out,
          '--db',
          db,
        ],
        env(),
      );
      expect(wrong.code).toBe(2);
      // Each image is refused before anything is paid, saying which field and what it takes.
      expect(wrong.stdout).toContain('motion_strength must be a number from 0 to 1, got 2');
      expect(wrong.stderr).toContain('Nothing to send');

      const run = await cli(
        [
          'run',
          images,
          '-t',
          '{name}, a slow orbit',
          '--model',
          UNSHIPPED_MODEL_ID,
          '--duration',
          '8',
          '--set',
          'motion_strength=0.3',
          '--set',
          'camera=orbit',
          '--budget',
          '1',
          '--yes',
          '--out',
          out,
          '--db',
          db,
        ],
        env(),
      );
      // $0.05/s x 8 s = $0.40 a video: two fit in the $1 budget, the third would pass it.
      expect(run.code, run.stderr).toBe(3);
      expect(run.stdout).toContain('Estimated cost $1.20 (cap $1.00)');
      expect(run.stderr).toMatch(/paused: Budget of \$1\.00 reached/);
      expect(mp4s()).toHaveLength(2);
      const sent = sim.ledger.submits.filter((s) => s.modelId === UNSHIPPED_MODEL_ID);
      expect(sent.every((s) => s.httpStatus === 200 && s.duration === 8)).toBe(true);
      expect(sim.ledger.charges.reduce((sum, c) => sum + c.usd, 0)).toBeCloseTo(0.8, 6);
    },
  );

  it('reads the balance', { timeout: 60_000 }, async () => {
    const balance = await cli(['balance'], env());
    expect(balance.code, balance.stderr).toBe(0);
    expect(balance.stdout).toMatch(
      /^RunComfy balance: \$999\.20 \(read \d{4}-\d\d-\d\d \d\d:\d\d\)\. Top up at https:\/\/www\.runcomfy\.com\/profile\n$/,
    );
  });

  it(
    'refuses a model of unknown price under the daily cap, until a price per video is accepted',
    { timeout: 120_000 },
    async () => {
      const capped = await cli(
        [
          'run',
          images,
          '--model',
          'wan-2.6',
          '--daily-cap',
          '5',
          '--yes',
          '--out',
          join(out, 'wan'),
          '--db',
          db,
        ],
        env(),
      );
      expect(capped.code).toBe(2);
      expect(capped.stderr).toMatch(
        /The price of Wan 2\.6 is unknown, so the daily spending cap of \$5\.00 cannot be kept\. Remove the daily cap \(Settings\), or accept a price per video .*--max-per-video/,
      );
      expect(sim.ledger.submits.filter((s) => s.modelId === 'wan-ai/wan-2-6/image-to-video')).toEqual([]);
      const accepted = await cli(
        [
          'run',
          images,
          '--model',
          'wan-2.6',
          '--max-per-video',
          '0.5',
          '--yes',
          '--out',
          join(out, 'wan'),
          '--db',
          db,
        ],
        env(),
      );
      expect(accepted.code, accepted.stderr).toBe(0);
      expect(accepted.stdout).toContain(
        'Price of Wan 2.6 unknown: each video counts as your ceiling of $0.50, at most $1.50 in all',
      );
    },
  );
});
