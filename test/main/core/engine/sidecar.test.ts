// The sidecar beside each video: it parses, names the request id the simulator billed, holds
// the request with images as hash and path (never bytes) and never the key; a name taken by
// someone else's file is not overwritten; and a sidecar that cannot be written (the drive
// pulled between the video and its sidecar) never fails or re-downloads the paid video.
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../../../main/core/db/connection';
import { JobStore } from '../../../../main/core/db/store';
import { DEMO_API_KEY } from '../../../../main/core/simulator/types';
import { APP_VERSION } from '../../../../main/core/version';
import { harness, type Harness } from './harness';
import { nodeFileOps } from '../../../../main/core/engine/download-files';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const jsonFiles = (dir: string) =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((name) => name.endsWith('.json'))
        .sort()
    : [];

describe('engine: a sidecar per video', () => {
  it('writes <name>.json beside each video with what made it, and never the key', async () => {
    const logs: string[] = [];
    h = await harness({}, { log: (_level, message) => logs.push(message) });
    const { batchId, itemIds } = h.batch(3);
    h.engine.commands.startBatch(batchId);
    await h.engine.idle();
    expect(jsonFiles(h.outputDir)).toEqual(['img-0000.json', 'img-0001.json', 'img-0002.json']);
    for (const id of itemIds) {
      const item = h.engine.getItem(id)!;
      const path = item.outputPath!.replace(/\.mp4$/, '.json');
      const text = readFileSync(path, 'utf8');
      const sidecar = JSON.parse(text);
      const job = h.sim.ledger.jobs.get(sidecar.requestId)!;
      expect(job).toBeDefined();
      expect(sidecar).toMatchObject({
        format: 1,
        app: { name: 'Stillmotion', version: APP_VERSION },
        video: { file: item.outputPath!.split(/[\\/]/).pop(), sha256: job.outputSha256 },
        model: h.engine.getBatch(batchId)!.settings.modelId,
        prompt: item.renderedPrompt,
        requestId: item.requestId,
        costUsd: 0.42,
        source: { path: item.sourcePath, relativePath: item.relativePath },
        batch: { id: batchId },
        itemId: id,
      });
      expect(sidecar.request).toMatchObject({
        prompt: item.renderedPrompt,
        duration: 5,
        start_image_url: {
          image: { path: item.sourcePath, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
        },
      });
      expect(sidecar.source.sha256).toBe(sidecar.request.start_image_url.image.sha256);
      expect(Date.parse(sidecar.createdAt)).toBeGreaterThan(0);
      expect(Date.parse(sidecar.submittedAt)).toBeLessThanOrEqual(Date.parse(sidecar.finishedAt));
      // Never the key, never image bytes.
      expect(text).not.toContain(DEMO_API_KEY);
      expect(text).not.toMatch(/data:image|base64/);
    }
    expect(readdirSync(h.outputDir).filter((name) => name.includes('.tmp'))).toEqual([]);
  });

  it('is not written when the batch turns it off', async () => {
    h = await harness();
    const { batchId } = h.batch(2, { sidecars: false });
    h.engine.commands.startBatch(batchId);
    await h.engine.idle();
    expect(h.engine.getBatch(batchId)!.counts.done).toBe(2);
    expect(jsonFiles(h.outputDir)).toEqual([]);
  });

  it('never overwrites a file of the same name that is not its own', async () => {
    h = await harness();
    mkdirSync(h.outputDir, { recursive: true });
    writeFileSync(join(h.outputDir, 'img-0000.json'), '{"mine": true}\n');
    const { batchId } = h.batch(1);
    h.engine.commands.startBatch(batchId);
    await h.engine.idle();
    expect(readFileSync(join(h.outputDir, 'img-0000.json'), 'utf8')).toBe('{"mine": true}\n');
    expect(JSON.parse(readFileSync(join(h.outputDir, 'img-0000 (2).json'), 'utf8')).itemId).toBeGreaterThan(
      0,
    );
  });

  it('a sidecar that cannot be written is tried again and never fails or re-downloads the paid video', async () => {
    let refusals = 2;
    const logs: string[] = [];
    h = await harness(
      {},
      {
        outputRecheckMs: 1_000,
        log: (level, message) => logs.push(`${level}: ${message}`),
        fileOps: {
          open: async (path, flags) => {
            // The drive is gone for the sidecar's first two tries (the video is already saved).
            if (path.endsWith('.tmp') && refusals-- > 0)
              throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), {
                code: 'ENOENT',
              });
            return nodeFileOps.open(path, flags);
          },
        },
      },
    );
    const { batchId, itemIds } = h.batch(1);
    h.engine.commands.startBatch(batchId);
    await h.engine.idle();
    const item = h.engine.getItem(itemIds[0]!)!;
    expect(item.state).toBe('done');
    expect(h.sim.ledger.downloads.filter((d) => d.httpStatus === 200)).toHaveLength(1);
    expect(h.sim.ledger.submits.filter((s) => s.created)).toHaveLength(1);
    expect(jsonFiles(h.outputDir)).toEqual(['img-0000.json']);
    expect(logs.filter((line) => /sidecar .* could not be written .*trying again/.test(line))).toHaveLength(
      2,
    );
  });

  it('gives up with an error in the log after its tries, the video still done', async () => {
    const logs: string[] = [];
    h = await harness(
      {},
      {
        outputRecheckMs: 1_000,
        log: (level, message) => logs.push(`${level}: ${message}`),
        fileOps: {
          open: async (path, flags) => {
            if (path.endsWith('.tmp')) throw Object.assign(new Error('EIO: i/o error'), { code: 'EIO' });
            return nodeFileOps.open(path, flags);
          },
        },
      },
    );
    const { batchId, itemIds } = h.batch(1);
    h.engine.commands.startBatch(batchId);
    await h.engine.idle();
    expect(h.engine.getItem(itemIds[0]!)!.state).toBe('done');
    expect(h.engine.getBatch(batchId)!.state).toBe('finished');
    expect(jsonFiles(h.outputDir)).toEqual([]);
    expect(
      logs.some((line) => /^error: .*sidecar .*EIO.*gave up, the video itself is saved/.test(line)),
    ).toBe(true);
  });
});

describe('engine: a sidecar beside a video whose name takes the whole 255 bytes', () => {
  it('is written under a shortened name at once, not tried and logged at every start', async () => {
    const logs: string[] = [];
    h = await harness({}, { log: (level, message) => logs.push(`${level}: ${message}`) });
    const { batchId, itemIds } = h.batch(1);
    const id = itemIds[0]!;
    // 251 bytes of name (two-byte letters) and '.mp4': the longest name a file system allows.
    const stem = `${'é'.repeat(125)}a`;
    const raw = openDatabase(h.dbPath);
    raw.prepare('UPDATE items SET output_relative_path = ? WHERE id = ?').run(`${stem}.mp4`, id);
    closeDatabase(raw);
    h.engine.commands.startBatch(batchId);
    await h.engine.idle();
    const item = h.engine.getItem(id)!;
    expect(item.state).toBe('done');
    expect(Buffer.byteLength(readdirSync(h.outputDir).find((name) => name.endsWith('.mp4'))!)).toBe(255);
    const sidecars = jsonFiles(h.outputDir);
    expect(sidecars).toHaveLength(1);
    expect(Buffer.byteLength(sidecars[0]!)).toBeLessThanOrEqual(255);
    expect(JSON.parse(readFileSync(join(h.outputDir, sidecars[0]!), 'utf8')).itemId).toBe(id);
    expect(logs.filter((line) => /sidecar .* could not be written/.test(line))).toEqual([]);
    // Nothing left pending for the next start, no temporary file in the folder.
    const store = new JobStore(openDatabase(h.dbPath));
    expect(store.items.getItem(id)!.sidecarPending).toBe(false);
    closeDatabase(store.db);
    expect(readdirSync(h.outputDir).filter((name) => name.startsWith('.'))).toEqual([]);
  });
});

describe('engine: a sidecar a crash left unwritten', () => {
  it('is written at the next start even when its batch had already finished (the last video)', async () => {
    h = await harness();
    const { batchId, itemIds } = h.batch(1);
    h.engine.commands.startBatch(batchId);
    await h.engine.idle();
    expect(h.engine.getBatch(batchId)!.state).toBe('finished');
    const item = h.engine.getItem(itemIds[0]!)!;
    const sidecar = item.outputPath!.replace(/\.mp4$/, '.json');
    await h.engine.close();
    // As a kill between the temporary sidecar and its name leaves it: the item done and still
    // marked, the temporary file in the folder, no sidecar.
    const db = openDatabase(h.dbPath);
    db.prepare('UPDATE items SET sidecar_pending = 1 WHERE id = ?').run(item.id);
    // Only one done longer ago than a live writer (another process) can still be at it is taken.
    const store = new JobStore(db);
    expect(store.itemQueries.pendingSidecarsOfEndedBatches(item.stateChangedAt)).toEqual([]);
    expect(store.itemQueries.pendingSidecarsOfEndedBatches(item.stateChangedAt + 1)).toEqual([
      { itemId: item.id, batchId },
    ]);
    closeDatabase(db);
    rmSync(sidecar);
    const temp = join(h.outputDir, `.img-0000.json.sm-${item.id}.tmp`);
    writeFileSync(temp, '{"half": ');

    h.restart();
    h.engine.beginAdopting();
    await h.engine.idle();
    await expect.poll(() => existsSync(sidecar), { timeout: 10_000 }).toBe(true);
    expect(JSON.parse(readFileSync(sidecar, 'utf8'))).toMatchObject({
      itemId: item.id,
      batch: { id: batchId },
    });
    expect(existsSync(temp)).toBe(false);
    await expect.poll(() => h.engine.getItem(item.id) && pendingOf(item.id)).toBe(0);
  });
});

function pendingOf(itemId: number): number {
  const db = openDatabase(h.dbPath);
  try {
    return (db.prepare('SELECT sidecar_pending AS p FROM items WHERE id = ?').get(itemId) as { p: number }).p;
  } finally {
    closeDatabase(db);
  }
}
