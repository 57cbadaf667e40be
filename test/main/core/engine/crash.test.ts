// Crash recovery with real crashes: the engine runs in a child process that SIGKILLs itself at
// each named point in turn (one run per point, same database), then a final clean run. After
// that, the money and file guarantees must hold as if nothing had happened.
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../../../main/core/db/connection';
import { JobStore } from '../../../../main/core/db/store';
import { CRASH_POINTS } from '../../../../main/core/engine';
import { startSimulator } from '../../../../main/core/simulator';
import type { SimulatorHandle } from '../../../../main/core/simulator/types';
import { makeImages, partFiles, plannedItems, settingsFor, tempDir } from './helpers';

const SPEED = 1000;
const runner = join(__dirname, 'crash-runner.ts');

function run(
  env: Record<string, string>,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', runner], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code, signal) => resolve({ code, signal, out, err }));
  });
}

let sim: SimulatorHandle;
let dir: ReturnType<typeof tempDir>;
beforeAll(async () => {
  // The simulator runs here on the real clock, time-scaled to match the child's fast clock.
  sim = await startSimulator({ timeScale: 1 / SPEED, seed: 3, outputBytes: 512 * 1024 });
  dir = tempDir('sm-crash-');
});
afterAll(async () => {
  await sim.close();
  dir.remove();
});

describe('crash recovery (child process killed with SIGKILL)', () => {
  it('recovers from a kill at every named point without paying twice or losing a video', async () => {
    const dbPath = join(dir.path, 'jobs.sqlite');
    const outputDir = join(dir.path, 'out');
    const settings = settingsFor(outputDir, { concurrency: 1 });
    const items = plannedItems(makeImages(dir.path, 12), settings);
    const db = openDatabase(dbPath);
    const store = new JobStore(db);
    const batchId = store.batches.createBatch(settings, items, 'crash test', Date.now());
    closeDatabase(db);

    const env = {
      SM_DB: dbPath,
      SM_API: sim.url,
      SM_BATCH: String(batchId),
      SM_EPOCH: String(Date.now()),
      SM_SPEED: String(SPEED),
    };
    for (const point of CRASH_POINTS) {
      const result = await run({ ...env, STILLMOTION_CRASH_AT: `${point}:2` });
      expect({ point, signal: result.signal, err: result.err.slice(0, 500) }).toEqual({
        point,
        signal: 'SIGKILL',
        err: '',
      });
    }
    const final = await run(env);
    expect(final.err).toBe('');
    expect(final.code).toBe(0);
    expect(JSON.parse(final.out).state).toBe('finished');

    const check = new JobStore(openDatabase(dbPath));
    const all = [...check.itemQueries.iterateItems(batchId)];
    const ledger = sim.ledger;
    // Every item ends where a person can act: done, or "maybe sent" for the three kills that
    // happened between storing the intent and storing the request id. A kill at a later point
    // (mid-poll, mid-download, after the rename) may also catch the NEXT item mid-submit, since a
    // finished generation frees its slot before its download ends: at most one per kill.
    const unknownCount = all.filter((i) => i.state === 'unknown_submit').length;
    expect(unknownCount).toBeGreaterThanOrEqual(3);
    expect(unknownCount).toBeLessThanOrEqual(CRASH_POINTS.length);
    expect(all.filter((i) => i.state === 'done')).toHaveLength(all.length - unknownCount);
    // Never sent twice: at most one created job per image, and exactly one for every stored request id.
    for (const item of all) {
      const created = ledger.submits.filter((s) => s.created && s.imageHash === item.imageHash);
      expect(created.length).toBeLessThanOrEqual(1);
      if (item.requestId) expect(created.map((s) => s.requestId)).toEqual([item.requestId]);
    }
    // Every video on disk is the one the API served, once, under its own name.
    for (const item of all.filter((i) => i.state === 'done')) {
      expect(item.outputSha256).toBe(ledger.jobs.get(item.requestId!)!.outputSha256);
      expect(item.outputPath).toBe(join(outputDir, item.outputRelativePath));
    }
    expect(readdirSync(outputDir).filter((name) => / \(\d+\)\.mp4$/.test(name))).toEqual([]);
    expect(partFiles(outputDir)).toEqual([]);
    // Every saved video is described beside it, the one caught mid-sidecar too, and no temporary
    // sidecar is left in the user's folder.
    const names = readdirSync(outputDir);
    expect(names.filter((name) => name.endsWith('.tmp'))).toEqual([]);
    for (const item of all.filter((i) => i.state === 'done'))
      expect(names).toContain(item.outputRelativePath.replace(/\.mp4$/, '.json'));
    // The download killed half way was resumed from its partial file, not started over.
    expect(ledger.downloads.some((d) => d.range !== null && d.httpStatus === 206)).toBe(true);
    // The events say what happened to the items caught mid-submit.
    const unknown = all.find((i) => i.state === 'unknown_submit')!;
    expect(unknown.errorMessage).toMatch(/may or may not have been paid/);
    closeDatabase(check.db);
  }, 120_000);
});
