// From a dropped folder to a started batch, through the handler map: a pasted key checked with
// RunComfy (the simulator) before it is saved, no batch made that could not be sent, the batch
// made exactly as its preview showed, a scan stopped, files added to a scan, the coverage of
// each variable, rejections named under their folder, and "already generated" by mode.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY } from '../../../../main/core/simulator';
import { createTestApp, type TestApp } from '../../../harness/test-app';
import { batchSettings, call, tempDir, value, writeImage } from './helpers';

let app: TestApp;
let dir: { path: string; remove(): void };
let shoot: string;
let more: string;

beforeAll(async () => {
  dir = tempDir('sm-setup-');
  shoot = join(dir.path, 'shoot');
  more = join(dir.path, 'more');
  for (let i = 1; i <= 3; i++) await writeImage(join(shoot, `s${i}.jpg`), { color: `#${i}${i}3366` });
  writeFileSync(join(shoot, 's1.txt'), 'a red boat');
  mkdirSync(join(shoot, 'deep', 'er'), { recursive: true });
  writeFileSync(join(shoot, 'deep', 'er', 'broken.jpg'), 'not a picture');
  await writeImage(join(more, 'm1.jpg'), { color: '#993300' });
  app = await createTestApp({ rootDir: dir.path, apiKey: null });
});
afterAll(async () => {
  await app?.close();
  dir?.remove();
});

async function scan(paths: string[], extra: { addTo?: string } = {}) {
  const { scanId } = await value(app.handlers, 'command:scan.start', { paths, ...extra });
  await app.core.scans.whenFinished(scanId);
  return scanId;
}

const out = () => join(dir.path, 'videos');

describe('a key checked before it is saved', () => {
  it('answers accepted, refused or unconfirmed, and stores nothing', async () => {
    expect(await value(app.handlers, 'command:settings.checkApiKey', { apiKey: DEMO_API_KEY })).toEqual({
      status: 'accepted',
    });
    const refused = await value(app.handlers, 'command:settings.checkApiKey', { apiKey: 'rk_wrong_key_123' });
    expect(refused).toMatchObject({
      status: 'refused',
      message: expect.stringMatching(/did not accept the key.*400004/),
    });
    expect(JSON.stringify(refused)).not.toContain('rk_wrong_key_123');
    // Nothing listens there: the key could not be checked, and the message says where it asked.
    await value(app.handlers, 'command:settings.update', { apiBaseUrl: 'http://127.0.0.1:9' });
    const unreachable = await value(app.handlers, 'command:settings.checkApiKey', { apiKey: DEMO_API_KEY });
    expect(unreachable).toMatchObject({
      status: 'unconfirmed',
      message: expect.stringContaining('127.0.0.1:9'),
    });
    await value(app.handlers, 'command:settings.update', { apiBaseUrl: app.simulator.url });
    expect((await value(app.handlers, 'query:settings.get', {})).apiKey.set).toBe(false);
  });
});

describe('a batch is made only when it can be sent, and as it was shown', () => {
  it('refuses a batch without a key in real mode, saying what to do', async () => {
    const scanId = await scan([shoot]);
    const refused = await call(app.handlers, 'command:batch.create', {
      scanId,
      settings: batchSettings(out()),
    });
    expect(refused).toMatchObject({ ok: false, error: { code: 'conflict', detail: { kind: 'no_key' } } });
    expect(!refused.ok && refused.error.message).toMatch(/no RunComfy API key is set.*simulated mode/);
    expect(app.engine.listBatches()).toEqual([]);
  });

  it('refuses when the plan at Start is not what the preview showed', async () => {
    await value(app.handlers, 'command:settings.update', { simulated: true });
    const scanId = await scan([shoot]);
    const settings = batchSettings(out());
    const preview = await value(app.handlers, 'query:scan.preview', {
      scanId,
      settings,
      offset: 0,
      limit: 10,
    });
    expect(preview.toSend).toBe(3);
    // The preview was of one take; the settings sent ask for three.
    const changed = await call(app.handlers, 'command:batch.create', {
      scanId,
      settings: { ...settings, takes: 3 },
      expected: { toSend: preview.toSend, estimatedCostUsd: preview.estimatedCostUsd },
    });
    expect(changed).toMatchObject({
      ok: false,
      error: { code: 'conflict', detail: { kind: 'preview_changed', toSend: 9 } },
    });
    expect(app.engine.listBatches()).toEqual([]);
    const made = await value(app.handlers, 'command:batch.create', {
      scanId,
      settings,
      expected: { toSend: preview.toSend, estimatedCostUsd: preview.estimatedCostUsd },
    });
    expect(app.engine.getBatch(made.batchId)).toMatchObject({ simulated: true, counts: { queued: 3 } });
    await value(app.handlers, 'command:batch.start', { batchId: made.batchId });
    await app.engine.idle(30_000);
    expect(app.engine.getBatch(made.batchId)!.counts.done).toBe(3);
  });

  it('a simulated video stands for no real one: the same folder, in real mode, sends every image', async () => {
    const scanId = await scan([shoot]);
    const settings = batchSettings(out());
    const simulated = await value(app.handlers, 'query:scan.preview', {
      scanId,
      settings,
      offset: 0,
      limit: 10,
    });
    expect(simulated).toMatchObject({ toSend: 0, skipped: 3 });
    await value(app.handlers, 'command:settings.setApiKey', { apiKey: DEMO_API_KEY });
    await value(app.handlers, 'command:settings.update', { simulated: false });
    const real = await value(app.handlers, 'query:scan.preview', { scanId, settings, offset: 0, limit: 10 });
    expect(real).toMatchObject({ toSend: 3, skipped: 0 });
  });
});

describe('scans during setup', () => {
  it('adds dropped files to a scan without reading its images again, each image once', async () => {
    const first = await scan([shoot]);
    const added = await scan([more, join(shoot, 's2.jpg')], { addTo: first });
    const summary = await value(app.handlers, 'query:scan.summary', { scanId: added });
    expect(summary).toMatchObject({ accepted: 4, roots: [shoot, more] });
    const preview = await value(app.handlers, 'query:scan.preview', {
      scanId: added,
      settings: batchSettings(out(), { promptTemplate: '{index} {name}' }),
      offset: 0,
      limit: 10,
    });
    expect(preview.items.map((i) => i.renderedPrompt)).toEqual(['1 s1', '2 s2', '3 s3', '4 m1']);
  });

  it('says how many images have each variable that may be missing', async () => {
    const summary = await value(app.handlers, 'query:scan.summary', { scanId: await scan([shoot]) });
    expect(summary.coverage).toEqual({ caption: 1 });
    expect(summary.accepted).toBe(3);
  });

  it('names a refused file by its path under the dropped folder', async () => {
    const summary = await value(app.handlers, 'query:scan.summary', { scanId: await scan([shoot]) });
    expect(summary.rejected).toEqual([
      expect.objectContaining({
        path: join(shoot, 'deep', 'er', 'broken.jpg'),
        relativePath: 'deep/er/broken.jpg',
      }),
    ]);
  });

  it('stops a running scan', async () => {
    const big = join(dir.path, 'big');
    for (let i = 0; i < 40; i++) await writeImage(join(big, `b${i}.jpg`), { width: 320, height: 320 });
    const { scanId } = await value(app.handlers, 'command:scan.start', { paths: [big] });
    expect(await value(app.handlers, 'command:scan.cancel', { scanId })).toEqual({ ok: true });
    await app.core.scans.whenFinished(scanId);
    const summary = await value(app.handlers, 'query:scan.summary', { scanId });
    expect(summary.finished).toBe(true);
    expect(summary.problems.map((p) => p.message).join(' ')).toMatch(/stopped by you/);
  });
});

describe('hours and watching, chosen in the window', () => {
  it('makes a batch with its own hours, and one that takes in only what arrives after its scan', async () => {
    await value(app.handlers, 'command:settings.update', { simulated: true });
    const watched = join(dir.path, 'drop');
    await writeImage(join(watched, 'w1.jpg'), { color: '#224466' });
    await writeImage(join(watched, 'w2.jpg'), { color: '#446622' });
    writeFileSync(join(watched, 'notes.txt'), 'not an image');
    // Hours as the form gives them: times of day, the start resolved to the next such time.
    const night = await value(app.handlers, 'command:batch.create', {
      scanId: await scan([shoot]),
      settings: batchSettings(join(dir.path, 'night-out')),
      hours: { startAt: '01:00', window: { start: '22:00', end: '07:00' } },
    });
    const schedule = app.engine.getBatch(night.batchId)!.schedule!;
    expect(schedule.window).toEqual({ start: '22:00', end: '07:00' });
    expect(schedule.startAt).toBeGreaterThan(Date.now());
    expect(schedule.startAt! - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
    // "Any time" is said as null and kept, whatever the default hours are.
    await value(app.handlers, 'command:queue.setDefaultSchedule', {
      schedule: { startAt: null, window: { start: '22:00', end: '07:00' } },
    });
    const now = await value(app.handlers, 'command:batch.create', {
      scanId: await scan([more]),
      settings: batchSettings(join(dir.path, 'now-out')),
      hours: null,
    });
    expect(app.engine.getBatch(now.batchId)!.schedule ?? null).toBeNull();
    await value(app.handlers, 'command:queue.setDefaultSchedule', { schedule: null });
    await value(app.handlers, 'command:batch.cancel', { batchId: night.batchId });
    await value(app.handlers, 'command:batch.cancel', { batchId: now.batchId });

    // Watching needs a folder: a dropped file alone is refused, saying what to do.
    const fileOnly = await call(app.handlers, 'command:batch.create', {
      scanId: await scan([join(shoot, 's1.jpg')]),
      settings: batchSettings(join(dir.path, 'file-out')),
      watch: true,
    });
    expect(!fileOnly.ok && fileOnly.error.message).toMatch(/needs a dropped folder.*Drop the folder itself/);
    // ...and says so by a kind the window words in the user's language.
    expect(!fileOnly.ok && fileOnly.error.detail).toEqual({ kind: 'watch_needs_folder' });

    const made = await value(app.handlers, 'command:batch.create', {
      scanId: await scan([watched]),
      settings: batchSettings(join(dir.path, 'watch-out')),
      watch: true,
    });
    expect(app.engine.getBatch(made.batchId)!.watch).toMatchObject({ folders: [watched], active: true });
    await value(app.handlers, 'command:batch.start', { batchId: made.batchId });
    await writeImage(join(watched, 'w3.jpg'), { color: '#662244' });
    // The new image is taken once it has stayed the same for a few seconds; the two the scan saw
    // (and the text file it refused) are not taken again.
    await expect
      .poll(() => app.engine.getBatch(made.batchId)!.total, { timeout: 30_000, interval: 250 })
      .toBe(3);
    await value(app.handlers, 'command:queue.stopWatching', { batchId: made.batchId });
    await app.engine.idle(30_000);
    const page = app.engine.pageItems({ batchId: made.batchId, offset: 0, limit: 10 });
    const items = page.items.map((item) => item.relativePath).sort();
    expect(items).toEqual(['w1.jpg', 'w2.jpg', 'w3.jpg']);
    expect(app.engine.getBatch(made.batchId)!.counts.done).toBe(3);
  });
});
