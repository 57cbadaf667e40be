import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import {
  canonicalJson,
  imageRef,
  imageUrl,
  materializeRequest,
  requestFingerprint,
} from '../../../../main/core/intake/requests';
import { DATA_URI_MAX_BYTES } from '../../../../main/core/intake/limits';
import { makeTempDir, writeBmp, writeJpeg, writeNoisePng, writePng } from './fixtures';

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await makeTempDir()));
afterAll(() => cleanup());

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const decode = (uri: unknown) => {
  const match = /^data:(image\/[a-z]+);base64,(.*)$/.exec(String(uri));
  if (!match) throw new Error(`not a data URI: ${String(uri).slice(0, 40)}`);
  return { mime: match[1], bytes: Buffer.from(match[2]!, 'base64') };
};
const MODEL = 'kling/kling-3.0/standard/image-to-video';

describe('canonical JSON and the request fingerprint', () => {
  it('sorts keys at every level and drops undefined', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[2,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('is the same for the same picture and request wherever the file lives, and differs otherwise', () => {
    const a = { prompt: 'p', start_image_url: imageRef('/x/a.jpg'), duration: 5 };
    const b = { duration: 5, start_image_url: imageRef('/elsewhere/copy.jpg'), prompt: 'p' };
    const fa = requestFingerprint(MODEL, a, { '/x/a.jpg': 'h1' });
    expect(requestFingerprint(MODEL, b, { '/elsewhere/copy.jpg': 'h1' })).toBe(fa);
    expect(requestFingerprint(MODEL, a, { '/x/a.jpg': 'h2' })).not.toBe(fa);
    expect(requestFingerprint(MODEL, { ...a, duration: 6 }, { '/x/a.jpg': 'h1' })).not.toBe(fa);
    expect(requestFingerprint('kling/kling-3.0/pro/image-to-video', a, { '/x/a.jpg': 'h1' })).not.toBe(fa);
    expect(fa).toBe(
      createHash('sha256')
        .update(canonicalJson({ model: MODEL, input: { ...a, start_image_url: 'sha256:h1' } }))
        .digest('hex'),
    );
    expect(() => requestFingerprint(MODEL, a, {})).toThrow('No content hash for image /x/a.jpg');
  });
});

describe('image URLs', () => {
  it('joins the prefix and the URL-encoded relative path', () => {
    expect(imageUrl('https://cdn.example.com/shots/', 'day 1/ü#?.jpg')).toBe(
      'https://cdn.example.com/shots/day%201/%C3%BC%23%3F.jpg',
    );
  });
  it('requires https and a valid URL', () => {
    expect(() => imageUrl('http://cdn.example.com', 'a.jpg')).toThrow(
      'URL prefix "http://cdn.example.com" must start with https:// (the API fetches images over HTTPS only); fix it or clear it to send images inline',
    );
    expect(() => imageUrl('not a url', 'a.jpg')).toThrow('URL prefix "not a url" is not a valid URL');
  });
});

describe('materializeRequest', () => {
  it('replaces placeholders with data URIs of the exact bytes, typed by content, leaving the rest alone', async () => {
    const jpg = await writeJpeg(join(dir, 'a.jpg'));
    const pngNamedJpg = await writePng(join(dir, 'b.jpg'));
    const request = {
      prompt: `image-ref is just text here`,
      start_image_url: imageRef(jpg),
      elements: [{ frontal_image_url: imageRef(pngNamedJpg), reference_image_urls: [imageRef(jpg)] }],
      duration: 5,
    };
    const out = await materializeRequest(request, { imageHash: sha(await readFile(jpg)) });
    expect(out.prompt).toBe(request.prompt);
    expect(out.duration).toBe(5);
    expect(decode(out.start_image_url)).toEqual({ mime: 'image/jpeg', bytes: await readFile(jpg) });
    const element = (out.elements as { frontal_image_url: string; reference_image_urls: string[] }[])[0]!;
    expect(decode(element.frontal_image_url)).toEqual({
      mime: 'image/png',
      bytes: await readFile(pngNamedJpg),
    });
    expect(element.reference_image_urls[0]).toBe(out.start_image_url);
    // The planned request itself is not changed.
    expect(request.start_image_url).toBe(imageRef(jpg));
  });

  it('fits an oversized image at submit time, deterministically, under the byte cap', async () => {
    const huge = await writeJpeg(join(dir, 'huge.jpg'), 4000, 3000);
    const request = { prompt: 'p', start_image_url: imageRef(huge) };
    const first = await materializeRequest(request);
    const second = await materializeRequest(request);
    expect(first.start_image_url).toBe(second.start_image_url);
    const { mime, bytes } = decode(first.start_image_url);
    expect(mime).toBe('image/jpeg');
    expect(bytes.length).toBeLessThanOrEqual(DATA_URI_MAX_BYTES);
    expect(await sharp(bytes).metadata()).toMatchObject({ width: 3840, height: 2880, format: 'jpeg' });
  });

  it('re-encodes a heavy BMP (which sharp cannot read) and steps JPEG quality down to meet a cap', async () => {
    const bmp = await writeBmp(join(dir, 'heavy.bmp'), 1600, 1400);
    const out = decode((await materializeRequest({ start_image_url: imageRef(bmp) })).start_image_url);
    expect(out.mime).toBe('image/jpeg');
    expect(await sharp(out.bytes).metadata()).toMatchObject({ width: 1600, height: 1400 });
    const noise = await writeNoisePng(join(dir, 'noise.png'), 900, 700);
    const capped = decode(
      (await materializeRequest({ start_image_url: imageRef(noise) }, { maxImageBytes: 250_000 }))
        .start_image_url,
    );
    expect(capped.mime).toBe('image/jpeg');
    expect(capped.bytes.length).toBeLessThanOrEqual(250_000);
    expect((await readFile(noise)).length).toBeGreaterThan(1_000_000);
  });

  it('sends a small BMP as it is', async () => {
    const bmp = await writeBmp(join(dir, 'small.bmp'), 400, 300);
    const out = decode((await materializeRequest({ start_image_url: imageRef(bmp) })).start_image_url);
    expect(out).toEqual({ mime: 'image/bmp', bytes: await readFile(bmp) });
  });

  it('refuses a file that changed since the scan, naming it and saying what to do', async () => {
    const path = await writeJpeg(join(dir, 'changing.jpg'));
    const scannedHash = sha(await readFile(path));
    await writeFile(
      path,
      await sharp({ create: { width: 500, height: 500, channels: 3, background: '#f00' } })
        .jpeg()
        .toBuffer(),
    );
    await expect(
      materializeRequest({ start_image_url: imageRef(path) }, { imageHash: scannedHash }),
    ).rejects.toThrow(
      new RegExp(
        `^Image ${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} changed since it was scanned .*scan the folder again`,
      ),
    );
    // With imageHashes, the end image is verified too.
    const end = await writeJpeg(join(dir, 'end.jpg'));
    await expect(
      materializeRequest(
        { start_image_url: imageRef(end), end_image_url: imageRef(path) },
        { imageHashes: { [path]: scannedHash } },
      ),
    ).rejects.toThrow('changed since it was scanned');
  });

  it('with the planned fingerprint, verifies the end image, whose hash is kept nowhere else', async () => {
    const PRO = 'kling/kling-3.0/pro/image-to-video';
    const start = await writeJpeg(join(dir, 'd7-start.jpg'));
    const end = await writeJpeg(join(dir, 'd7-end.jpg'), 600, 400);
    const startHash = sha(await readFile(start));
    const request = { prompt: 'p', start_image_url: imageRef(start), end_image_url: imageRef(end) };
    const planned = requestFingerprint(PRO, request, { [start]: startHash, [end]: sha(await readFile(end)) });
    const ctx = { imageHash: startHash, requestFingerprint: planned, modelId: PRO };
    // Unchanged: sent.
    const sent = await materializeRequest(request, ctx);
    expect(decode(sent.end_image_url).bytes.equals(await readFile(end))).toBe(true);
    // The end picture replaced after the scan: refused, naming it.
    await writeFile(
      end,
      await sharp({ create: { width: 600, height: 400, channels: 3, background: '#0f0' } })
        .jpeg()
        .toBuffer(),
    );
    await expect(materializeRequest(request, ctx)).rejects.toThrow(
      `Image ${end} changed since it was scanned (the request no longer matches the one planned and priced); ` +
        'scan the folder again so the new picture is checked and priced',
    );
  });

  it('says when the file is gone', async () => {
    const gone = join(dir, 'gone.jpg');
    await expect(materializeRequest({ start_image_url: imageRef(gone) })).rejects.toThrow(
      `Image ${gone} no longer exists (moved or deleted since the scan); put it back or scan again`,
    );
  });
});
