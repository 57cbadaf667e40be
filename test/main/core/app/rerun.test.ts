// "Re-run with changes" in main: which images a new batch made from an earlier one starts from
// (all, the failed ones, the rejected videos, the chosen items), the folders to scan again, and
// the images no longer where the batch found them, named so the window can offer a rescan.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rerunSelection } from '../../../../main/core/cli/from-batch';
import { createTestApp, type TestApp } from '../../../harness/test-app';
import { batchSettings, call, runBatch, tempDir, value, writeImage } from './helpers';

let app: TestApp;
let dir: { path: string; remove(): void };
let inputDir: string;
let batchId: number;

beforeAll(async () => {
  dir = tempDir('sm-rerun-');
  inputDir = join(dir.path, 'shoot');
  for (const [name, color] of [
    ['a.jpg', '#aa3333'],
    ['b.jpg', '#33aa33'],
    ['sub/c.jpg', '#3333aa'],
  ] as const)
    await writeImage(join(inputDir, name), { color });
  app = await createTestApp({ rootDir: dir.path });
  batchId = await runBatch(
    app,
    [inputDir],
    batchSettings(join(dir.path, 'videos'), { promptTemplate: 'A slow pan over {name}' }),
  );
});

afterAll(async () => {
  await app?.close();
  dir?.remove();
});

const source = (which: string, itemIds?: number[]) =>
  value(app.handlers, 'query:batch.rerunSource', { batchId, which, ...(itemIds ? { itemIds } : {}) });

describe('re-run source', () => {
  it('starts from the batch settings and its folder, for all, failed, rejected, kept or chosen items', async () => {
    const items = (await value(app.handlers, 'query:items.page', { batchId, offset: 0, limit: 10 })).items;
    expect(items.map((i) => i.state)).toEqual(['done', 'done', 'done']);
    const all = await source('all');
    expect(all).toMatchObject({ batchId, roots: [inputDir], missing: [], force: false });
    expect(all.settings.promptTemplate).toBe('A slow pan over {name}');
    expect(all.sourcePaths.sort()).toEqual(items.map((i) => i.sourcePath).sort());
    // The window gets the contract's fields and nothing else.
    expect(Object.keys(all).sort()).toEqual(
      ['batchId', 'batchName', 'force', 'missing', 'roots', 'settings', 'sourcePaths'].sort(),
    );
    // Nothing failed: nothing to re-run.
    expect((await source('failed')).sourcePaths).toEqual([]);

    await value(app.handlers, 'command:item.review', { itemId: items[2]!.id, review: 'rejected' });
    const rejected = await source('rejected');
    // A rejected video is generated again on purpose: the skip of generated requests is off.
    expect(rejected).toMatchObject({ sourcePaths: [items[2]!.sourcePath], force: true, roots: [inputDir] });

    // The kept ones, to finish the winners on another model: the generated-request skip stays on
    // (another model is another request; the same one again would only repeat a paid video).
    await value(app.handlers, 'command:item.review', { itemId: items[0]!.id, review: 'kept' });
    expect(await source('kept')).toMatchObject({ sourcePaths: [items[0]!.sourcePath], force: false });

    const chosen = await source('selected', [items[0]!.id, items[1]!.id, 99_999]);
    expect(chosen.sourcePaths).toEqual([items[0]!.sourcePath, items[1]!.sourcePath]);
    expect(chosen.force).toBe(false);
  });

  it('names the images moved away since, and keeps the ones still there', async () => {
    rmSync(join(inputDir, 'b.jpg'));
    const all = await source('all');
    expect(all.missing).toEqual([join(inputDir, 'b.jpg')]);
    expect(all.sourcePaths).toHaveLength(2);
    expect(all.sourcePaths).not.toContain(join(inputDir, 'b.jpg'));
  });

  it('refuses an unknown batch and an unknown choice, saying what is expected', async () => {
    expect(await call(app.handlers, 'query:batch.rerunSource', { batchId: 999, which: 'all' })).toMatchObject(
      {
        ok: false,
        error: { code: 'not_found' },
      },
    );
    const bad = await call(app.handlers, 'query:batch.rerunSource', { batchId, which: 'best' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
  });
});

// `stillmotion run --from` reads the same source as the window's "Re-run with changes" (one core
// function); these pin what the command line makes of it. By now b.jpg is gone and c.jpg rejected.
describe('the command line re-run source (run --from)', () => {
  it('keeps every folder and image, and lets its scan say what is gone', async () => {
    const all = rerunSelection(app.engine, batchId, null);
    expect(all).toMatchObject({
      batchId,
      roots: [inputDir],
      force: false,
      what: `3 items of batch ${batchId}`,
    });
    expect(all.settings.promptTemplate).toBe('A slow pan over {name}');
    expect([...all.sourcePaths].sort()).toEqual(
      [join(inputDir, 'a.jpg'), join(inputDir, 'b.jpg'), join(inputDir, 'sub', 'c.jpg')].sort(),
    );
    const rejected = rerunSelection(app.engine, batchId, 'rejected');
    expect(rejected).toMatchObject({ force: true, what: `1 rejected video of batch ${batchId}` });
    expect([...rejected.sourcePaths]).toEqual([join(inputDir, 'sub', 'c.jpg')]);
  });

  it('says so, as a usage error, when the batch or the items to run are not there', () => {
    expect(() => rerunSelection(app.engine, 999, null)).toThrow(
      'There is no batch 999 to run again; see: stillmotion status',
    );
    expect(() => rerunSelection(app.engine, batchId, 'failed')).toThrow(
      `Batch ${batchId} has no failed items to run again; see: stillmotion report ${batchId}`,
    );
  });
});
