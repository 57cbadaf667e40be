// The harness serves media through the same resolver as Electron's protocol: real files of a
// real batch load in chromium under the app's CSP; hostile raw paths (sent byte for byte,
// without a client normalizing them) are refused, on the media route and the static route.
import { mkdirSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchSettings, tempDir, value, writeImage } from '../main/core/app/helpers';
import { launchBrowser } from './launch-browser';
import { startHarness, type Harness } from './server';

let harness: Harness;
let dir: { path: string; remove(): void };
let itemId: number;

function raw(
  path: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }> {
  const url = new URL(harness.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, path, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  dir = tempDir('sm-media-http-');
  await writeImage(join(dir.path, 'in', 'dune.jpg'), { width: 900, height: 600 });
  mkdirSync(join(dir.path, 'out'));
  harness = await startHarness({ rootDir: dir.path });
  const { scanId } = await value(harness.handlers, 'command:scan.start', { paths: [join(dir.path, 'in')] });
  await harness.core.scans.whenFinished(scanId);
  const { batchId } = await value(harness.handlers, 'command:batch.create', {
    scanId,
    settings: batchSettings(join(dir.path, 'out')),
  });
  await value(harness.handlers, 'command:batch.start', { batchId });
  await harness.engine.idle(20_000);
  itemId = (await value(harness.handlers, 'query:items.page', { batchId, offset: 0, limit: 1 })).items[0]!.id;
});

afterAll(async () => {
  await harness?.close();
  dir?.remove();
});

describe('media over the harness HTTP server', () => {
  it('serves a thumbnail and a seekable video of a known item', async () => {
    const thumb = await raw(`/media/item/${itemId}/thumb`);
    expect(thumb.status).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/jpeg');
    const part = await raw(`/media/item/${itemId}/video`, { Range: 'bytes=0-99' });
    expect(part.status).toBe(206);
    expect(part.headers['content-type']).toBe('video/mp4');
    expect(part.body.length).toBe(100);
    expect(part.body.subarray(4, 8).toString('latin1')).toBe('ftyp');
  });

  it.each([
    '/media/../../../../etc/passwd',
    '/media/item/1/../../../../etc/passwd',
    '/media/item%2f1%2fthumb',
    '/media/%2e%2e/%2e%2e/etc/passwd',
    '/media/..%2f..%2fetc%2fpasswd',
    '/media/..%5c..%5cwindows%5cwin.ini',
    '/media/item/1/thumb%00',
    '/media//etc/passwd',
    '/media/item/999/thumb',
    '/media/scan/nope/0/thumb',
    '/../../../../etc/passwd',
    '/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
    '/assets/..%2f..%2f..%2fpackage.json',
    '/..%5c..%5cpackage.json',
    '/index.html%00.js',
  ])('refuses %s', async (path) => {
    const answer = await raw(path);
    expect([400, 403, 404]).toContain(answer.status);
    expect(answer.body.toString('utf8')).not.toMatch(/root:|"name": "stillmotion"/);
  });

  it('refuses media requests from another site', async () => {
    const answer = await raw(`/media/item/${itemId}/thumb`, { Origin: 'http://evil.example' });
    expect(answer.status).toBe(403);
  });

  describe('in chromium', () => {
    let browser: Browser;
    beforeAll(async () => {
      browser = await launchBrowser();
    });
    afterAll(async () => {
      await browser?.close();
    });

    it('loads thumbnails and video metadata through mediaBaseUrl under the CSP', async () => {
      const page = await browser.newPage();
      await page.goto(harness.url);
      const result = await page.evaluate(async (id) => {
        const g = globalThis as unknown as {
          api: { app: { info(): Promise<{ mediaBaseUrl: string }> } };
          Image: new () => { src: string; naturalWidth: number; decode(): Promise<void> };
          document: {
            createElement(tag: 'video'): {
              src: string;
              preload: string;
              onloadedmetadata: () => void;
              onerror: () => void;
              duration: number;
            };
          };
        };
        const { mediaBaseUrl } = await g.api.app.info();
        const image = new g.Image();
        image.src = `${mediaBaseUrl}/item/${id}/thumb`;
        await image.decode();
        const video = g.document.createElement('video');
        const duration = await new Promise<number>((resolve, reject) => {
          video.onloadedmetadata = () => resolve(video.duration);
          video.onerror = () => reject(new Error('video failed'));
          video.preload = 'metadata';
          video.src = `${mediaBaseUrl}/item/${id}/video`;
        });
        return { width: image.naturalWidth, duration };
      }, itemId);
      expect(result.width).toBe(256);
      expect(result.duration).toBeGreaterThan(0);
      await page.close();
    });
  });
});
