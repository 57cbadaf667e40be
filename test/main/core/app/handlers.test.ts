// The handler map over the real engine (SQLite file), intake and simulator: every channel,
// envelopes, validation, error codes, and a batch from drop to video.
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeChannels, type InvokeChannel } from '@common/contract';
import { createTestApp, type TestApp } from '../../../harness/test-app';
import { SHIPPED_ENTRIES } from '../../../../main/core/catalog';
import { batchSettings, call, tempDir, value, writeImage } from './helpers';

let app: TestApp;
let dir: { path: string; remove(): void };
let inputDir: string;
let outputDir: string;

beforeAll(async () => {
  dir = tempDir('sm-handlers-');
  inputDir = join(dir.path, 'holiday');
  outputDir = join(dir.path, 'videos');
  mkdirSync(outputDir, { recursive: true });
  await writeImage(join(inputDir, 'beach.jpg'), { color: '#e0c080' });
  await writeImage(join(inputDir, 'sub', 'hill.png'), { format: 'png', color: '#40a040' });
  // Unusable whatever the fit mode (a small image is fitted now, not refused): rejected by the scan.
  writeFileSync(join(inputDir, 'empty.jpg'), '');
  app = await createTestApp({ rootDir: dir.path, pickInputs: [inputDir], pickOutputDir: outputDir });
});

afterAll(async () => {
  await app?.close();
  dir?.remove();
});

async function scan(paths: string[]) {
  const { scanId } = await value(app.handlers, 'command:scan.start', { paths });
  await app.core.scans.whenFinished(scanId);
  return scanId;
}

describe('handler map', () => {
  it('has exactly one handler per invoke channel', () => {
    expect(Object.keys(app.handlers).sort()).toEqual(Object.keys(invokeChannels).sort());
    for (const channel of Object.keys(invokeChannels) as InvokeChannel[])
      expect(typeof app.handlers[channel]).toBe('function');
  });

  it('answers invalid payloads with invalid_request and plain words, touching nothing', async () => {
    const before = readFileSync(app.files.settings, 'utf8');
    const bad = await call(app.handlers, 'command:settings.update', { notifications: 'yes' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(!bad.ok && bad.error.message).toMatch(/notifications/);
    expect(readFileSync(app.files.settings, 'utf8')).toBe(before);
    const noBatch = await call(app.handlers, 'command:batch.start', { batchId: 'one' });
    expect(noBatch).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    // A literal-true confirmation is required to resubmit (maybe paying twice).
    const resubmit = await call(app.handlers, 'command:item.resubmit', {
      itemId: 1,
      acceptPossibleDoubleCharge: false,
    });
    expect(resubmit).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });

  it('answers not_found for unknown batches, items, scans and presets', async () => {
    for (const [channel, payload] of [
      ['query:batch.get', { batchId: 999 }],
      ['command:batch.start', { batchId: 999 }],
      ['query:items.page', { batchId: 999, offset: 0, limit: 10 }],
      ['command:item.retry', { itemId: 999 }],
      ['command:item.openVideo', { itemId: 999 }],
      ['query:scan.summary', { scanId: 'scan-nope' }],
      ['command:settings.deletePreset', { name: 'nope' }],
    ] as const) {
      const answer = await call(app.handlers, channel, payload);
      expect(answer, channel).toMatchObject({ ok: false, error: { code: 'not_found' } });
      expect(!answer.ok && answer.error.message.length).toBeGreaterThan(10);
    }
  });

  it('reports app info, models and the dialogs', async () => {
    expect(await value(app.handlers, 'query:app.info', {})).toMatchObject({
      version: 'harness',
      simulated: false,
    });
    expect((await value(app.handlers, 'query:models.list', {})).length).toBe(SHIPPED_ENTRIES.length);
    expect(await value(app.handlers, 'command:dialog.pickInputs', {})).toEqual({ paths: [inputDir] });
    expect(await value(app.handlers, 'command:dialog.pickOutputDir', {})).toEqual({ path: outputDir });
  });

  it('fetches RunComfy’s (simulated) catalog: live prices, and a model the app does not ship', async () => {
    const { models, source } = await value(app.handlers, 'command:models.refresh', {});
    expect(source).toMatchObject({ kind: 'runcomfy', why: null });
    expect(models.find((m) => m.id === 'kling/kling-3.0/standard/image-to-video')).toMatchObject({
      priceSource: 'live',
      origin: 'runcomfy',
    });
    expect(models.find((m) => m.id === 'lumenfold/drift-1/image-to-video')).toMatchObject({
      displayName: 'Lumenfold Drift 1',
      price: { per: 'second', usd: 0.05 },
    });
    expect(await value(app.handlers, 'query:models.source', {})).toEqual(source);
  });

  it('scans, previews, creates and runs a batch to downloaded videos', async () => {
    const scanId = await scan([inputDir]);
    const summary = await value(app.handlers, 'query:scan.summary', { scanId });
    expect(summary).toMatchObject({ finished: true, accepted: 2, roots: [inputDir] });
    expect(summary.rejected.map((r) => r.path)).toEqual([join(inputDir, 'empty.jpg')]);

    const settings = batchSettings(outputDir);
    const preview = await value(app.handlers, 'query:scan.preview', {
      scanId,
      settings,
      offset: 0,
      limit: 1,
    });
    expect(preview.total).toBe(2);
    expect(preview.items).toHaveLength(1);
    expect(preview.items[0]).toMatchObject({ index: 0, settings: { duration: 5, generateAudio: false } });
    expect(preview.items[0]!.renderedPrompt).toMatch(/^A slow dolly shot of /);
    const page2 = await value(app.handlers, 'query:scan.preview', { scanId, settings, offset: 1, limit: 1 });
    expect(page2.items[0]!.index).toBe(1);

    const { batchId } = await value(app.handlers, 'command:batch.create', { scanId, settings });
    // The next batch starts from this one's settings.
    expect((await value(app.handlers, 'query:settings.get', {})).defaults).toEqual(settings);
    const draft = await value(app.handlers, 'query:batch.get', { batchId });
    expect(draft).toMatchObject({ state: 'draft', total: 2 });
    expect(draft.name).toMatch(/^holiday \(/);

    await value(app.handlers, 'command:batch.start', { batchId });
    await app.engine.idle(20_000);
    const done = await value(app.handlers, 'query:batch.get', { batchId });
    expect(done.counts.done).toBe(2);
    const page = await value(app.handlers, 'query:items.page', { batchId, offset: 0, limit: 10 });
    expect(page.total).toBe(2);
    const item = page.items[0]!;
    expect(item.state).toBe('done');
    expect(existsSync(item.outputPath!)).toBe(true);

    await value(app.handlers, 'command:item.openVideo', { itemId: item.id });
    await value(app.handlers, 'command:item.showInFolder', { itemId: item.id });
    expect(app.desktopCalls.openPath).toEqual([item.outputPath]);
    expect(app.desktopCalls.showInFolder).toEqual([item.outputPath]);

    const report = await value(app.handlers, 'query:batch.reportCsv', { batchId });
    expect(report.fileName).toMatch(/^holiday-\d+-report\.csv$|^holiday-.*-report\.csv$/);
    expect(report.csv.split('\n').length).toBeGreaterThanOrEqual(3);

    const list = await value(app.handlers, 'query:batches.list', {});
    expect(list.map((b) => b.id)).toContain(batchId);

    // Only an unknown_submit item can be resubmitted; a done one cannot be opened twice in a new run.
    const resubmit = await call(app.handlers, 'command:item.resubmit', {
      itemId: item.id,
      acceptPossibleDoubleCharge: true,
    });
    expect(resubmit).toMatchObject({ ok: false, error: { code: 'conflict' } });

    // The same images again: "already generated" (skipped) unless forced.
    const again = await scan([inputDir]);
    const preview2 = await value(app.handlers, 'query:scan.preview', {
      scanId: again,
      settings,
      offset: 0,
      limit: 10,
    });
    expect(preview2.skipped).toBe(2);
    expect(preview2.items.every((i) => i.verdict?.state === 'skipped')).toBe(true);
  });

  it('refuses to create a batch from a scan that is still running or failed', async () => {
    const scanId = await scan([join(dir.path, 'missing-folder')]);
    const created = await call(app.handlers, 'command:batch.create', {
      scanId,
      settings: batchSettings(outputDir),
    });
    expect(created.ok).toBe(false);
    expect(!created.ok && ['conflict', 'not_found']).toContain(!created.ok && created.error.code);
  });

  it('refuses to open a video that is not done', async () => {
    const scanId = await scan([join(inputDir, 'beach.jpg')]);
    const { batchId } = await value(app.handlers, 'command:batch.create', {
      scanId,
      settings: batchSettings(outputDir),
      force: true,
    });
    // The cap can be changed on an existing batch (the budget_reached banner's "raise cap").
    const capped = await value(app.handlers, 'command:batch.setBudget', { batchId, budgetUsd: 1.5 });
    expect(capped.settings.budgetUsd).toBe(1.5);
    expect(
      (await value(app.handlers, 'command:batch.setBudget', { batchId, budgetUsd: null })).settings.budgetUsd,
    ).toBeNull();
    expect(await call(app.handlers, 'command:batch.setBudget', { batchId, budgetUsd: 0 })).toMatchObject({
      ok: false,
      error: { code: 'invalid_request' },
    });
    expect(await call(app.handlers, 'command:batch.setBudget', { batchId: 999, budgetUsd: 2 })).toMatchObject(
      {
        ok: false,
        error: { code: 'not_found' },
      },
    );
    const page = await value(app.handlers, 'query:items.page', { batchId, offset: 0, limit: 10 });
    const open = await call(app.handlers, 'command:item.openVideo', { itemId: page.items[0]!.id });
    expect(open).toMatchObject({ ok: false, error: { code: 'conflict' } });
    expect(!open.ok && open.error.message).toMatch(/has no video yet/);
    await value(app.handlers, 'command:batch.cancel', { batchId });
  });

  it('keeps the API base URL to RunComfy or loopback (the key is sent there)', async () => {
    for (const evil of [
      'https://evil.example',
      'http://model-api.runcomfy.net',
      'https://runcomfy.net.evil.example',
      'https://user@runcomfy.net',
      'ftp://127.0.0.1',
    ]) {
      const answer = await call(app.handlers, 'command:settings.update', { apiBaseUrl: evil });
      expect(answer, evil).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    }
    expect(app.settings.get().apiBaseUrl).toBe(app.simulator.url);
    const ok = await value(app.handlers, 'command:settings.update', {
      apiBaseUrl: 'https://model-api.runcomfy.net/',
    });
    expect(ok.apiBaseUrl).toBe('https://model-api.runcomfy.net');
    await value(app.handlers, 'command:settings.update', { apiBaseUrl: app.simulator.url });
  });

  it('switches to demo mode and back', async () => {
    const settings = await value(app.handlers, 'command:settings.update', { simulated: true });
    expect(settings.simulated).toBe(true);
    expect(await value(app.handlers, 'query:app.info', {})).toMatchObject({ simulated: true });
    expect(app.core.credentials.simulated).toBe(true);
    await value(app.handlers, 'command:settings.update', { simulated: false });
    expect(app.core.credentials.simulated).toBe(false);
  });

  it('saves, replaces and deletes presets', async () => {
    await value(app.handlers, 'command:settings.savePreset', { name: 'Pro 10s', settings: { duration: 10 } });
    await value(app.handlers, 'command:settings.savePreset', { name: 'Short', settings: { duration: 3 } });
    const replaced = await value(app.handlers, 'command:settings.savePreset', {
      name: 'Pro 10s',
      settings: { duration: 12 },
    });
    expect(replaced.presets).toEqual([
      { name: 'Pro 10s', settings: { duration: 12 } },
      { name: 'Short', settings: { duration: 3 } },
    ]);
    const deleted = await value(app.handlers, 'command:settings.deletePreset', { name: 'Short' });
    expect(deleted.presets.map((p) => p.name)).toEqual(['Pro 10s']);
    expect(JSON.parse(readFileSync(app.files.settings, 'utf8')).presets).toHaveLength(1);
  });

  it('sets and removes the key, showing only its last four characters', async () => {
    const set = await value(app.handlers, 'command:settings.setApiKey', {
      apiKey: '  rk_live_abcdefgh1234  ',
    });
    expect(set.apiKey).toEqual({ set: true, last4: '1234', storage: 'Memory (test)' });
    expect(app.secrets.get()).toBe('rk_live_abcdefgh1234');
    const pasted = await call(app.handlers, 'command:settings.setApiKey', { apiKey: 'rk_live abc\ndef' });
    expect(pasted).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    const removed = await value(app.handlers, 'command:settings.removeApiKey', {});
    expect(removed.apiKey).toEqual({ set: false, last4: null, storage: null });
    await value(app.handlers, 'command:settings.setApiKey', { apiKey: 'sim-demo-key' });
  });

  it('never follows a symlink out of a dropped folder for thumbnails', async () => {
    const outside = await writeImage(join(dir.path, 'private', 'secret.jpg'));
    const linkDir = join(dir.path, 'linked');
    mkdirSync(linkDir, { recursive: true });
    await writeImage(join(linkDir, 'real.jpg'));
    symlinkSync(outside, join(linkDir, 'escape.jpg'));
    const scanId = await scan([linkDir]);
    const summary = await value(app.handlers, 'query:scan.summary', { scanId });
    // Whatever the intake decided about the link, no served thumbnail may come from outside.
    for (let index = 0; index < summary.accepted; index++) {
      const image = app.core.scans.image(scanId, index)!;
      const answer = await app.core.media.resolve({ path: `${`scan/${scanId}`}/${index}/thumb` });
      if (image.sourcePath.endsWith('escape.jpg')) expect(answer.status).toBe(403);
      else expect(answer.status).toBe(200);
    }
  });
});

describe('needs_confirmation on a system without a keyring', () => {
  let insecure: TestApp;
  let root: { path: string; remove(): void };
  beforeAll(async () => {
    root = tempDir('sm-handlers-insecure-');
    insecure = await createTestApp({ rootDir: root.path, secureSecrets: false, apiKey: null });
  });
  afterAll(async () => {
    await insecure?.close();
    root?.remove();
  });

  it('asks before storing the key as plain text, then stores it when allowed', async () => {
    const asked = await call(insecure.handlers, 'command:settings.setApiKey', {
      apiKey: 'rk_live_canary_0001',
    });
    expect(asked).toMatchObject({ ok: false, error: { code: 'needs_confirmation' } });
    expect(!asked.ok && asked.error.message).toMatch(/plain text/);
    expect(!asked.ok && asked.error.message).not.toContain('rk_live_canary_0001');
    expect(insecure.secrets.get()).toBeNull();
    const stored = await value(insecure.handlers, 'command:settings.setApiKey', {
      apiKey: 'rk_live_canary_0001',
      allowPlainTextStorage: true,
    });
    expect(stored.apiKey).toMatchObject({ set: true, last4: '0001' });
  });
});
