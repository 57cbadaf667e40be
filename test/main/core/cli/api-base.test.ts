// The app's stored API key goes from the CLI only where the app itself would send it: RunComfy
// over https or a loopback simulator. A RUNCOMFY_API_BASE elsewhere with the stored key is refused
// unless STILLMOTION_TRUST_API_BASE=1, and then the output names where the key goes. A key the
// user gives with RUNCOMFY_API_KEY goes where they point it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY, startSimulator, type SimulatorHandle } from '../../../../main/core/simulator';
import { scaledClock } from '../../../../main/core/util/clock';
import { childEnv, cli, tempDir, writeImages } from './helpers';

const FACTOR = 20;
const EPOCH = Date.now();
const CLOCK_ENV = { STILLMOTION_CLOCK_FACTOR: String(FACTOR), STILLMOTION_CLOCK_EPOCH: String(EPOCH) };
const work = tempDir('sm-cli-api-base-');
const data = join(work.path, 'data');
const images = join(work.path, 'images');
let sim: SimulatorHandle;
/** Loopback, but not an address the app treats as its simulator's (127.0.0.1, localhost, [::1]). */
let elsewhere: string;

beforeAll(async () => {
  await writeImages(images, 1);
  mkdirSync(data, { recursive: true });
  // The app's key, stored as plain text (a machine without a keyring): the CLI can read it.
  const key = Buffer.from(DEMO_API_KEY, 'utf8').toString('base64');
  writeFileSync(join(data, 'api-key.bin'), JSON.stringify({ version: 1, encoding: 'plain', data: key }));
  sim = await startSimulator({
    host: '127.0.0.2',
    clock: scaledClock(FACTOR, EPOCH, EPOCH),
    generationMs: () => 5_000,
  });
  elsewhere = sim.url;
});
afterAll(async () => {
  await sim.close();
  work.remove();
});

const run = (extra: Record<string, string>, db = 'db') =>
  cli(
    [
      'run',
      images,
      '--template',
      '{name}',
      '--yes',
      '--out',
      join(work.path, db),
      '--db',
      join(work.path, `${db}.sqlite`),
    ],
    childEnv(data, { ...CLOCK_ENV, RUNCOMFY_API_BASE: elsewhere, ...extra }),
  );

describe('RUNCOMFY_API_BASE with the app stored key', () => {
  it('is refused when it is neither RunComfy nor the loopback simulator, and nothing is sent', async () => {
    const { code, stderr } = await run({});
    expect(code).toBe(2);
    expect(stderr).toContain(
      `RUNCOMFY_API_BASE=${elsewhere} would be sent the app's stored API key, and it is not a RunComfy address`,
    );
    expect(stderr).toContain('STILLMOTION_TRUST_API_BASE=1 to send the stored key there');
    expect(sim.ledger.submits).toHaveLength(0);
  });

  it('is used with STILLMOTION_TRUST_API_BASE=1, and the output says where the key goes', async () => {
    const { code, stderr } = await run({ STILLMOTION_TRUST_API_BASE: '1' });
    expect(code).toBe(0);
    expect(stderr.match(/Sending the app's stored API key to/g)).toHaveLength(1);
    expect(stderr).toContain(
      `Sending the app's stored API key to ${elsewhere} (STILLMOTION_TRUST_API_BASE=1).`,
    );
    expect(sim.ledger.submits.length).toBeGreaterThan(0);
  });

  it('is not questioned with a key of its own in RUNCOMFY_API_KEY', async () => {
    const { code, stderr } = await run({ RUNCOMFY_API_KEY: DEMO_API_KEY }, 'own-key');
    expect(code).toBe(0);
    expect(stderr).not.toContain('stored API key');
  });
});
