// One engine + one simulator on a shared fast clock (1 simulated second = 1 real ms), real
// SQLite file and real output folder in a temp dir. Tests build on this.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  createEngine,
  readImageRefsAsDataUris,
  type Engine,
  type EngineOptions,
} from '../../../../main/core/engine';
import type { BatchSettings } from '../../../../main/core/domain';
import { startSimulator } from '../../../../main/core/simulator';
import {
  DEMO_API_KEY,
  type SimulatorHandle,
  type SimulatorOptions,
} from '../../../../main/core/simulator/types';
import { scaledClock, seededRandom, type Clock } from '../../../../main/core/util/clock';
import { makeImages, plannedItems, settingsFor, tempDir } from './helpers';

export const SPEED = 1000;

export interface Harness {
  sim: SimulatorHandle;
  engine: Engine;
  clock: Clock;
  dir: string;
  dbPath: string;
  outputDir: string;
  /** A batch of `count` fresh images; returns its id and the item ids in queue order. */
  batch(count: number, overrides?: Partial<BatchSettings>): { batchId: number; itemIds: number[] };
  /** A new engine on the same database (after `engine.close()`), e.g. to test a restart. */
  restart(options?: Partial<EngineOptions>): Engine;
  sha256(path: string): string;
  close(): Promise<void>;
}

export async function harness(
  simOptions: SimulatorOptions = {},
  engineOptions: Partial<EngineOptions> = {},
  speed = SPEED,
): Promise<Harness> {
  const dir = tempDir('sm-engine-');
  const clock = scaledClock(speed);
  const sim = await startSimulator({ clock, seed: 11, ...simOptions });
  const dbPath = join(dir.path, 'jobs.sqlite');
  const outputDir = join(dir.path, 'out');
  const make = (extra: Partial<EngineOptions> = {}) =>
    createEngine({
      dbPath,
      owner: 'test-engine',
      clock,
      random: seededRandom(5),
      apiBaseUrl: sim.url,
      apiKey: DEMO_API_KEY,
      leaseMs: 600 * speed,
      // The test images are PNG signatures plus noise (the simulator only sniffs): send them as they are.
      materializeRequest: readImageRefsAsDataUris,
      requestTimeoutMs: 5000,
      submitTimeoutMs: 5000,
      // Engine errors are bugs: make them loud in the test output.
      log: (level, message) => {
        if (level === 'error') console.error(message);
      },
      ...engineOptions,
      ...extra,
    });
  const h: Harness = {
    sim,
    engine: make(),
    clock,
    dir: dir.path,
    dbPath,
    outputDir,
    batch(count, overrides = {}) {
      const settings = settingsFor(outputDir, overrides);
      const imagesDir = join(dir.path, `set-${Math.random().toString(36).slice(2, 8)}`);
      const items = plannedItems(makeImages(imagesDir, count), settings);
      const batchId = h.engine.createBatch(settings, items, 'test batch');
      const itemIds = h.engine.pageItems({ batchId, offset: 0, limit: count }).items.map((item) => item.id);
      return { batchId, itemIds };
    },
    restart(options) {
      h.engine = make(options);
      return h.engine;
    },
    sha256: (path) => createHash('sha256').update(readFileSync(path)).digest('hex'),
    async close() {
      await h.engine.close();
      await sim.close();
      dir.remove();
    },
  };
  return h;
}
