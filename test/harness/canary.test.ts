// The API key never leaves main: with canary keys (one the API accepts, one it refuses), run
// batches through the harness over HTTP exactly as the renderer would, then grep everything
// the renderer could see (every handler response, every event), the logs, the settings file,
// the thumbnail cache and the SQLite database (with its WAL) for the keys.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchSettings, tempDir, writeImage } from '../main/core/app/helpers';
import { startHarness, type Harness } from './server';

const GOOD = 'rk_live_CANARY_good_7f3a9c1e';
const BAD = 'rk_live_CANARY_bad_0b5d2e8f';

let harness: Harness;
let dir: { path: string; remove(): void };
const bodies: string[] = [];

async function invoke(channel: string, payload: unknown = {}) {
  const response = await fetch(`${harness.url}/api/invoke/${channel}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: harness.url },
    body: JSON.stringify(payload),
  });
  const text = await response.text();
  bodies.push(text);
  return JSON.parse(text) as { ok: boolean; value?: never; error?: { code: string; message: string } };
}

function filesUnder(path: string): string[] {
  if (!existsSync(path)) return [];
  if (statSync(path).isFile()) return [path];
  return readdirSync(path).flatMap((name) => filesUnder(join(path, name)));
}

beforeAll(async () => {
  dir = tempDir('sm-canary-');
  for (let i = 0; i < 3; i++)
    await writeImage(join(dir.path, 'in', `img${i}.jpg`), { color: `#${i}0${i}0${i}0` });
  mkdirSync(join(dir.path, 'out'), { recursive: true });
  harness = await startHarness({
    rootDir: dir.path,
    apiKey: null,
    simulator: { apiKeys: { [GOOD]: 1000 } },
    recordTraffic: true,
  });
});

afterAll(async () => {
  await harness?.close();
  dir?.remove();
});

async function runBatch(force: boolean) {
  const scan = await invoke('command:scan.start', { paths: [join(dir.path, 'in')] });
  const scanId = (scan.value as unknown as { scanId: string }).scanId;
  await harness.core.scans.whenFinished(scanId);
  await invoke('query:scan.summary', { scanId });
  const settings = batchSettings(join(dir.path, 'out'));
  await invoke('query:scan.preview', { scanId, settings, offset: 0, limit: 10 });
  const created = await invoke('command:batch.create', { scanId, settings, force });
  const batchId = (created.value as unknown as { batchId: number }).batchId;
  await invoke('command:batch.start', { batchId });
  await harness.engine.idle(20_000);
  await invoke('query:batch.get', { batchId });
  await invoke('query:batches.list');
  await invoke('query:items.page', { batchId, offset: 0, limit: 50 });
  await invoke('query:batch.reportCsv', { batchId });
  for (const res of ['thumb', 'video'])
    await fetch(`${harness.url}/media/item/1/${res}`).then((r) => r.arrayBuffer());
  return batchId;
}

describe('the API key never crosses to the renderer, logs or the database', () => {
  it('stays in main through a good run and a refused key', async () => {
    // Checked before it is saved: the answers about a refused and an accepted key are key-free.
    expect((await invoke('command:settings.checkApiKey', { apiKey: BAD })).value).toMatchObject({
      status: 'refused',
    });
    expect((await invoke('command:settings.checkApiKey', { apiKey: GOOD })).value).toEqual({
      status: 'accepted',
    });
    // A refused key: the batch pauses with bad_key, and every message about it is key-free.
    const stored = await invoke('command:settings.setApiKey', { apiKey: BAD });
    expect(stored.ok).toBe(true);
    const badBatch = await runBatch(false);
    const paused = await invoke('query:batch.get', { batchId: badBatch });
    expect(paused.value).toMatchObject({ state: 'paused', pauseReason: 'bad_key' });
    await invoke('command:models.refresh');
    await invoke('query:account.balance', { fresh: true });

    // The good key: videos are made.
    await invoke('command:settings.setApiKey', { apiKey: GOOD });
    await invoke('command:batch.resume', { batchId: badBatch });
    await harness.engine.idle(20_000);
    const done = await invoke('query:batch.get', { batchId: badBatch });
    expect((done.value as unknown as { counts: { done: number } }).counts.done).toBe(3);
    await invoke('command:models.refresh');
    await invoke('query:account.balance', { fresh: true });
    await invoke('query:settings.get');
    await invoke('command:settings.update', { apiBaseUrl: `https://x.evil.example/${GOOD}` });
    await invoke('command:settings.setApiKey', { apiKey: `${GOOD} ${GOOD}` });
    await invoke('command:settings.setApiKey', { apiKey: `${GOOD}x`.repeat(40) });
    await invoke('command:settings.removeApiKey');

    const seen = {
      'HTTP responses': bodies.join('\n'),
      'handler responses': JSON.stringify(harness.traffic.invokes.map((i) => i.response)),
      events: JSON.stringify(harness.traffic.events),
      logs: harness.logs.join('\n'),
    };
    expect(harness.traffic.invokes.length).toBeGreaterThan(20);
    expect(harness.traffic.events.length).toBeGreaterThan(3);
    for (const [where, text] of Object.entries(seen)) {
      expect(text, where).not.toContain(GOOD);
      expect(text, where).not.toContain(BAD);
      expect(text, where).not.toContain('CANARY');
    }
    // The renderer saw only the last four characters.
    expect(bodies.join('\n')).toContain('"last4":"9c1e"');

    const files = [...filesUnder(harness.dataDir), ...filesUnder(join(dir.path, 'out'))];
    expect(files.some((f) => f.endsWith('.sqlite'))).toBe(true);
    for (const file of files) {
      const bytes = readFileSync(file);
      expect(bytes.includes(Buffer.from('CANARY')), file).toBe(false);
      expect(bytes.includes(Buffer.from('CANARY', 'utf16le')), file).toBe(false);
    }
  });
});
