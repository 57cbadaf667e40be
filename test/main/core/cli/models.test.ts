// Models as data, through the CLI as a user runs it: an entry added in the data folder's
// models/ runs a batch against a simulator told about the same model independently; Wan and
// Seedance batches run end to end in their own field names; a broken entry file is reported
// by file, line and field while the other models still load.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditLedger,
  DEMO_API_KEY,
  startSimulator,
  type SimulatorHandle,
} from '../../../../main/core/simulator';
import { scaledClock } from '../../../../main/core/util/clock';
import sharp from 'sharp';
import { childEnv, cli, tempDir, writeImages } from './helpers';

async function ensureDir(file: string): Promise<string> {
  mkdirSync(join(file, '..'), { recursive: true });
  return file;
}

const FACTOR = 20;
const EPOCH = Date.now();
const clock = scaledClock(FACTOR, EPOCH, EPOCH);
const CLOCK_ENV = { STILLMOTION_CLOCK_FACTOR: String(FACTOR), STILLMOTION_CLOCK_EPOCH: String(EPOCH) };

const work = tempDir();
const images = join(work.path, 'images');
/** Wan 2.5 wants at least 360 px on the short side; the shared helper writes 320 px images. */
const largeImages = join(work.path, 'large-images');
const dataDir = join(work.path, 'data');
let sim: SimulatorHandle;

const ACME = 'acme/motion-1/image-to-video';
const acmeEntry = {
  id: ACME,
  displayName: 'Acme Motion 1',
  aliases: ['acme'],
  task: 'image-to-video',
  status: 'partly-known',
  roles: { prompt: 'text', startImage: 'picture', duration: 'seconds' },
  inputSchema: {
    type: 'object',
    required: ['text', 'picture'],
    properties: {
      text: { type: 'string', minLength: 1 },
      picture: { type: 'string' },
      seconds: { type: 'integer', enum: [4, 8] },
      style: { type: 'string', enum: ['noir', 'pastel'] },
    },
  },
  price: { per: 'second', usd: 0.02 },
};

const env = () =>
  childEnv(dataDir, { ...CLOCK_ENV, RUNCOMFY_API_BASE: sim.url, RUNCOMFY_API_KEY: DEMO_API_KEY });
const mp4s = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.mp4'))
    : [];

beforeAll(async () => {
  await writeImages(images, 2);
  for (const name of ['shot-0', 'shot-1'])
    await sharp({
      create: { width: 480, height: 400, channels: 3, background: name === 'shot-0' ? '#234' : '#642' },
    })
      .jpeg()
      .toFile(await ensureDir(join(largeImages, `${name}.jpg`)));
  mkdirSync(join(dataDir, 'models'), { recursive: true });
  writeFileSync(join(dataDir, 'models', 'acme.json'), JSON.stringify(acmeEntry, null, 2));
  writeFileSync(
    join(dataDir, 'models', 'broken.json'),
    '{\n  "id": "x/y",\n  "task": "image-to-video",\n  "status": "maybe"\n}\n',
  );
  sim = await startSimulator({
    clock,
    generationMs: () => 10_000,
    // RunComfy's catalog gives only the prices its pages publish: Wan 2.5's stays unknown.
    catalogPrices: 'published',
    // Told about the same model independently of the app's entry file.
    extraModels: [
      {
        modelId: ACME,
        displayName: 'Acme Motion 1',
        usdPerSecond: { silent: 0.02, audio: 0.02 },
        priced: 'simulated',
        fields: { prompt: 'text', startImage: 'picture', duration: 'seconds' },
        required: ['text', 'picture'],
        durations: { min: 4, max: 8, values: [4, 8], default: 4 },
      },
    ],
  });
});

afterAll(async () => {
  await sim.close();
  work.remove();
});

describe('models as data in the CLI', () => {
  it('runs a batch on a model added as a file in the data folder, with --set for its own field', async () => {
    const out = join(work.path, 'out-acme');
    const run = await cli(
      [
        'run',
        images,
        '-t',
        '{name} in rain',
        '--model',
        'acme',
        '--duration',
        '8',
        '--set',
        'style=noir',
        '--yes',
        '--out',
        out,
        '--db',
        join(work.path, 'acme.sqlite'),
      ],
      env(),
    );
    expect(run.code, run.stderr).toBe(0);
    // The broken file next to it is reported by file, line and field; the rest loaded.
    expect(run.stderr).toContain(
      `Model entry not loaded: ${join(dataDir, 'models', 'broken.json')}, line 4, field status:`,
    );
    expect(run.stdout).toMatch(/Estimated cost \$0\.32/);
    expect(mp4s(out)).toHaveLength(2);
    const created = sim.ledger.submits.filter((s) => s.modelId === ACME && s.created);
    expect(created.map((s) => [s.prompt, s.duration]).sort()).toEqual([
      ['shot-0 in rain', 8],
      ['shot-1 in rain', 8],
    ]);
    expect(auditLedger(sim.ledger).duplicateJobs).toBe(0);
  });

  it('runs Wan 2.5 and Seedance 1.5 end to end in their own field names; an unknown price is said, not shown as $0', async () => {
    for (const [alias, id, extra] of [
      ['wan', 'wan-ai/wan-2-5/image-to-video', ['--duration', '10', '--set', 'resolution=720P']],
      ['seedance', 'bytedance/seedance-v1.5-pro/image-to-video', []],
    ] as const) {
      const out = join(work.path, `out-${alias}`);
      const run = await cli(
        [
          'run',
          largeImages,
          '-t',
          '{name} drifting',
          '--model',
          alias,
          ...extra,
          '--yes',
          '--out',
          out,
          '--db',
          join(work.path, `${alias}.sqlite`),
        ],
        env(),
      );
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toContain('Estimated cost unknown');
      expect(mp4s(out)).toHaveLength(2);
      const created = sim.ledger.submits.filter((s) => s.modelId === id && s.created);
      expect(created.map((s) => s.prompt).sort()).toEqual(['shot-0 drifting', 'shot-1 drifting']);
      if (alias === 'wan') expect(created.every((s) => s.duration === 10)).toBe(true);
    }
  });

  it('refuses a budget cap on a model whose price is unknown, and lists the models for an unknown --model', async () => {
    const capped = await cli(
      [
        'run',
        largeImages,
        '--model',
        'wan',
        '--budget',
        '5',
        '--yes',
        '--db',
        join(work.path, 'capped.sqlite'),
      ],
      env(),
    );
    expect(capped.code).toBe(2);
    expect(capped.stderr).toMatch(/The price of Wan 2\.5 is unknown, so a budget cap of \$5 cannot be kept/);
    const unknown = await cli(
      ['run', images, '--model', 'ultra', '--yes', '--db', join(work.path, 'x.sqlite')],
      env(),
    );
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('--model "ultra" is not a model this app knows');
    expect(unknown.stderr).toContain(`  ${ACME} (acme)`);
    const list = await cli(['models'], env());
    expect(list.code).toBe(0);
    expect(list.stdout).toContain('wan-ai/wan-2-5/image-to-video  Wan 2.5 [partly known]');
    expect(list.stdout).toContain('start image: img_url');
    expect(list.stdout).toContain(`from ${join(dataDir, 'models', 'acme.json')}`);
    expect(
      sim.ledger.submits.filter((s) => s.modelId === 'wan-ai/wan-2-5/image-to-video' && s.created),
    ).toHaveLength(2);
  });
});
