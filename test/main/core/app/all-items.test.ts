// eachItem: every item a query matches across the engine's pages (at most 1,000 a page), in
// queue order, on a real engine and SQLite file (nothing is sent: the batch is never started).
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eachItem } from '../../../../main/core/app/all-items';
import { createEngine, type Engine } from '../../../../main/core/engine';
import { plannedItems, settingsFor, tempDir } from '../engine/helpers';

const COUNT = 2_345;
const dir = tempDir('sm-all-items-');
let engine: Engine;
let batchId: number;

beforeAll(() => {
  engine = createEngine({ dbPath: join(dir.path, 'jobs.sqlite'), adoptBatches: false });
  const settings = settingsFor(join(dir.path, 'out'));
  const images = Array.from({ length: COUNT }, (_, i) => ({
    path: join(dir.path, 'in', `image-${i}.png`),
    relativePath: `image-${i}.png`,
    hash: `hash-${i}`,
  }));
  batchId = engine.createBatch(settings, plannedItems(images, settings));
});

afterAll(async () => {
  await engine?.close();
  dir.remove();
});

describe('eachItem', () => {
  it('reads every item of a batch over three pages, once each, in queue order', () => {
    const items = [...eachItem(engine, { batchId })];
    expect(items).toHaveLength(COUNT);
    expect(new Set(items.map((item) => item.id)).size).toBe(COUNT);
    expect(items.map((item) => item.relativePath)).toEqual(
      Array.from({ length: COUNT }, (_, i) => `image-${i}.png`),
    );
  });

  it('keeps the query (states) and ends at once when nothing matches', () => {
    expect([...eachItem(engine, { batchId, states: ['queued'] })]).toHaveLength(COUNT);
    expect([...eachItem(engine, { batchId, states: ['failed', 'expired'] })]).toEqual([]);
  });
});
