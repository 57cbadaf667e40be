// Simulated videos that show the start image moving: a slow Ken Burns push-in and pan over the
// picture that was sent, made here (sharp decodes it once, small; the frames are drawn in plain
// code and stored by pcm-mp4.ts), so a demo night can be judged by its pictures instead of one
// test pattern. Only when the simulator is asked (`motionVideos`: the app's simulated mode and
// `stillmotion run --simulate`); the tests and benchmarks keep the tiny pattern.
import { createHash } from 'node:crypto';
import { pcmMp4, type Yuv420Frame } from './pcm-mp4';

/** The clip: its long side in pixels, frames per second, and length (a loop in the review). */
export const MOTION_LONG_SIDE = 256;
export const MOTION_FPS = 10;
export const MOTION_SECONDS = 3;
/** How far the camera pushes in: the last frame shows this share of the picture. */
const END_SCALE = 0.8;
/** Decoded a little larger than the clip, so the push-in never enlarges the picture. */
const SOURCE_MARGIN = 1.25;
/** Sources kept decoded (a few hundred kB each) and clips kept made (a couple of MB each). */
const MAX_SOURCES = 200;
const MAX_CLIPS = 4;

interface RgbImage {
  data: Buffer;
  width: number;
  height: number;
}

const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);

/** The clip's size for a picture of this shape: the long side MOTION_LONG_SIDE, both even. */
export function clipSize(width: number, height: number): { width: number; height: number } {
  return width >= height
    ? { width: MOTION_LONG_SIDE, height: even((MOTION_LONG_SIDE * height) / width) }
    : { width: even((MOTION_LONG_SIDE * width) / height), height: MOTION_LONG_SIDE };
}

/**
 * The frames of a push-in from the whole picture towards one corner (chosen by `seed`, so each
 * job moves its own way), eased in and out, sampled bilinearly, as YUV 4:2:0 (BT.601).
 */
export function kenBurnsFrames(
  source: RgbImage,
  seed: number,
  count = MOTION_FPS * MOTION_SECONDS,
): Yuv420Frame[] {
  const out = clipSize(source.width, source.height);
  const towardsX = seed & 1;
  const towardsY = (seed >> 1) & 1;
  const frames: Yuv420Frame[] = [];
  for (let f = 0; f < count; f++) {
    const t = count > 1 ? f / (count - 1) : 0;
    const eased = t * t * (3 - 2 * t);
    const scale = 1 - (1 - END_SCALE) * eased;
    const w = source.width * scale;
    const h = source.height * scale;
    const left = (source.width - w) * towardsX;
    const top = (source.height - h) * towardsY;
    frames.push(toYuv(sample(source, left, top, w / out.width, h / out.height, out.width, out.height), out));
  }
  return frames;
}

/** RGB of the rectangle at (left, top), `step` source pixels per clip pixel, bilinear. */
function sample(
  src: RgbImage,
  left: number,
  top: number,
  stepX: number,
  stepY: number,
  width: number,
  height: number,
) {
  const rgb = new Float32Array(width * height * 3);
  const at = (x: number, y: number, c: number) => src.data[(y * src.width + x) * 3 + c]!;
  for (let y = 0; y < height; y++) {
    const sy = Math.min(src.height - 1, Math.max(0, top + (y + 0.5) * stepY - 0.5));
    const y0 = Math.floor(sy);
    const y1 = Math.min(src.height - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < width; x++) {
      const sx = Math.min(src.width - 1, Math.max(0, left + (x + 0.5) * stepX - 0.5));
      const x0 = Math.floor(sx);
      const x1 = Math.min(src.width - 1, x0 + 1);
      const fx = sx - x0;
      for (let c = 0; c < 3; c++) {
        const upper = at(x0, y0, c) * (1 - fx) + at(x1, y0, c) * fx;
        const lower = at(x0, y1, c) * (1 - fx) + at(x1, y1, c) * fx;
        rgb[(y * width + x) * 3 + c] = upper * (1 - fy) + lower * fy;
      }
    }
  }
  return rgb;
}

function toYuv(rgb: Float32Array, size: { width: number; height: number }): Yuv420Frame {
  const { width, height } = size;
  const y = new Uint8Array(width * height);
  const u = new Uint8Array((width / 2) * (height / 2));
  const v = new Uint8Array((width / 2) * (height / 2));
  for (let i = 0; i < width * height; i++) {
    const [r, g, b] = [rgb[i * 3]!, rgb[i * 3 + 1]!, rgb[i * 3 + 2]!];
    y[i] = Math.round(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255);
  }
  for (let cy = 0; cy < height / 2; cy++) {
    for (let cx = 0; cx < width / 2; cx++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dx, dy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ] as const) {
        const i = ((cy * 2 + dy) * width + cx * 2 + dx) * 3;
        r += rgb[i]! / 4;
        g += rgb[i + 1]! / 4;
        b += rgb[i + 2]! / 4;
      }
      u[cy * (width / 2) + cx] = Math.round(128 + (-37.797 * r - 74.203 * g + 112 * b) / 255);
      v[cy * (width / 2) + cx] = Math.round(128 + (112 * r - 93.786 * g - 18.214 * b) / 255);
    }
  }
  return { y, u, v };
}

/** The start image, decoded small and upright; null when sharp cannot read it (a BMP, say). */
async function decodeSmall(bytes: Buffer): Promise<RgbImage | null> {
  try {
    const { default: sharp } = await import('sharp');
    const meta = await sharp(bytes).rotate().metadata();
    const upright = (meta.orientation ?? 1) >= 5;
    const [width0, height0] = upright ? [meta.height!, meta.width!] : [meta.width!, meta.height!];
    const clip = clipSize(width0, height0);
    const width = even(clip.width * SOURCE_MARGIN);
    const height = even(clip.height * SOURCE_MARGIN);
    const { data, info } = await sharp(bytes)
      .rotate()
      .resize(width, height, { fit: 'fill' })
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    return { data, width: info.width, height: info.height };
  } catch {
    return null;
  }
}

/** Keeps a Map to its newest `max` entries. */
function remember<V>(map: Map<string, V>, key: string, value: V, max: number): V {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value!);
  return value;
}

/** Per job: its start image (decoded when submitted) and, made on first download, its clip. */
export class MotionVideos {
  private readonly sources = new Map<string, Promise<RgbImage | null>>();
  private readonly clips = new Map<string, Promise<Buffer | null>>();

  /** Called at submit with the start image's bytes (a URL sent instead: no clip, the pattern). */
  prepare(requestId: string, imageBytes: Buffer): void {
    // Kept, not awaited: the clip awaits it at the first download, and it never rejects (an
    // image that cannot be read decodes to null).
    void remember(this.sources, requestId, decodeSmall(imageBytes), MAX_SOURCES);
  }

  /** The job's clip, or null (no image kept, or one that could not be read): the pattern then. */
  clip(requestId: string): Promise<Buffer | null> {
    const made = this.clips.get(requestId);
    if (made) return made;
    const source = this.sources.get(requestId);
    if (!source) return Promise.resolve(null);
    const seed = createHash('sha256').update(requestId).digest()[0]!;
    const clip = source.then((image) => {
      if (!image) return null;
      const frames = kenBurnsFrames(image, seed);
      return pcmMp4(frames, { ...clipSize(image.width, image.height), fps: MOTION_FPS });
    });
    return remember(this.clips, requestId, clip, MAX_CLIPS);
  }
}
