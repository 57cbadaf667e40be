// The media resolver refuses everything but the files of known batches and scans: hostile
// paths, unknown ids, symlinks leaving their folder, non-video outputs. Range for seeking,
// small cached JPEG thumbnails.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBmp } from '../../../../main/core/intake/bmp';
import {
  createMediaResolver,
  looksHostile,
  openMediaBody,
  parseRange,
  rootOf,
  type MediaResolver,
} from '../../../../main/core/app/media';
import { createThumbnailCache, pruneThumbnailCache } from '../../../../main/core/app/thumbnails';
import type { ScannedImage } from '../../../../main/core/core-api';
import type { BatchView, ItemView } from '../../../../main/core/domain';
import { tempDir, writeImage } from './helpers';

let dir: { path: string; remove(): void };
let resolver: MediaResolver;
let thumbsDir: string;
const items = new Map<number, Partial<ItemView>>();
const images: ScannedImage[] = [];

function bodyOf(answer: Awaited<ReturnType<MediaResolver['resolve']>>): Promise<Buffer> {
  const stream = openMediaBody(answer.body);
  if (!stream) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function bmp(width: number, height: number): Buffer {
  const stride = Math.ceil((width * 3) / 4) * 4;
  const data = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const o = y * stride + x * 3;
      data[o] = 255; // blue (BMP stores BGR)
      data[o + 1] = 0;
      data[o + 2] = y < height / 2 ? 0 : 255; // bottom-up: first rows are the bottom half
    }
  const header = Buffer.alloc(54);
  header.write('BM', 0, 'latin1');
  header.writeUInt32LE(54 + data.length, 2);
  header.writeUInt32LE(54, 10);
  header.writeUInt32LE(40, 14);
  header.writeInt32LE(width, 18);
  header.writeInt32LE(height, 22);
  header.writeUInt16LE(1, 26);
  header.writeUInt16LE(24, 28);
  return Buffer.concat([header, data]);
}

beforeAll(async () => {
  dir = tempDir('sm-media-');
  const root = join(dir.path, 'in');
  const out = join(dir.path, 'out');
  mkdirSync(out, { recursive: true });
  await writeImage(join(root, 'a', 'big.jpg'), { width: 1200, height: 800 });
  await writeImage(join(dir.path, 'private.jpg'));
  symlinkSync(join(dir.path, 'private.jpg'), join(root, 'escape.jpg'));
  writeFileSync(join(root, 'pic.bmp'), bmp(40, 20));
  writeFileSync(
    join(root, 'fake.jpg'),
    '<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>',
  );
  const video = Buffer.alloc(10_000);
  for (let i = 0; i < video.length; i++) video[i] = i % 251;
  writeFileSync(join(out, 'big.mp4'), video);
  writeFileSync(join(out, 'run.exe'), 'MZ');
  writeFileSync(join(dir.path, 'outside.mp4'), video);
  symlinkSync(join(dir.path, 'outside.mp4'), join(out, 'linked.mp4'));

  const base = { batchId: 1, state: 'done' as const };
  items.set(1, {
    ...base,
    sourcePath: join(root, 'a', 'big.jpg'),
    relativePath: 'a/big.jpg',
    outputPath: join(out, 'big.mp4'),
  });
  items.set(2, {
    ...base,
    sourcePath: join(root, 'escape.jpg'),
    relativePath: 'escape.jpg',
    outputPath: join(out, 'linked.mp4'),
  });
  items.set(3, {
    ...base,
    sourcePath: join(root, 'pic.bmp'),
    relativePath: 'pic.bmp',
    outputPath: join(out, 'run.exe'),
  });
  items.set(4, {
    ...base,
    state: 'in_progress',
    sourcePath: join(root, 'fake.jpg'),
    relativePath: 'fake.jpg',
    outputPath: join(out, 'big.mp4'),
  });
  // A database row claiming a file outside the batch's output folder.
  items.set(5, {
    ...base,
    sourcePath: '/etc/hostname',
    relativePath: 'hostname',
    outputPath: join(dir.path, 'outside.mp4'),
  });
  images.push({ sourcePath: join(root, 'a', 'big.jpg'), rootPath: root } as ScannedImage);
  images.push({ sourcePath: join(root, 'escape.jpg'), rootPath: root } as ScannedImage);
  images.push({ sourcePath: join(dir.path, 'private.jpg'), rootPath: root } as ScannedImage);

  thumbsDir = join(dir.path, 'thumbs');
  resolver = createMediaResolver({
    engine: {
      getItem: (id) => (items.get(id) ? ({ id, ...items.get(id) } as ItemView) : null),
      getBatch: (id) => (id === 1 ? ({ id, settings: { outputDir: out } } as BatchView) : null),
    },
    scans: { image: (scanId, index) => (scanId === 'scan-1' ? (images[index] ?? null) : null) },
    thumbnails: createThumbnailCache({ dir: thumbsDir }),
  });
});

afterAll(() => dir?.remove());

describe('media resolver: hostile requests', () => {
  const hostile = [
    '../etc/passwd',
    '../../../../etc/passwd',
    'item/1/../../../etc/passwd',
    'item/1/thumb/..',
    './item/1/thumb',
    'item/./1/thumb',
    'item%2f1%2fthumb',
    'item/1%2fthumb',
    'item%2F1%2Fthumb',
    '%2e%2e/%2e%2e/etc/passwd',
    '..%2fetc%2fpasswd',
    '..%5c..%5cwindows%5cwin.ini',
    'item/1/thumb%00.jpg',
    'item/1/thumb\0',
    'item\\1\\thumb',
    '..\\..\\etc\\passwd',
    '/etc/passwd',
    '//etc/passwd',
    'C:/Windows/win.ini',
    'c:\\windows\\win.ini',
    'file:///etc/passwd',
    'item/1/thumb/extra',
    'item/01/thumb',
    'item/-1/thumb',
    'item/0/thumb',
    'item/1.5/thumb',
    'item/99999999999999999999/thumb',
    'item/1/thumbs',
    'ITEM/1/thumb',
    'item/1/video.mp4',
    'item/1/thumb?x=1',
    'scan/../1/thumb',
    'scan/scan-1/-1/thumb',
    'scan/scan-1/1e3/thumb',
    'scan/scan 1/0/thumb',
    'scan/scan-1/0/video',
    'batch/1/report',
    '',
  ];

  it.each(hostile)('refuses %j', async (path) => {
    const answer = await resolver.resolve({ path });
    expect([403, 404]).toContain(answer.status);
    expect(answer.body).toBeNull();
  });

  it('flags traversal shapes as hostile (403), unknown shapes as 404', async () => {
    expect(looksHostile('item%2f1')).toBe(true);
    expect(looksHostile('a/../b')).toBe(true);
    expect(looksHostile('item/1/thumb')).toBe(false);
    expect((await resolver.resolve({ path: '../x' })).status).toBe(403);
    expect((await resolver.resolve({ path: 'item/1/thumbs' })).status).toBe(404);
  });

  it('refuses unknown ids, other methods, and files whose real path leaves their folder', async () => {
    expect((await resolver.resolve({ path: 'item/77/thumb' })).status).toBe(404);
    expect((await resolver.resolve({ path: 'scan/scan-2/0/thumb' })).status).toBe(404);
    expect((await resolver.resolve({ path: 'scan/scan-1/9/thumb' })).status).toBe(404);
    expect((await resolver.resolve({ path: 'item/1/thumb', method: 'POST' })).status).toBe(405);
    // symlinked image pointing out of the dropped folder
    expect((await resolver.resolve({ path: 'item/2/thumb' })).status).toBe(403);
    expect((await resolver.resolve({ path: 'scan/scan-1/1/thumb' })).status).toBe(403);
    // a scanned image whose path is not under its root
    expect((await resolver.resolve({ path: 'scan/scan-1/2/thumb' })).status).toBe(403);
    // symlinked video pointing out of the output folder; a row pointing outside it
    expect((await resolver.resolve({ path: 'item/2/video' })).status).toBe(403);
    expect((await resolver.resolve({ path: 'item/5/video' })).status).toBe(403);
    // (its image row names a non-image: refused before any decoder sees it)
    expect((await resolver.resolve({ path: 'item/5/thumb' })).status).toBe(415);
    // not a video; not done yet
    expect((await resolver.resolve({ path: 'item/3/video' })).status).toBe(415);
    expect((await resolver.resolve({ path: 'item/4/video' })).status).toBe(404);
  });

  it('never decodes a file by its name: an SVG named .jpg gets no thumbnail', async () => {
    const answer = await resolver.resolve({ path: 'item/4/thumb' });
    expect(answer.status).toBe(415);
  });
});

describe('media resolver: videos', () => {
  const expected = Buffer.from(Array.from({ length: 10_000 }, (_, i) => i % 251));

  it('serves the whole video with its type', async () => {
    const answer = await resolver.resolve({ path: 'item/1/video' });
    expect(answer.status).toBe(200);
    expect(answer.headers).toMatchObject({
      'Content-Type': 'video/mp4',
      'Content-Length': '10000',
      'Accept-Ranges': 'bytes',
      'X-Content-Type-Options': 'nosniff',
    });
    expect((await bodyOf(answer)).equals(expected)).toBe(true);
  });

  it('answers ranges with 206 and the exact bytes', async () => {
    const mid = await resolver.resolve({ path: 'item/1/video', range: 'bytes=100-199' });
    expect(mid.status).toBe(206);
    expect(mid.headers['Content-Range']).toBe('bytes 100-199/10000');
    expect((await bodyOf(mid)).equals(expected.subarray(100, 200))).toBe(true);
    const open = await resolver.resolve({ path: 'item/1/video', range: 'bytes=9990-' });
    expect((await bodyOf(open)).equals(expected.subarray(9990))).toBe(true);
    const suffix = await resolver.resolve({ path: 'item/1/video', range: 'bytes=-5' });
    expect(suffix.headers['Content-Range']).toBe('bytes 9995-9999/10000');
    const clamped = await resolver.resolve({ path: 'item/1/video', range: 'bytes=9000-20000' });
    expect(clamped.headers['Content-Range']).toBe('bytes 9000-9999/10000');
  });

  it('answers 416 for unsatisfiable ranges and ignores ones it does not support', async () => {
    const beyond = await resolver.resolve({ path: 'item/1/video', range: 'bytes=10000-' });
    expect(beyond.status).toBe(416);
    expect(beyond.headers['Content-Range']).toBe('bytes */10000');
    expect((await resolver.resolve({ path: 'item/1/video', range: 'bytes=0-1,5-6' })).status).toBe(200);
    expect((await resolver.resolve({ path: 'item/1/video', range: 'items=0-1' })).status).toBe(200);
    const head = await resolver.resolve({ path: 'item/1/video', method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
    expect(head.headers['Content-Length']).toBe('10000');
  });

  it('parses ranges per RFC 9110', () => {
    expect(parseRange('bytes=0-0', 10)).toEqual({ start: 0, end: 0 });
    expect(parseRange('bytes=-0', 10)).toBe('unsatisfiable');
    expect(parseRange('bytes=5-2', 10)).toBeNull();
    expect(parseRange('bytes=-', 10)).toBeNull();
    expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable');
    expect(parseRange(undefined, 10)).toBeNull();
  });

  it('derives the dropped root from source and relative paths', () => {
    expect(rootOf('/in/a/big.jpg', 'a/big.jpg')).toBe('/in');
    expect(rootOf('/in/a/big.jpg', 'b/big.jpg')).toBeNull();
    expect(rootOf('/in/xa/big.jpg', 'a/big.jpg')).toBeNull();
  });
});

describe('thumbnails', () => {
  it('are JPEGs of at most 256 px on the long side, cached on disk by content', async () => {
    const first = await resolver.resolve({ path: 'item/1/thumb' });
    expect(first.status).toBe(200);
    expect(first.headers['Content-Type']).toBe('image/jpeg');
    const bytes = await bodyOf(first);
    const meta = await sharp(bytes).metadata();
    expect(meta.format).toBe('jpeg');
    expect(Math.max(meta.width!, meta.height!)).toBe(256);
    expect(meta.width).toBe(256);
    expect(meta.height).toBe(171);
    const cached = first.body!.path;
    expect(cached.startsWith(thumbsDir)).toBe(true);
    const made = statSync(cached).mtimeMs;
    // Same content through another route (the scan) reuses the same file, unchanged.
    const again = await resolver.resolve({ path: 'scan/scan-1/0/thumb' });
    expect(again.body!.path).toBe(cached);
    expect(statSync(cached).mtimeMs).toBe(made);
    expect(readFileSync(cached).length).toBeLessThan(20_000);
  });

  it('serve an item’s still for the full-screen review: the same image, larger, cached apart', async () => {
    const still = await resolver.resolve({ path: 'item/1/still' });
    expect(still.status).toBe(200);
    const meta = await sharp(await bodyOf(still)).metadata();
    // The original is 1200 x 800: never enlarged, so the still is the whole picture.
    expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1200, 800]);
    expect(still.body!.path).not.toBe((await resolver.resolve({ path: 'item/1/thumb' })).body!.path);
    // A still is an image's: the same refusals as its thumbnail.
    expect((await resolver.resolve({ path: 'item/2/still' })).status).toBe(403);
    expect((await resolver.resolve({ path: 'item/77/still' })).status).toBe(404);
  });

  it('are made for BMP images too (sharp cannot read BMP)', async () => {
    const answer = await resolver.resolve({ path: 'item/3/thumb' });
    expect(answer.status).toBe(200);
    const { data, info } = await sharp(await bodyOf(answer))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([info.width, info.height]).toEqual([40, 20]);
    // top rows blue+red (magenta), bottom rows blue: the bottom-up order is decoded right
    expect(data[0]).toBeGreaterThan(200);
    expect(data[2]).toBeGreaterThan(200);
    const last = (info.height - 1) * info.width * info.channels;
    expect(data[last]).toBeLessThan(60);
    expect(data[last + 2]).toBeGreaterThan(200);
  });

  it('refuses corrupt or hostile BMP headers with a clear error', () => {
    const header = bmp(4, 4);
    header.writeInt32LE(200_000, 18);
    header.writeInt32LE(1_000, 22);
    // A pixel bomb is refused before any allocation; a short file after the header is "truncated".
    expect(() => decodeBmp(header)).toThrow(/unsupported size 200000x1000 px/);
    const rle = bmp(4, 4);
    rle.writeUInt32LE(1, 30);
    expect(() => decodeBmp(rle)).toThrow(/RLE-compressed BMP/);
    expect(() => decodeBmp(bmp(4, 4).subarray(0, 60))).toThrow(/truncated/);
  });
});

describe('the thumbnail cache on disk', () => {
  it('is pruned to its cap, oldest first, and never touches anything but thumbnails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sm-thumbs-'));
    const files = ['aa/old.jpg', 'bb/mid.jpg', 'cc/new.jpg'].map((name, i) => {
      const path = join(dir, name);
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, Buffer.alloc(1000));
      utimesSync(path, 1000 + i, 1000 + i);
      return path;
    });
    writeFileSync(join(dir, 'aa', 'notes.txt'), 'x'.repeat(5000));
    expect(await pruneThumbnailCache(dir, 2500)).toBe(1);
    expect(files.map((f) => existsSync(f))).toEqual([false, true, true]);
    expect(existsSync(join(dir, 'aa', 'notes.txt'))).toBe(true);
    expect(await pruneThumbnailCache(dir, 10_000)).toBe(0);
  });
});
