// Simulated videos show the start image moving (simulator/motion.ts, pcm-mp4.ts): the frames
// are the picture, pushed in towards a corner, and the mp4 is one Chromium plays (decoded here
// in the real browser, frame pixels read back), served by the simulator when asked.
import { afterAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import sharp from 'sharp';
import {
  clipSize,
  kenBurnsFrames,
  MotionVideos,
  MOTION_FPS,
  MOTION_SECONDS,
} from '../../../../main/core/simulator/motion';
import { pcmMp4 } from '../../../../main/core/simulator/pcm-mp4';
import { launchBrowser } from '../../../harness/launch-browser';

// Callbacks passed to page.evaluate run in the page; the node project has no DOM lib.
declare const document: {
  createElement(tag: 'video'): PageVideo;
  createElement(tag: 'canvas'): PageCanvas;
};
interface PageVideo {
  src: string;
  muted: boolean;
  duration: number;
  videoWidth: number;
  videoHeight: number;
  currentTime: number;
  onloadeddata: (() => void) | null;
  onseeked: (() => void) | null;
  onerror: (() => void) | null;
}
interface PageCanvas {
  width: number;
  height: number;
  getContext(kind: '2d'): {
    drawImage(v: PageVideo, x: number, y: number): void;
    getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
  };
}

/** 400 x 200: red on the left half, blue on the right, a white square top left. */
async function picture(): Promise<Buffer> {
  const width = 400;
  const height = 200;
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const white = x < 60 && y < 60;
      data[i] = white || x < width / 2 ? 230 : 20;
      data[i + 1] = white ? 230 : 20;
      data[i + 2] = white || x >= width / 2 ? 230 : 20;
    }
  return sharp(data, { raw: { width, height, channels: 3 } })
    .jpeg({ quality: 95 })
    .toBuffer();
}

let browser: Browser | null = null;
afterAll(async () => {
  await browser?.close();
});

describe('Ken Burns frames', () => {
  it('keep the picture’s shape at 256 px on the long side, both sides even', () => {
    expect(clipSize(4000, 3000)).toEqual({ width: 256, height: 192 });
    expect(clipSize(1080, 1920)).toEqual({ width: 144, height: 256 });
    expect(clipSize(1001, 1000)).toEqual({ width: 256, height: 256 });
  });

  it('show the whole picture first, then move in towards a corner', async () => {
    const { data, info } = await sharp(await picture())
      .resize(320, 160)
      .raw()
      .toBuffer({ resolveWithObject: true });
    const frames = kenBurnsFrames({ data, width: info.width, height: info.height }, 0, 10);
    expect(frames).toHaveLength(10);
    const { width } = clipSize(320, 160);
    const luma = (frame: number, x: number, y: number) => frames[frame]!.y[y * width + x]!;
    // Red (Y about 70) on the left, blue (Y about 40) on the right, white (Y about 200) in the corner.
    expect(luma(0, 96, 100)).toBeGreaterThan(55);
    expect(luma(0, 96, 100)).toBeLessThan(90);
    expect(luma(0, 200, 100)).toBeLessThan(55);
    expect(luma(0, 10, 10)).toBeGreaterThan(170);
    // The last frame is another view: the push-in has moved every edge.
    const moved = frames[0]!.y.filter((value, i) => Math.abs(value - frames[9]!.y[i]!) > 20).length;
    expect(moved).toBeGreaterThan(frames[0]!.y.length / 50);
  });
});

describe('the clip as an mp4', () => {
  it('is ftyp, moov, then mdat holding every frame', async () => {
    const { data, info } = await sharp(await picture())
      .resize(320, 160)
      .raw()
      .toBuffer({ resolveWithObject: true });
    const frames = kenBurnsFrames({ data, width: info.width, height: info.height }, 3, 4);
    const mp4 = pcmMp4(frames, { ...clipSize(320, 160), fps: 10 });
    const boxes: string[] = [];
    for (let at = 0; at < mp4.length; at += mp4.readUInt32BE(at))
      boxes.push(mp4.toString('latin1', at + 4, at + 8));
    expect(boxes).toEqual(['ftyp', 'moov', 'mdat']);
    // I_PCM: about 1.5 bytes a pixel a frame (256 x 128 in whole macroblocks).
    expect(mp4.length).toBeGreaterThan(4 * 256 * 128 * 1.5);
    expect(mp4.length).toBeLessThan(4 * 256 * 128 * 1.6);
  });

  it(
    'plays in Chromium: 3 s, the clip’s size, the picture’s colours where they belong',
    { timeout: 60_000 },
    async () => {
      const videos = new MotionVideos();
      videos.prepare('req-1', await picture());
      const mp4 = (await videos.clip('req-1'))!;
      expect(mp4).not.toBeNull();
      browser = await launchBrowser();
      const page = await browser.newPage();
      const seen = await page.evaluate(
        async (src) => {
          const video = document.createElement('video');
          video.muted = true;
          await new Promise<void>((resolve, reject) => {
            video.onloadeddata = () => resolve();
            video.onerror = () => reject(new Error('the video did not load'));
            video.src = src;
          });
          const canvas = document.createElement('canvas');
          canvas.width = video.videoWidth;
          canvas.height = video.videoHeight;
          const context = canvas.getContext('2d');
          const frameAt = async (time: number) => {
            await new Promise<void>((resolve) => {
              video.onseeked = () => resolve();
              video.currentTime = time;
            });
            context.drawImage(video, 0, 0);
            const all = Array.from(context.getImageData(0, 0, canvas.width, canvas.height).data);
            const pixel = (x: number, y: number) =>
              all.slice((y * canvas.width + x) * 4, (y * canvas.width + x) * 4 + 3);
            return { left: pixel(90, 64), right: pixel(200, 64), corner: pixel(8, 8), all };
          };
          const first = await frameAt(0);
          const last = await frameAt(video.duration - 0.05);
          // Colour values that moved by more than a few steps from the first frame to the last.
          const changed = first.all.filter((value, i) => i % 4 !== 3 && Math.abs(value - last.all[i]!) > 24);
          return {
            duration: video.duration,
            width: video.videoWidth,
            height: video.videoHeight,
            first: { left: first.left, right: first.right, corner: first.corner },
            changed: changed.length,
          };
        },
        `data:video/mp4;base64,${mp4.toString('base64')}`,
      );
      expect(seen.width).toBe(256);
      expect(seen.height).toBe(128);
      expect(seen.duration).toBeCloseTo(MOTION_SECONDS, 1);
      expect(MOTION_FPS * MOTION_SECONDS).toBe(30);
      const [r, g, b] = seen.first.left;
      expect(r).toBeGreaterThan(180);
      expect(Math.max(g!, b!)).toBeLessThan(70);
      expect(seen.first.right[2]).toBeGreaterThan(180);
      expect(Math.min(...seen.first.corner)).toBeGreaterThan(180);
      // It moves: the push-in has shifted the edges between the colours by the last frame.
      expect(seen.changed).toBeGreaterThan(256 * 128 * 0.02);
    },
  );
});
