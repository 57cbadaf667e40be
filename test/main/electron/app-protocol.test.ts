// The `stillmotion-app:` protocol serves the built renderer and nothing else: the window loads
// from it instead of file:// (so the grantFileProtocolExtraPrivileges fuse is off), every page
// carries the CSP, and a path outside the renderer's folder, a malformed escape, another host
// or a file type the build does not hold is refused.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

import {
  APP_INDEX_URL,
  APP_SCHEME_PRIVILEGES,
  appResponse,
  handleAppProtocol,
} from '../../../main/electron/app-protocol';
import { buildCsp } from '../../../main/electron/csp';
import { tempDir } from '../core/app/helpers';

let dir: { path: string; remove(): void };
let renderer: string;
const csp = buildCsp({ header: true });

beforeAll(() => {
  dir = tempDir('sm-app-protocol-');
  renderer = join(dir.path, 'out', 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Stillmotion</title>');
  writeFileSync(join(renderer, 'assets', 'index-abc.js'), 'console.log(1)');
  writeFileSync(join(renderer, 'assets', 'notes.txt'), 'not part of a build');
  writeFileSync(join(dir.path, 'out', 'secret.html'), 'outside the renderer folder');
});
afterAll(() => dir.remove());

const get = (url: string) => appResponse(renderer, url, csp);

describe('the app protocol', () => {
  it('serves the index page and its assets, typed, with the CSP', async () => {
    const index = await get(APP_INDEX_URL);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(index.headers.get('content-security-policy')).toBe(csp);
    expect(await index.text()).toContain('<title>Stillmotion</title>');
    const script = await get('stillmotion-app://app/assets/index-abc.js');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log(1)');
  });

  it.each([
    ['stillmotion-app://app/../secret.html', 404],
    ['stillmotion-app://app/%2e%2e/secret.html', 404],
    ['stillmotion-app://app/..%2fsecret.html', 404],
    ['stillmotion-app://app/..%5csecret.html', 404],
    ['stillmotion-app://app/%E0%A4%A', 400],
    ['stillmotion-app://app/index.html%00.js', 404],
    ['stillmotion-app://evil/index.html', 404],
    ['stillmotion-app://user:pw@app/index.html', 404],
    ['stillmotion-media://app/index.html', 404],
    ['stillmotion-app://app/assets/notes.txt', 404],
    ['stillmotion-app://app/missing.js', 404],
    ['not a url', 400],
  ])('refuses %s (%i)', async (url, status) => {
    expect((await get(url)).status).toBe(status);
  });

  it('is registered standard and secure, and handled through Electron’s protocol', async () => {
    expect(APP_SCHEME_PRIVILEGES).toEqual({
      scheme: 'stillmotion-app',
      privileges: expect.objectContaining({ standard: true, secure: true }),
    });
    const handle = vi.fn();
    const unhandle = vi.fn();
    const off = handleAppProtocol({ handle, unhandle }, renderer, csp);
    const handler = handle.mock.calls[0]![1] as (request: Request) => Promise<Response>;
    expect((await handler(new Request(APP_INDEX_URL))).status).toBe(200);
    off();
    expect(unhandle).toHaveBeenCalledWith('stillmotion-app');
  });
});
