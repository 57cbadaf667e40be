// Where the model list comes from at start, said to the user: RunComfy's catalog when it answers
// (and a copy cached on disk), the cached copy when it does not, the built-in models when there
// is no copy either; and a model picked from RunComfy's list saved as the user's own entry.
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../harness/test-app';
import { tempDir, value } from './helpers';

const DRIFT = 'lumenfold/drift-1/image-to-video';
const apps: TestApp[] = [];
const dirs: { remove(): void }[] = [];
afterEach(async () => {
  for (const app of apps.splice(0)) await app.close();
  for (const dir of dirs.splice(0)) dir.remove();
});

async function open(rootDir: string, apiBaseUrl?: string): Promise<TestApp> {
  const app = await createTestApp({
    rootDir,
    liveCatalog: true,
    ...(apiBaseUrl ? { settings: { apiBaseUrl } } : {}),
  });
  apps.push(app);
  return app;
}

describe('the model list at start', () => {
  it('is RunComfy’s catalog, then its cached copy offline, then the built-in models', async () => {
    const dir = tempDir('sm-catalog-start-');
    dirs.push(dir);
    const online = await open(dir.path);
    const source = await value(online.handlers, 'query:models.source', {});
    expect(source).toMatchObject({ kind: 'runcomfy', why: null });
    expect((await value(online.handlers, 'query:models.list', {})).map((m) => m.id)).toContain(DRIFT);
    expect(existsSync(online.files.catalogCache)).toBe(true);
    // Another key or none: the catalog follows (here, no key: the cached copy, and why).
    await value(online.handlers, 'command:settings.removeApiKey', {});
    await online.core.catalogReady();
    expect(await value(online.handlers, 'query:models.source', {})).toMatchObject({
      kind: 'cache',
      why: 'no API key is set',
    });
    const offlineUrl = online.simulator.url;
    await online.close();
    apps.length = 0;

    // The same API, unreachable now: the cached copy, saying when it was fetched and why.
    const offline = await open(dir.path, offlineUrl);
    const cached = await value(offline.handlers, 'query:models.source', {});
    expect(cached).toMatchObject({
      kind: 'cache',
      fetchedAt: source.fetchedAt,
      why: expect.stringMatching(/^RunComfy's catalog could not be read: /),
    });
    expect(
      (await value(offline.handlers, 'query:models.list', {})).find((m) => m.id === DRIFT),
    ).toMatchObject({
      origin: 'runcomfy',
      fetchedAt: source.fetchedAt,
    });

    // A fresh data folder: no copy either, so the built-in models, and why.
    const bare = tempDir('sm-catalog-bare-');
    dirs.push(bare);
    const shipped = await open(bare.path, offlineUrl);
    expect(await value(shipped.handlers, 'query:models.source', {})).toMatchObject({
      kind: 'shipped',
      fetchedAt: null,
      why: expect.stringMatching(/^RunComfy's catalog could not be read: /),
    });
    expect((await value(shipped.handlers, 'query:models.list', {})).map((m) => m.id)).not.toContain(DRIFT);
  });

  it('adds a model picked from RunComfy’s list as the user’s entry, with its schema and price', async () => {
    const dir = tempDir('sm-catalog-add-');
    dirs.push(dir);
    const app = await createTestApp({ rootDir: dir.path });
    apps.push(app);
    const found = await value(app.handlers, 'query:models.runcomfy', { search: 'drift' });
    expect(found).toEqual([
      {
        id: DRIFT,
        displayName: 'Lumenfold Drift 1 Image to Video',
        categories: ['image-to-video'],
        price: { usd: 0.05, unit: 'second' },
        inPicker: false,
      },
    ]);
    const added = await value(app.handlers, 'command:models.add', { id: DRIFT, fromRunComfy: true });
    expect(added).toMatchObject({
      status: 'added',
      model: {
        id: DRIFT,
        origin: 'user',
        status: 'known',
        roles: { startImage: 'source_image', duration: 'duration' },
        price: { per: 'second', usd: 0.05 },
      },
    });
    expect((await value(app.handlers, 'query:models.runcomfy', { search: 'drift' }))[0]!.inPicker).toBe(true);
    expect(app.simulator.ledger.submits).toEqual([]);
  });
});
