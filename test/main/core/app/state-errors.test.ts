// A request that does not fit the state of a batch or item reaches the window as a conflict
// with its parameters (what, which, who holds it), not as "Something went wrong": the engine
// throws the core's typed errors and the handlers carry their detail in the envelope.
import { hostname } from 'node:os';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../../../main/core/db/connection';
import { JobStore } from '../../../../main/core/db/store';
import { createTestApp, type TestApp } from '../../../harness/test-app';
import { batchSettings, call, tempDir, value, writeImage } from './helpers';

let app: TestApp;
let dir: { path: string; remove(): void };
let inputDir: string;
let outputDir: string;

beforeAll(async () => {
  dir = tempDir('sm-state-errors-');
  inputDir = join(dir.path, 'shoot');
  outputDir = join(dir.path, 'videos');
  mkdirSync(outputDir, { recursive: true });
  await writeImage(join(inputDir, 'beach.jpg'), { color: '#e0c080' });
  await writeImage(join(inputDir, 'hill.png'), { format: 'png', color: '#40a040' });
  app = await createTestApp({ rootDir: dir.path, pickInputs: [inputDir], pickOutputDir: outputDir });
});

afterAll(async () => {
  await app?.close();
  dir?.remove();
});

async function newBatch(): Promise<number> {
  const { scanId } = await value(app.handlers, 'command:scan.start', { paths: [inputDir] });
  await app.core.scans.whenFinished(scanId);
  const { batchId } = await value(app.handlers, 'command:batch.create', {
    scanId,
    settings: batchSettings(outputDir),
    force: true,
  });
  return batchId;
}

describe('state errors reach the window with their parameters', () => {
  it('retrying a done item names the file and its state', async () => {
    const batchId = await newBatch();
    await value(app.handlers, 'command:batch.start', { batchId });
    await app.engine.idle(20_000);
    const item = (await value(app.handlers, 'query:items.page', { batchId, offset: 0, limit: 1 })).items[0]!;
    expect(item.state).toBe('done');
    const retry = await call(app.handlers, 'command:item.retry', { itemId: item.id });
    expect(retry).toEqual({
      ok: false,
      error: {
        code: 'conflict',
        message: expect.stringMatching(/only failed, expired or cancelled items can be retried/),
        detail: {
          kind: 'item_not_actionable',
          itemId: item.id,
          fileName: item.relativePath,
          state: 'done',
          action: 'retry',
        },
      },
    });
  });

  it('starting a cancelled batch says it was cancelled', async () => {
    const batchId = await newBatch();
    await value(app.handlers, 'command:batch.cancel', { batchId });
    const start = await call(app.handlers, 'command:batch.start', { batchId });
    expect(start).toMatchObject({
      ok: false,
      error: { code: 'conflict', detail: { kind: 'batch_cancelled', batchId } },
    });
  });

  it('a batch held by the command line names it, with its pid, and changes nothing', async () => {
    const batchId = await newBatch();
    const db = openDatabase(app.files.database);
    // A live process of this machine (this test runner) holds the lease as the CLI would.
    const cli = `cli:${hostname()}:${process.pid}`;
    expect(new JobStore(db).leases.acquireLease(batchId, cli, Date.now(), 10 * 60_000).ok).toBe(true);
    closeDatabase(db);
    const start = await call(app.handlers, 'command:batch.start', { batchId });
    expect(start).toMatchObject({
      ok: false,
      error: {
        code: 'conflict',
        message: expect.stringMatching(new RegExp(`is being run by ${cli}`)),
        detail: { kind: 'batch_held', batchId, ownerKind: 'cli', pid: process.pid, sameHost: true },
      },
    });
    expect((await value(app.handlers, 'query:batch.get', { batchId })).state).toBe('draft');
  });

  it('an unknown batch is not_found with its id, without building a view', async () => {
    const answer = await call(app.handlers, 'command:batch.pause', { batchId: 987654 });
    expect(answer).toMatchObject({
      ok: false,
      error: { code: 'not_found', detail: { kind: 'batch_not_found', batchId: 987654 } },
    });
  });

  it('a command checks that its batch exists without building the batch view', async () => {
    const batchId = await newBatch();
    const getBatch = app.engine.getBatch.bind(app.engine);
    let views = 0;
    app.engine.getBatch = (id) => {
      views++;
      return getBatch(id);
    };
    try {
      await value(app.handlers, 'command:batch.pause', { batchId });
      await value(app.handlers, 'query:items.page', { batchId, offset: 0, limit: 1 });
      expect(views).toBe(0);
      await value(app.handlers, 'query:batch.get', { batchId }); // a view is what this one asks for
      expect(views).toBe(1);
    } finally {
      app.engine.getBatch = getBatch;
    }
  });
});
