// The creative controls through the handler map: element images checked and kept with the scan,
// the preview's fitted frame and elements used, the end-frame suffix of a scan.
import { mkdirSync, readFileSync } from 'node:fs';
import sharp from 'sharp';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../harness/test-app';
import { batchSettings, call, tempDir, value, writeImage } from './helpers';

let app: TestApp;
let dir: { path: string; remove(): void };
let inputDir: string;
let library: string;

beforeAll(async () => {
  dir = tempDir('sm-creative-');
  inputDir = join(dir.path, 'shoot');
  library = join(dir.path, 'library');
  mkdirSync(join(dir.path, 'videos'), { recursive: true });
  await writeImage(join(inputDir, 'pano.jpg'), { width: 1500, height: 400 });
  await writeImage(join(inputDir, 'pano-last.jpg'), { width: 1500, height: 400, color: '#cc6633' });
  await writeImage(join(library, 'cat.jpg'), { width: 500, height: 500 });
  app = await createTestApp({ rootDir: dir.path, pickInputs: [inputDir] });
});
afterAll(async () => {
  await app?.close();
  dir?.remove();
});

async function scan(endSuffix?: string) {
  const { scanId } = await value(app.handlers, 'command:scan.start', {
    paths: [inputDir],
    ...(endSuffix ? { endSuffix } : {}),
  });
  await app.core.scans.whenFinished(scanId);
  return scanId;
}

describe('creative controls over the handler map', () => {
  it("pairs end frames by the scan's own suffix, and refuses a suffix that is a path", async () => {
    const plain = await value(app.handlers, 'query:scan.summary', { scanId: await scan() });
    expect(plain).toMatchObject({ accepted: 2, endFramePairCount: 0, endSuffix: null });
    const last = await value(app.handlers, 'query:scan.summary', { scanId: await scan('-last') });
    expect(last).toMatchObject({
      accepted: 1,
      endFramePairCount: 1,
      endFramePairs: [{ start: 'pano.jpg', end: 'pano-last.jpg' }],
      endSuffix: '-last',
    });
    const bad = await call(app.handlers, 'command:scan.start', { paths: [inputDir], endSuffix: 'a/b' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(!bad.ok && bad.error.message).toMatch(/without \/ or \\/);
  });

  it('checks element images, then previews them: fitted frame and the elements each prompt uses', async () => {
    const scanId = await scan();
    const elements = [{ frontal: join(library, 'cat.jpg'), references: [join(library, 'gone.jpg')] }];
    const checked = await value(app.handlers, 'command:scan.checkElements', { scanId, elements });
    expect(checked.images).toEqual([
      { path: join(library, 'cat.jpg'), ok: true, reason: null, width: 500, height: 500, thumb: 0 },
      {
        path: join(library, 'gone.jpg'),
        ok: false,
        reason: expect.stringMatching(/gone\.jpg|no such|not found|could not/i),
        width: null,
        height: null,
        thumb: null,
      },
    ]);
    // The checked element image has a thumbnail by its number; nothing else does.
    const thumb = await app.core.media.resolve({ path: `scan/${scanId}/element/0/thumb` });
    expect(thumb.status).toBe(200);
    expect((await app.core.media.resolve({ path: `scan/${scanId}/element/1/thumb` })).status).toBe(404);
    const settings = batchSettings(join(dir.path, 'videos'), {
      promptTemplate: '@Element1 crosses {name}',
      elements: [{ frontal: join(library, 'cat.jpg'), references: [] }],
    });
    await value(app.handlers, 'command:scan.checkElements', { scanId, elements: settings.elements! });
    const preview = await value(app.handlers, 'query:scan.preview', {
      scanId,
      settings,
      offset: 0,
      limit: 5,
    });
    expect(preview.problems).toEqual([]);
    const source = { width: 1500, height: 400 };
    expect(preview.items.map((i) => [i.relativePath, i.verdict, i.elementsUsed, i.fitted])).toEqual([
      ['pano-last.jpg', null, [1], { mode: 'crop', width: 1000, height: 400, upscaled: false, source }],
      ['pano.jpg', null, [1], { mode: 'crop', width: 1000, height: 400, upscaled: false, source }],
    ]);
    const padded = await value(app.handlers, 'query:scan.preview', {
      scanId,
      settings: { ...settings, fit: 'pad' },
      offset: 0,
      limit: 1,
    });
    expect(padded.items[0]!.fitted).toEqual({
      mode: 'pad',
      width: 1500,
      height: 600,
      upscaled: false,
      source,
    });
  });

  it('says which fitted frames are upscaled, and counts the images resized on the way as the summary does', async () => {
    const small = join(dir.path, 'small');
    await writeImage(join(small, 'tiny.jpg'), { width: 200, height: 150 });
    await writeImage(join(small, 'wide.jpg'), { width: 1500, height: 400 });
    await writeImage(join(small, 'fine.jpg'), { width: 800, height: 600 });
    const { scanId } = await value(app.handlers, 'command:scan.start', { paths: [small] });
    await app.core.scans.whenFinished(scanId);
    // The scan alone knows of no image over the size limit; the plan fits two of three.
    expect(await value(app.handlers, 'query:scan.summary', { scanId })).toMatchObject({ fixed: 0 });
    const settings = batchSettings(join(dir.path, 'videos'), { takes: 2 });
    const preview = await value(app.handlers, 'query:scan.preview', {
      scanId,
      settings,
      offset: 0,
      limit: 6,
    });
    const byFile = Object.fromEntries(preview.items.map((i) => [i.relativePath, i.fitted ?? null]));
    expect(byFile).toEqual({
      'fine.jpg': null,
      'tiny.jpg': {
        mode: 'crop',
        width: 400,
        height: 300,
        upscaled: true,
        source: { width: 200, height: 150 },
      },
      'wide.jpg': {
        mode: 'crop',
        width: 1000,
        height: 400,
        upscaled: false,
        source: { width: 1500, height: 400 },
      },
    });
    // Two images, each with two takes: counted once each.
    expect(preview.resized).toBe(2);
    const refused = await value(app.handlers, 'query:scan.preview', {
      scanId,
      settings: { ...settings, fit: 'refuse' },
      offset: 0,
      limit: 6,
    });
    expect(refused.resized).toBe(0);
    expect(refused.toSend).toBe(2);
  });

  it('serves the fitted frame as a thumbnail beside the original, for a size the plan could make', async () => {
    const scanId = await scan();
    const dims = async (path: string) => {
      const answer = await app.core.media.resolve({ path });
      expect(answer.status, path).toBe(200);
      const body = answer.body!;
      const meta = await sharp(readFileSync((body as { path: string }).path)).metadata();
      return [meta.width, meta.height];
    };
    expect(await dims(`scan/${scanId}/0/thumb`)).toEqual([256, 68]);
    expect(await dims(`scan/${scanId}/0/thumb/crop/1000x400`)).toEqual([256, 102]);
    expect(await dims(`scan/${scanId}/0/thumb/pad/1500x600`)).toEqual([256, 102]);
    expect((await app.core.media.resolve({ path: `scan/${scanId}/0/thumb/crop/99999x400` })).status).toBe(
      404,
    );
    expect((await app.core.media.resolve({ path: `scan/${scanId}/0/thumb/stretch/100x100` })).status).toBe(
      404,
    );
  });
});
