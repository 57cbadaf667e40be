// The review grid's groups of takes: for a batch with 3 takes of 2 images, each image's run of
// items in the filtered queue order, with its count (what the grid draws a header row for).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../harness/test-app';
import { batchSettings, call, runBatch, tempDir, value, writeImage } from './helpers';

let app: TestApp;
let dir: { path: string; remove(): void };
let batchId: number;

beforeAll(async () => {
  dir = tempDir('sm-groups-');
  const inputDir = join(dir.path, 'shoot');
  await writeImage(join(inputDir, 'a.jpg'), { color: '#aa3333' });
  await writeImage(join(inputDir, 'sub', 'b.jpg'), { color: '#33aa33' });
  app = await createTestApp({ rootDir: dir.path });
  batchId = await runBatch(
    app,
    [inputDir],
    batchSettings(join(dir.path, 'videos'), {
      takes: 3,
      outputNameTemplate: '{name}-take{take}.mp4',
    }),
  );
});

afterAll(async () => {
  await app?.close();
  dir?.remove();
});

describe('items.groups', () => {
  it('groups the takes of each image in queue order, under any filter', async () => {
    const all = await value(app.handlers, 'query:items.groups', { batchId, states: ['done'] });
    expect(all.groups).toEqual([
      { relativePath: 'a.jpg', count: 3 },
      { relativePath: 'sub/b.jpg', count: 3 },
    ]);
    const items = (await value(app.handlers, 'query:items.page', { batchId, offset: 0, limit: 10 })).items;
    await value(app.handlers, 'command:item.review', { itemId: items[1]!.id, review: 'kept' });
    await value(app.handlers, 'command:item.review', { itemId: items[4]!.id, review: 'kept' });
    await value(app.handlers, 'command:item.review', { itemId: items[5]!.id, review: 'kept' });
    const kept = await value(app.handlers, 'query:items.groups', {
      batchId,
      states: ['done'],
      reviews: ['kept'],
    });
    expect(kept.groups).toEqual([
      { relativePath: 'a.jpg', count: 1 },
      { relativePath: 'sub/b.jpg', count: 2 },
    ]);
    expect(await call(app.handlers, 'query:items.groups', { batchId: 999 })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});
