import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

import { createMediaResolver, type MediaResolver } from '../../../main/core/app/media';
import { createThumbnailCache } from '../../../main/core/app/thumbnails';
import type { BatchView, ItemView } from '../../../main/core/domain';
import {
  handleMediaProtocol,
  MEDIA_BASE_URL,
  MEDIA_SCHEME_PRIVILEGES,
  mediaResponse,
} from '../../../main/electron/media-protocol';
import { tempDir } from '../core/app/helpers';

let dir: { path: string; remove(): void };
let resolver: MediaResolver;

beforeAll(() => {
  dir = tempDir('sm-protocol-');
  const out = join(dir.path, 'out');
  mkdirSync(out);
  writeFileSync(join(out, 'a.mp4'), Buffer.from('0123456789'));
  resolver = createMediaResolver({
    engine: {
      getItem: (id) =>
        id === 1
          ? ({
              id,
              batchId: 1,
              state: 'done',
              sourcePath: '/x/a.jpg',
              relativePath: 'a.jpg',
              outputPath: join(out, 'a.mp4'),
            } as ItemView)
          : null,
      getBatch: () => ({ settings: { outputDir: out } }) as BatchView,
    },
    scans: { image: () => null },
    thumbnails: createThumbnailCache({ dir: join(dir.path, 'thumbs') }),
  });
});
afterAll(() => dir?.remove());

describe('stillmotion-media protocol', () => {
  it('is privileged for fetch and streaming, without bypassing CSP', () => {
    expect(MEDIA_SCHEME_PRIVILEGES).toEqual({
      scheme: 'stillmotion-media',
      privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true },
    });
    expect(MEDIA_BASE_URL).toBe('stillmotion-media://media');
  });

  it('answers videos with ranges through the shared resolver', async () => {
    const whole = await mediaResponse(resolver, new Request(`${MEDIA_BASE_URL}/item/1/video`));
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    expect(await whole.text()).toBe('0123456789');
    const part = await mediaResponse(
      resolver,
      new Request(`${MEDIA_BASE_URL}/item/1/video`, { headers: { Range: 'bytes=2-4' } }),
    );
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 2-4/10');
    expect(await part.text()).toBe('234');
  });

  it.each([
    'stillmotion-media://other/item/1/video',
    'stillmotion-media://user@media/item/1/video',
    'stillmotion-media://media/item/1/../../../../etc/passwd',
    'stillmotion-media://media/item%2f1%2fvideo',
    'stillmotion-media://media/item/2/video',
    'https://media/item/1/video',
  ])('refuses %s', async (url) => {
    // (a plain object: the Request constructor itself refuses URLs with credentials)
    const request = { url, method: 'GET', headers: new Headers() } as unknown as Request;
    const response = await mediaResponse(resolver, request);
    expect([403, 404]).toContain(response.status);
  });

  it('registers and unregisters the handler', async () => {
    const protocol = { handle: vi.fn(), unhandle: vi.fn() };
    const off = handleMediaProtocol(protocol, resolver);
    expect(protocol.handle).toHaveBeenCalledWith('stillmotion-media', expect.any(Function));
    const handler = protocol.handle.mock.calls[0]![1] as (r: Request) => Promise<Response>;
    expect((await handler(new Request(`${MEDIA_BASE_URL}/item/1/video`))).status).toBe(200);
    off();
    expect(protocol.unhandle).toHaveBeenCalledWith('stillmotion-media');
  });
});
