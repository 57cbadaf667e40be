import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReason } from '@common/reasons';
import { createHash } from 'node:crypto';
import { mkdir, readFile, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { scanPaths } from '../../../../main/core/intake/scan';
import type { ScanProgress, ScanResult } from '../../../../main/core/core-api';
import {
  jpegBytes,
  makeTempDir,
  pngHeaderBytes,
  writeBmp,
  writeBytes,
  writeJpeg,
  writePng,
  writeText,
  writeWebp,
} from './fixtures';

let base: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: base, cleanup } = await makeTempDir()));
afterAll(() => cleanup());

let counter = 0;
async function folder(): Promise<string> {
  const dir = join(base, `case-${++counter}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

const rels = (scan: ScanResult) => scan.images.map((i) => i.relativePath);
const reasonFor = (scan: ScanResult, suffix: string) =>
  scan.rejected.find((r) => r.path.endsWith(suffix))?.reason;

describe('scan: folders and files', () => {
  it('walks nested folders, keeps paths relative with "/", skips hidden files and folders', async () => {
    const root = await folder();
    await writeJpeg(join(root, 'top.jpg'));
    await writePng(join(root, 'a', 'b', 'deep.png'));
    await writeWebp(join(root, 'a', 'mid.webp'));
    await writeJpeg(join(root, '.hidden.jpg'));
    await writeJpeg(join(root, '.cache', 'inside.jpg'));
    await writeJpeg(join(root, 'a', '.git', 'x.jpg'));
    await writeBytes(join(root, 'Thumbs.db'), 'junk');
    const scan = await scanPaths([root]);
    expect(rels(scan)).toEqual(['top.jpg', 'a/mid.webp', 'a/b/deep.png']);
    expect(scan.roots).toEqual([root]);
    expect(scan.rejected).toEqual([]);
    for (const image of scan.images) {
      expect(image.rootPath).toBe(root);
      expect(image.sourcePath).toBe(join(root, ...image.relativePath.split('/')));
    }
  });

  it('orders names naturally (img2 before img10) so {index} follows what the user sees', async () => {
    const root = await folder();
    for (const n of [10, 2, 1]) await writeJpeg(join(root, `img${n}.jpg`));
    expect(rels(await scanPaths([root]))).toEqual(['img1.jpg', 'img2.jpg', 'img10.jpg']);
  });

  it('accepts a mix of folders and files; a dropped file has its own folder as root', async () => {
    const root = await folder();
    const other = await folder();
    await writeJpeg(join(root, 'in-folder.jpg'));
    const single = await writeJpeg(join(other, 'single.jpg'));
    await writeJpeg(join(other, 'not-dropped.jpg'));
    const scan = await scanPaths([root, single]);
    expect(scan.images.map((i) => [i.rootPath, i.relativePath])).toEqual([
      [root, 'in-folder.jpg'],
      [other, 'single.jpg'],
    ]);
    expect(scan.roots).toEqual([root, other]);
  });

  it('reports a dropped path that does not exist', async () => {
    const missing = join(base, 'no-such-folder');
    const scan = await scanPaths([missing]);
    expect(scan.rejected).toMatchObject([
      { path: missing, reason: 'could not be opened: it does not exist (moved or deleted?)' },
    ]);
    // And as a code, so the window says it in the reader's language.
    expect(formatReason(scan.rejected[0]!.why!, 'zh-CN')).toBe('无法打开，原因：它不存在（已移动或删除？）');
  });

  it('follows symlinks inside the root, never out of it, and survives loops', async () => {
    const root = await folder();
    const outside = await folder();
    await writeJpeg(join(root, 'real', 'a.jpg'));
    await writeJpeg(join(outside, 'secret.jpg'));
    await symlink(join(root, 'real'), join(root, 'linked-dir')); // inside: same folder twice
    await symlink(root, join(root, 'real', 'loop')); // a loop back to the root
    await symlink(outside, join(root, 'escape-dir'));
    await symlink(join(outside, 'secret.jpg'), join(root, 'escape.jpg'));
    await symlink(join(root, 'nowhere.jpg'), join(root, 'broken.jpg'));
    const scan = await scanPaths([root]);
    // The real folder is read once (a symlink to it and the loop add nothing): one image.
    expect(rels(scan)).toHaveLength(1);
    expect(scan.images[0]!.relativePath).toMatch(/^(real|linked-dir)\/a\.jpg$/);
    expect(reasonFor(scan, 'escape-dir')).toBe(
      `symbolic link to ${outside}, outside the dropped folder ${root}; not followed`,
    );
    expect(reasonFor(scan, 'escape.jpg')).toBe(
      `symbolic link to ${join(outside, 'secret.jpg')}, outside the dropped folder ${root}; not followed`,
    );
    expect(reasonFor(scan, 'broken.jpg')).toBe('broken symbolic link: it does not exist (moved or deleted?)');
  });

  it('counts the same file reached twice (folder and a file inside it) once', async () => {
    const root = await folder();
    const file = await writeJpeg(join(root, 'a.jpg'));
    const scan = await scanPaths([root, file]);
    expect(scan.images).toHaveLength(1);
  });
});

describe('scan: checking images', () => {
  it('hashes the bytes (sha256) and records format, size and dimensions', async () => {
    const root = await folder();
    const path = await writeJpeg(join(root, 'a.jpg'), 700, 500);
    const [image] = (await scanPaths([root])).images;
    const bytes = await readFile(path);
    expect(image).toMatchObject({
      format: 'jpeg',
      width: 700,
      height: 500,
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      fit: null,
      caption: null,
      csvRow: null,
    });
  });

  it('hashes a file larger than its first read (64 KiB) and than one read of the rest (1 MiB) whole', async () => {
    const root = await folder();
    const path = join(root, 'noise.png');
    const raw = Buffer.from(Array.from({ length: 900 * 900 * 3 }, (_, i) => (i * 2654435761) >>> 24));
    await sharp(raw, { raw: { width: 900, height: 900, channels: 3 } })
      .png({ compressionLevel: 0 })
      .toFile(path);
    const bytes = await readFile(path);
    expect(bytes.length).toBeGreaterThan(2 * 1024 * 1024);
    const [image] = (await scanPaths([root])).images;
    expect(image).toMatchObject({
      bytes: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
  });

  it('rejects unusable files with a reason each, and ignores non-images that do not claim to be images', async () => {
    const root = await folder();
    await writeJpeg(join(root, 'good.jpg'));
    await writePng(join(root, 'png-named.jpg'));
    await writeText(join(root, 'text.png'), 'just some notes');
    await writeBytes(join(root, 'zero.jpg'), Buffer.alloc(0));
    await writeJpeg(join(root, 'small.jpg'), 299, 500);
    await writeJpeg(join(root, 'wide.jpg'), 2600, 1000);
    await writeJpeg(join(root, 'tall.jpg'), 400, 1001);
    await writeBytes(join(root, 'bomb.png'), pngHeaderBytes(100_000, 100_000));
    await writeBytes(join(root, 'nonsense.png'), pngHeaderBytes(0, 500));
    const jpeg = await jpegBytes(800, 600);
    await writeBytes(join(root, 'cut.jpg'), jpeg.subarray(0, Math.floor(jpeg.length * 0.6)));
    // A complete JPEG with data after its end (like a phone's motion photo) is fine.
    await writeBytes(join(root, 'motion.jpg'), Buffer.concat([jpeg, Buffer.alloc(8000, 7)]));
    await writeBytes(join(root, 'movie.mp4'), Buffer.from('....ftypisom....'));
    await writeText(join(root, 'readme.md'), '# notes');
    const scan = await scanPaths([root]);
    // Too small or the wrong shape for a model is the plan's call (fit or refuse, per model): kept here.
    expect(rels(scan)).toEqual([
      'good.jpg',
      'motion.jpg',
      'png-named.jpg',
      'small.jpg',
      'tall.jpg',
      'wide.jpg',
    ]);
    expect(scan.images.find((i) => i.relativePath === 'png-named.jpg')!.format).toBe('png');
    expect(Object.fromEntries(scan.rejected.map((r) => [r.path.slice(root.length + 1), r.reason]))).toEqual({
      'bomb.png':
        'too many pixels: 100000x100000 (10000 megapixels) is over the 100 megapixel limit; refused without decoding it. Scale it down and add it again',
      'cut.jpg': 'truncated or corrupt JPEG: the image data ends early; copy it again from the original',
      'nonsense.png': 'corrupt image: its header gives dimensions 0x500, which make no sense',
      'text.png':
        'not an image: the file starts with "just some notes"; expected JPEG, PNG, BMP, WebP, TIFF or GIF',
      'zero.jpg': 'empty file (0 bytes)',
    });
  });

  it('accepts the limits exactly: 300 px short side, 2.5:1', async () => {
    const root = await folder();
    await writeJpeg(join(root, 'edge.jpg'), 750, 300);
    expect(rels(await scanPaths([root]))).toEqual(['edge.jpg']);
  });

  it('marks images too large in pixels or bytes to be fitted, with a note, instead of failing them', async () => {
    const root = await folder();
    await writeJpeg(join(root, 'huge.jpg'), 4000, 3000);
    await writeBmp(join(root, 'heavy.bmp'), 1600, 1400); // 6.7 MB uncompressed
    const scan = await scanPaths([root]);
    const byName = Object.fromEntries(scan.images.map((i) => [i.relativePath, i]));
    expect(formatReason(byName['huge.jpg']!.fit!.why)).toBe(
      "resized from 4000x3000 to 3840x2880 to fit Kling's 3840 px and 6.0 MiB limits (re-encoded as JPEG when sent)",
    );
    expect(formatReason(byName['heavy.bmp']!.fit!.why)).toBe(
      're-encoded as JPEG when sent: 6.4 MiB is over the 6.0 MiB limit for images sent inline',
    );
    expect(scan.rejected).toEqual([]);
  });

  it('rejects an explicitly dropped non-image, whatever its name', async () => {
    const root = await folder();
    const file = await writeText(join(root, 'notes.doc'), 'plain words');
    const scan = await scanPaths([file]);
    expect(scan.rejected).toMatchObject([
      {
        path: file,
        reason:
          'not an image: the file starts with "plain words"; expected JPEG, PNG, BMP, WebP, TIFF or GIF',
      },
    ]);
    expect(formatReason(scan.rejected[0]!.why!, 'zh-CN')).toBe(
      '不是图片：文件开头为 "plain words"；应为 JPEG、PNG、BMP、WebP、TIFF 或 GIF',
    );
  });
});

describe('scan: progress and abort', () => {
  it('reports found/checked as it goes and ends with a finished report', async () => {
    const root = await folder();
    const one = await jpegBytes(400, 400);
    for (let i = 0; i < 60; i++) await writeBytes(join(root, `d${i % 6}`, `img${i}.jpg`), one);
    const reports: ScanProgress[] = [];
    const scan = await scanPaths([root], (p) => reports.push({ ...p }), undefined, { progressIntervalMs: 0 });
    expect(scan.images).toHaveLength(60);
    expect(reports.at(-1)).toEqual({ found: 60, checked: 60, finished: true });
    expect(reports.filter((r) => r.finished)).toHaveLength(1);
    expect(reports.some((r) => !r.finished && r.checked < r.found)).toBe(true);
    for (let i = 1; i < reports.length; i++) {
      expect(reports[i]!.found).toBeGreaterThanOrEqual(reports[i - 1]!.found);
      expect(reports[i]!.checked).toBeGreaterThanOrEqual(reports[i - 1]!.checked);
    }
  });

  it('stops when the signal aborts, with the abort reason', async () => {
    const root = await folder();
    const one = await jpegBytes(400, 400);
    for (let i = 0; i < 40; i++) await writeBytes(join(root, `d${i % 8}`, `img${i}.jpg`), one);
    const controller = new AbortController();
    let seen = 0;
    const run = scanPaths(
      [root],
      (p) => {
        seen = p.checked;
        if (p.checked >= 5) controller.abort(new Error('user cancelled the scan'));
      },
      controller.signal,
      { progressIntervalMs: 0, concurrency: 2 },
    );
    await expect(run).rejects.toThrow('user cancelled the scan');
    expect(seen).toBeLessThan(40);
    const already = new AbortController();
    already.abort(new Error('gone'));
    await expect(scanPaths([root], undefined, already.signal)).rejects.toThrow('gone');
  });

  it('keeps the event loop free while it works', async () => {
    const root = await folder();
    const one = await jpegBytes(400, 400);
    for (let i = 0; i < 80; i++) await writeBytes(join(root, `d${i % 4}`, `img${i}.jpg`), one);
    let ticks = 0;
    const timer = setInterval(() => (ticks += 1), 0);
    const scan = await scanPaths([root], undefined, undefined, { concurrency: 4 });
    clearInterval(timer);
    expect(scan.images).toHaveLength(80);
    // Timers fired during the scan: it awaited I/O and yielded rather than blocking.
    expect(ticks).toBeGreaterThan(0);
  });
});

describe('scan: captions', () => {
  it('reads photo.txt (or photo.jpg.txt) as the caption of photo.jpg', async () => {
    const root = await folder();
    await writeJpeg(join(root, 'photo.jpg'));
    await writeText(join(root, 'photo.txt'), '\ufeff  A red boat at dawn\r\n');
    await writeJpeg(join(root, 'sub', 'two.png.jpg'));
    await writeText(join(root, 'sub', 'two.png.jpg.txt'), 'specific');
    await writeText(join(root, 'sub', 'two.png.txt'), 'less specific');
    await writeJpeg(join(root, 'none.jpg'));
    const scan = await scanPaths([root]);
    const captions = Object.fromEntries(scan.images.map((i) => [i.relativePath, i.caption]));
    expect(captions).toEqual({
      'photo.jpg': 'A red boat at dawn',
      'sub/two.png.jpg': 'specific',
      'none.jpg': null,
    });
  });
});
