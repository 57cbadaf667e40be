// Dropping the same folder again while the first batch still has those
// items queued or running must not plan them as new paid work. The "already generated" skip
// counts items queued or in flight in any batch; `force` still generates them again.
// Through the same wiring the app and the CLI use (createCoreServices) and the simulator.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCoreServices, type CoreServices } from '../../../../main/core/index';
import { readImageRefsAsDataUris } from '../../../../main/core/engine';
import { startSimulator } from '../../../../main/core/simulator';
import { DEMO_API_KEY, type SimulatorHandle } from '../../../../main/core/simulator/types';
import { scaledClock } from '../../../../main/core/util/clock';
import { until } from '../engine/helpers';
import { batchSettings, tempDir, writeImage } from './helpers';

let sim: SimulatorHandle | undefined;
let core: CoreServices | undefined;
let dir: { path: string; remove(): void } | undefined;
afterEach(async () => {
  await core?.engine.close();
  await sim?.close();
  dir?.remove();
});

describe('duplicates across batches', () => {
  it('skips images queued or generating in another batch when the same folder is dropped again', async () => {
    dir = tempDir('sm-dup-');
    const clock = scaledClock(1000);
    // Generations take long (5 simulated min), so the first batch is still running.
    sim = await startSimulator({ clock, seed: 3, generationMs: () => 300_000 });
    core = createCoreServices({
      dbPath: join(dir.path, 'jobs.sqlite'),
      clock,
      apiBaseUrl: sim.url,
      apiKey: DEMO_API_KEY,
      materializeRequest: readImageRefsAsDataUris,
    });
    const folder = join(dir.path, 'shoot');
    for (const [name, color] of [
      ['a.jpg', '#aa3300'],
      ['b.jpg', '#00aa33'],
      ['c.jpg', '#3300aa'],
    ] as const)
      await writeImage(join(folder, name), { color });
    const outputDir = join(dir.path, 'videos');
    mkdirSync(outputDir, { recursive: true });
    // One at a time: a.jpg is generating, b.jpg and c.jpg wait in the queue.
    const settings = batchSettings(outputDir, { concurrency: 1 });

    const first = core.intake.plan(await core.intake.scan([folder]), settings);
    expect(first.toSend).toBe(3);
    const batchId = core.engine.createBatch(settings, first.items, 'first drop');
    core.engine.commands.startBatch(batchId);
    const items = core.engine.pageItems({ batchId, offset: 0, limit: 10 }).items;
    await until(() => core!.engine.getItem(items[0]!.id)!.state === 'in_queue', 'first item submitted');

    const again = core.intake.plan(await core.intake.scan([folder]), settings);
    expect(again.toSend).toBe(0);
    expect(again.estimatedCostUsd).toBe(0);
    for (const item of again.items) {
      expect(item.verdict?.state, item.relativePath).toBe('skipped');
      expect(item.verdict?.message, item.relativePath).toMatch(new RegExp(`batch ${batchId}`));
    }
    // The same override as for "already generated": force plans them again.
    expect(core.intake.plan(await core.intake.scan([folder]), settings, { force: true }).toSend).toBe(3);
  });
});
