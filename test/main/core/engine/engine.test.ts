import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineEvent } from '../../../../main/core/domain';
import { harness, type Harness } from './harness';
import { partFiles } from './helpers';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe('engine: the happy path', () => {
  it('generates and downloads a small batch, exactly once each, byte for byte', async () => {
    h = await harness();
    const events: EngineEvent[] = [];
    h.engine.on((event) => events.push(event));
    const { batchId, itemIds } = h.batch(6);
    h.engine.startBatch(batchId);
    await h.engine.idle();
    const batch = h.engine.getBatch(batchId)!;
    expect(batch.state).toBe('finished');
    expect(batch.counts.done).toBe(6);
    expect(batch.spentUsd).toBeCloseTo(6 * 0.42, 6);
    const ledger = h.sim.ledger;
    expect(ledger.submits.filter((s) => s.created)).toHaveLength(6);
    for (const id of itemIds) {
      const item = h.engine.getItem(id)!;
      expect(item.state).toBe('done');
      expect(item.costUsd).toBe(0.42);
      expect(existsSync(item.outputPath!)).toBe(true);
      expect(h.sha256(item.outputPath!)).toBe(ledger.jobs.get(item.requestId!)!.outputSha256);
    }
    expect(partFiles(h.outputDir)).toEqual([]);
    expect(events.some((e) => e.type === 'batch-finished' && e.batchId === batchId)).toBe(true);
    expect(events.some((e) => e.type === 'items')).toBe(true);
  });
});
