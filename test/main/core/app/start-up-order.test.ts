// The app's start-up order: the stored key is applied before the engine
// takes over the batches left running, so no adopted job is polled without a key and no batch
// is paused as "key refused" or left waiting for a key it has.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createAppCore, type AppCore } from '../../../../main/core/app/app-core';
import { createMemorySecretStore } from '../../../../main/core/app/secret-store';
import { createSettingsStore } from '../../../../main/core/app/settings-store';
import { createCatalog } from '../../../../main/core/catalog/catalog';
import { createEngine, readImageRefsAsDataUris, type Engine } from '../../../../main/core/engine';
import { createIntake } from '../../../../main/core/intake';
import { DEMO_API_KEY, startSimulator, type SimulatorHandle } from '../../../../main/core/simulator';
import { scaledClock } from '../../../../main/core/util/clock';
import { makeImages, plannedItems, settingsFor, tempDir, until } from '../engine/helpers';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

describe('app start-up', () => {
  it('applies the stored key before taking over batches left running', async () => {
    const dir = tempDir('sm-start-up-');
    cleanup.push(() => dir.remove());
    const clock = scaledClock(1000);
    const sim: SimulatorHandle = await startSimulator({ clock, seed: 3, generationMs: () => 60_000 });
    cleanup.push(() => sim.close());
    const dbPath = join(dir.path, 'jobs.sqlite');
    const common = { dbPath, clock, apiBaseUrl: sim.url, materializeRequest: readImageRefsAsDataUris };

    // Last night's app: a batch of two, one job in flight, when the app quit.
    const before = createEngine({ ...common, owner: 'app:before', apiKey: DEMO_API_KEY });
    const batchSettings = settingsFor(join(dir.path, 'out'), { concurrency: 1 });
    const batchId = before.createBatch(
      batchSettings,
      plannedItems(makeImages(join(dir.path, 'in'), 2), batchSettings),
    );
    const itemIds = before.pageItems({ batchId, offset: 0, limit: 2 }).items.map((item) => item.id);
    before.commands.startBatch(batchId);
    await before.waitForItemState(itemIds[0]!, ['in_queue', 'in_progress']);
    await before.close();

    // This morning's start, wired as main/electron/index.ts wires it.
    const keyless: string[] = [];
    const logged: string[] = [];
    const engine: Engine = createEngine({
      ...common,
      owner: 'app:after',
      apiKey: null,
      adoptBatches: false,
      fetch: async (input, init) => {
        // API requests only: a video link is fetched without the key, as it should be.
        const url = String(input);
        if (url.includes('/v1/') && !new Headers(init?.headers).get('authorization')) keyless.push(url);
        return fetch(input, init);
      },
      log: (level, message) => void logged.push(`${level}: ${message}`),
    });
    cleanup.push(() => engine.close());
    const settings = createSettingsStore(join(dir.path, 'settings.json'));
    settings.update({ apiBaseUrl: sim.url });
    const secrets = createMemorySecretStore({ secure: true });
    secrets.set(DEMO_API_KEY, { allowPlainText: true });
    const catalog = createCatalog();
    const core: AppCore = createAppCore({
      engine,
      intake: createIntake({ catalog, findDone: (hash, fp) => engine.findDone(hash, fp) }),
      catalog,
      settings,
      secrets,
      dialogs: { pickInputs: async () => [], pickImages: async () => [], pickOutputDir: async () => null },
      desktop: { showInFolder: () => {}, openPath: async () => {} },
      appInfo: () => ({ version: 'test', platform: process.platform, locale: 'en-US', mediaBaseUrl: '' }),
      demo: async () => ({ apiBaseUrl: sim.url, apiKey: DEMO_API_KEY }),
      thumbnailsDir: join(dir.path, 'thumbnails'),
    });
    cleanup.push(() => core.close());
    await core.start();

    await until(() => engine.getBatch(batchId)!.state === 'finished', 'the batch to finish', 20_000);
    expect(itemIds.map((id) => engine.getItem(id)!.state)).toEqual(['done', 'done']);
    expect(keyless).toEqual([]);
    // Never paused, never waiting for a key it had.
    expect(logged.filter((line) => /paused|no API key/.test(line))).toEqual([]);
  });
});
