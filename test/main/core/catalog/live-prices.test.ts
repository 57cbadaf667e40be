import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createCatalog, fetchLivePrices } from '../../../../main/core/catalog';
import { DEMO_API_KEY, startSimulator } from '../../../../main/core/simulator';
import type { SimulatorHandle } from '../../../../main/core/simulator';

let simulator: SimulatorHandle;
beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(() => simulator.close());

/** A loopback server answering each model path with whatever the test says. */
async function fakeCatalog(answer: (path: string) => { status: number; body: string }) {
  const seen: { path: string; auth: string | undefined }[] = [];
  const server: Server = createServer((req, res) => {
    seen.push({ path: req.url ?? '', auth: req.headers.authorization });
    const { status, body } = answer(req.url ?? '');
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A catalog of the two Kling 3.0 entries, so a fake server sees two requests. */
const twoKlings = () =>
  createCatalog(
    createCatalog()
      .list()
      .filter((m) => m.id.startsWith('kling/kling-3.0/') && !m.id.includes('/4k/')),
  );

describe('fetchLivePrices', () => {
  it('learns a price the entry did not know, per second or per video', async () => {
    const server = await fakeCatalog((path) =>
      path.includes('wan-2-5')
        ? { status: 200, body: JSON.stringify({ base_price_usd: 0.05, price_unit: 'second' }) }
        : { status: 200, body: JSON.stringify({ base_price_usd: 0.4, price_unit: 'video' }) },
    );
    try {
      const catalog = createCatalog(
        createCatalog()
          .list()
          .filter(
            (m) =>
              m.id === 'wan-ai/wan-2-5/image-to-video' || m.id === 'google-deepmind/veo-3/image-to-video',
          ),
      );
      expect(catalog.info('wan-2.5').price).toEqual({ per: 'unknown' });
      const result = await fetchLivePrices(server.url, 'k', fetch, { catalog });
      expect(result.models.map((m) => [m.id, m.price])).toEqual([
        ['wan-ai/wan-2-5/image-to-video', { per: 'second', usd: 0.05, withAudioUsd: null }],
        ['google-deepmind/veo-3/image-to-video', { per: 'video', usd: 0.4, withAudioUsd: null }],
      ]);
    } finally {
      await server.close();
    }
  });

  it('reads the simulator catalog over HTTP and updates the catalog it is given', async () => {
    const catalog = createCatalog();
    const result = await fetchLivePrices(simulator.url, DEMO_API_KEY, fetch, { catalog });
    expect(result.notes).toEqual([]);
    // The simulator serves every shipped model's catalog entry.
    expect(Object.values(result.sources).every((source) => source === 'live')).toBe(true);
    expect(Object.keys(result.sources)).toHaveLength(catalog.list().length);
    const standard = result.models.find((m) => m.id === 'kling/kling-3.0/standard/image-to-video')!;
    expect(standard.price).toMatchObject({ per: 'second', usd: 0.084, withAudioUsd: 0.126 });
    expect(catalog.info(standard.id).price).toEqual(standard.price);
    expect(catalog.info(standard.id).priceSource).toBe('live');
  });

  it('uses the live base price for no audio and keeps the 1.5x audio ratio; sends the key', async () => {
    const server = await fakeCatalog((path) =>
      path.includes('/standard/')
        ? {
            status: 200,
            body: JSON.stringify({ base_price_usd: '0.1', price_unit: 'second', display_name: 'x' }),
          }
        : { status: 200, body: JSON.stringify({ data: { base_price_usd: 0.2, price_unit: 'second' } }) },
    );
    try {
      const result = await fetchLivePrices(server.url, 'key-123', fetch, { catalog: twoKlings() });
      expect(server.seen).toEqual([
        { path: '/v1/models/kling/kling-3.0/standard/image-to-video', auth: 'Bearer key-123' },
        { path: '/v1/models/kling/kling-3.0/pro/image-to-video', auth: 'Bearer key-123' },
      ]);
      expect(result.models.map((m) => m.price)).toEqual([
        { per: 'second', usd: 0.1, withAudioUsd: 0.15 },
        { per: 'second', usd: 0.2, withAudioUsd: 0.3 },
      ]);
    } finally {
      await server.close();
    }
  });

  it('keeps the static price and says why when an answer is unusable', async () => {
    const server = await fakeCatalog((path) =>
      path.includes('/standard/')
        ? { status: 200, body: JSON.stringify({ base_price_usd: 0.5, price_unit: 'minute' }) }
        : { status: 200, body: '<html>gateway</html>' },
    );
    try {
      const result = await fetchLivePrices(server.url, 'k', fetch, { catalog: twoKlings() });
      expect(result.sources).toEqual({
        'kling/kling-3.0/standard/image-to-video': 'static',
        'kling/kling-3.0/pro/image-to-video': 'static',
      });
      expect(result.notes).toEqual([
        'Kept the built-in price for Kling 3.0 Standard ($0.084/s, $0.126/s with audio): the catalog prices it per "minute", not per second or per video.',
        'Kept the built-in price for Kling 3.0 Pro ($0.112/s, $0.168/s with audio): the catalog answered HTTP 200 with something that is not JSON.',
      ]);
      expect(result.models[0]!.price).toEqual({ per: 'second', usd: 0.084, withAudioUsd: 0.126 });
    } finally {
      await server.close();
    }
  });

  it('treats error bodies (even with HTTP 200), missing fields, absurd prices and refused connections as unusable', async () => {
    const server = await fakeCatalog((path) =>
      path.includes('/standard/')
        ? { status: 200, body: JSON.stringify({ error_code: 400004, error_message: 'invalid key' }) }
        : { status: 200, body: JSON.stringify({ price: 1 }) },
    );
    try {
      const result = await fetchLivePrices(server.url, 'k', fetch, { catalog: twoKlings() });
      expect(result.notes[0]).toMatch(/the catalog answered HTTP 200 \(invalid key\)\.$/);
      expect(result.notes[1]).toMatch(/the catalog entry has no readable base_price_usd and price_unit\.$/);
    } finally {
      await server.close();
    }
    const absurd = await fakeCatalog(() => ({
      status: 200,
      body: JSON.stringify({ base_price_usd: 84, price_unit: 'second' }),
    }));
    try {
      expect((await fetchLivePrices(absurd.url, 'k', fetch, { catalog: twoKlings() })).notes[0]).toMatch(
        /the catalog's price \$84 per second is not plausible\.$/,
      );
    } finally {
      await absurd.close();
    }
    const closed = await fakeCatalog(() => ({ status: 200, body: '{}' }));
    await closed.close();
    const offline = await fetchLivePrices(closed.url, 'k', fetch, { catalog: twoKlings() });
    expect(offline.notes[0]).toMatch(/the catalog could not be reached \(/);
    expect(Object.values(offline.sources)).toEqual(['static', 'static']);
  });
});
