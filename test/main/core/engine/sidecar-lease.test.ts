// A process that lost its batch while it was writing a sidecar (stopped past its lease, then
// continued) names no file: the batch's new holder writes the sidecar, and the late writer
// neither renames over it nor adds a " (2)" copy beside it.
import { readdirSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { nodeFileOps, type FileOps } from '../../../../main/core/engine/download-files';
import { harness, type Harness } from './harness';
import { until } from './helpers';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('a sidecar being written when the lease is lost', () => {
  it('is left to the new holder: the late writer names nothing', async () => {
    let releaseLate!: () => void;
    const lateGate = new Promise<void>((resolve) => (releaseLate = resolve));
    let heldAtSidecar!: () => void;
    const atSidecar = new Promise<void>((resolve) => (heldAtSidecar = resolve));
    let released = false;
    const namedAfterRelease: string[] = [];
    let gated = false;
    // The first process's file operations: its first sidecar waits (the process is stopped).
    const lateOps: Partial<FileOps> = {
      async open(path, mode) {
        if (!gated && /\.json\.sm-\d+\.tmp$/.test(path)) {
          gated = true;
          heldAtSidecar();
          await lateGate;
        }
        return nodeFileOps.open(path, mode);
      },
      async rename(from, to) {
        if (released) namedAfterRelease.push(to);
        return nodeFileOps.rename(from, to);
      },
      async link(from, to) {
        if (released) namedAfterRelease.push(to);
        return nodeFileOps.link(from, to);
      },
    };
    let generations = 0;
    // The first video is quick; the second takes long, so the batch is still running.
    h = await harness({ generationMs: () => (generations++ === 0 ? 5_000 : 600_000) }, { fileOps: lateOps });
    const first = h.engine;
    const { batchId, itemIds } = h.batch(2);
    first.commands.startBatch(batchId);
    await atSidecar;
    // Its lease runs out while it is stopped; another process takes the batch over.
    const raw = new Database(h.dbPath);
    raw.prepare('UPDATE batches SET lease_expires_at = ? WHERE id = ?').run(h.clock.now() - 1, batchId);
    raw.close();
    h.restart({ owner: 'heir', fileOps: {} });
    await until(() => readdirSync(h!.outputDir).some((name) => name.endsWith('.json')), 'the heir’s sidecar');
    released = true;
    releaseLate();
    await first.close();
    expect(namedAfterRelease).toEqual([]);
    const names = readdirSync(h.outputDir).sort();
    expect(names.filter((name) => name.endsWith('.json'))).toHaveLength(1);
    expect(names.filter((name) => name.includes('.tmp') || name.includes('(2)'))).toEqual([]);
    expect(itemIds).toHaveLength(2);
  });
});
