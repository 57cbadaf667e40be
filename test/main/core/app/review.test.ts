// The morning review: keep/reject stored per item (a CHECK in SQLite refuses any
// other word), only on finished videos, filtered by the item page, and "Export kept", which
// copies (never moves) into a picked folder and never overwrites a file of the same name.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../harness/test-app';
import { batchSettings, call, runBatch, tempDir, value, writeImage } from './helpers';

let app: TestApp;
let dir: { path: string; remove(): void };
let outputDir: string;
let batchId: number;

beforeAll(async () => {
  dir = tempDir('sm-review-');
  const inputDir = join(dir.path, 'shoot');
  outputDir = join(dir.path, 'videos');
  for (const [name, color] of [
    ['a.jpg', '#aa3333'],
    ['b.jpg', '#33aa33'],
    ['c.jpg', '#3333aa'],
  ] as const)
    await writeImage(join(inputDir, name), { color });
  app = await createTestApp({ rootDir: dir.path });
  batchId = await runBatch(app, [inputDir], batchSettings(outputDir));
});

afterAll(async () => {
  await app?.close();
  dir?.remove();
});

async function items() {
  return (await value(app.handlers, 'query:items.page', { batchId, offset: 0, limit: 10 })).items;
}

describe('keep / reject', () => {
  it('stores the verdict on a done item, clears it with null, and pages by it', async () => {
    const [a, b, c] = await items();
    expect([a, b, c].map((i) => i!.state)).toEqual(['done', 'done', 'done']);
    expect(a!.review).toBeNull();

    await value(app.handlers, 'command:item.review', { itemId: a!.id, review: 'kept' });
    await value(app.handlers, 'command:item.review', { itemId: b!.id, review: 'rejected' });
    expect((await items()).map((i) => i.review)).toEqual(['kept', 'rejected', null]);

    const page = (reviews: string[]) =>
      value(app.handlers, 'query:items.page', { batchId, reviews, offset: 0, limit: 10 });
    expect((await page(['kept'])).items.map((i) => i.id)).toEqual([a!.id]);
    expect((await page(['unreviewed'])).items.map((i) => i.id)).toEqual([c!.id]);
    expect((await page(['kept', 'rejected'])).total).toBe(2);

    await value(app.handlers, 'command:item.review', { itemId: b!.id, review: null });
    expect((await page(['unreviewed'])).total).toBe(2);
  });

  it('refuses words other than kept/rejected, in the contract and in SQLite itself', async () => {
    const [a] = await items();
    const bad = await call(app.handlers, 'command:item.review', { itemId: a!.id, review: 'maybe' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    expect(!bad.ok && bad.error.message).toMatch(/review/);
    // A second connection, like a hand edit or another build: SQLite itself says no.
    const db = new Database(app.files.database);
    try {
      expect(() => db.prepare(`UPDATE items SET review = 'maybe' WHERE id = ?`).run(a!.id)).toThrow(
        /CHECK constraint failed/,
      );
    } finally {
      db.close();
    }
  });

  it('refuses to review an item without a video, naming the file and its state', async () => {
    const scanId = (await value(app.handlers, 'command:scan.start', { paths: [join(dir.path, 'shoot')] }))
      .scanId;
    await app.core.scans.whenFinished(scanId);
    const { batchId: draftId } = await value(app.handlers, 'command:batch.create', {
      scanId,
      settings: batchSettings(outputDir),
      force: true,
    });
    const queued = (await value(app.handlers, 'query:items.page', { batchId: draftId, offset: 0, limit: 1 }))
      .items[0]!;
    const answer = await call(app.handlers, 'command:item.review', { itemId: queued.id, review: 'kept' });
    expect(answer).toMatchObject({
      ok: false,
      error: {
        code: 'conflict',
        detail: { kind: 'item_not_actionable', action: 'review', state: 'queued', fileName: 'a.jpg' },
      },
    });
    expect(!answer.ok && answer.error.message).toMatch(/a\.jpg.*queued.*only a finished video/);
    expect(await call(app.handlers, 'command:item.review', { itemId: 99_999, review: 'kept' })).toMatchObject(
      {
        ok: false,
        error: { code: 'not_found' },
      },
    );
    await value(app.handlers, 'command:batch.cancel', { batchId: draftId });
  });
});

describe('export kept', () => {
  it('copies the kept videos, keeps the originals, and never overwrites a file of the same name', async () => {
    const all = await items();
    for (const item of all)
      await value(app.handlers, 'command:item.review', { itemId: item.id, review: 'kept' });
    await value(app.handlers, 'command:item.review', { itemId: all[2]!.id, review: 'rejected' });
    const [a, b] = all;
    const target = join(dir.path, 'delivery');
    mkdirSync(target);
    // A file already there under the first video's name: it must survive untouched.
    writeFileSync(join(target, basename(a!.outputPath!)), 'not a video; the client edit from yesterday');
    app.setPickedOutputDir(target);

    const result = await value(app.handlers, 'command:batch.exportKept', { batchId });
    expect(result).toMatchObject({ folder: target, copied: 2, failed: [] });
    expect(result.renamed).toEqual([{ file: a!.relativePath, savedAs: 'a (2).mp4' }]);
    expect(readdirSync(target).sort()).toEqual(['a (2).mp4', 'a.mp4', 'b.mp4']);
    expect(readFileSync(join(target, 'a.mp4'), 'utf8')).toBe('not a video; the client edit from yesterday');
    expect(readFileSync(join(target, 'a (2).mp4'))).toEqual(readFileSync(a!.outputPath!));
    expect(readFileSync(join(target, 'b.mp4'))).toEqual(readFileSync(b!.outputPath!));
    // Copied, not moved: the batch's own files stay where the database says.
    for (const item of all) expect(existsSync(item.outputPath!)).toBe(true);

    // Exporting again adds copies, never replaces the earlier ones.
    const again = await value(app.handlers, 'command:batch.exportKept', { batchId });
    expect(again.copied).toBe(2);
    expect(readdirSync(target).sort()).toEqual(['a (2).mp4', 'a (3).mp4', 'a.mp4', 'b (2).mp4', 'b.mp4']);
  });

  it('says which kept video is missing on disk, and copies nothing when the dialog is cancelled', async () => {
    app.setPickedOutputDir(null);
    expect(await value(app.handlers, 'command:batch.exportKept', { batchId })).toEqual({
      folder: null,
      copied: 0,
      renamed: [],
      failed: [],
    });
    const [, b] = await items();
    renameSync(b!.outputPath!, `${b!.outputPath!}.moved`);
    const target = join(dir.path, 'delivery-2');
    app.setPickedOutputDir(target);
    const result = await value(app.handlers, 'command:batch.exportKept', { batchId });
    expect(result.copied).toBe(1);
    expect(result.failed).toEqual([
      { file: 'b.jpg', reason: expect.stringMatching(/no longer at .*b\.mp4/) },
    ]);
    renameSync(`${b!.outputPath!}.moved`, b!.outputPath!);
    expect(await call(app.handlers, 'command:batch.exportKept', { batchId: 999 })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });
});
