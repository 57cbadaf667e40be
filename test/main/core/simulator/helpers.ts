// Shared pieces of the simulator tests: a clock the test moves by hand, tiny real images, and
// small fetch wrappers. Everything goes over real loopback HTTP.
import type { Clock } from '../../../../main/core/util/clock';
import { DEMO_API_KEY } from '../../../../main/core/simulator/index';

export const STANDARD = 'kling/kling-3.0/standard/image-to-video';
export const PRO = 'kling/kling-3.0/pro/image-to-video';

/** A clock that only moves when the test says so; sleepers wake when their time is reached. */
export interface ManualClock extends Clock {
  advance(ms: number): void;
}

export function manualClock(start = Date.UTC(2026, 0, 1)): ManualClock {
  let now = start;
  const sleepers = new Set<{ at: number; wake: () => void }>();
  return {
    now: () => now,
    sleep(ms, signal) {
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted) return reject(signal.reason);
        const sleeper = {
          at: now + Math.max(0, ms),
          wake: () => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
          },
        };
        const onAbort = () => {
          sleepers.delete(sleeper);
          reject(signal?.reason);
        };
        signal?.addEventListener('abort', onAbort, { once: true });
        if (sleeper.at <= now) sleeper.wake();
        else sleepers.add(sleeper);
      });
    },
    advance(ms) {
      now += ms;
      for (const sleeper of [...sleepers])
        if (sleeper.at <= now) {
          sleepers.delete(sleeper);
          sleeper.wake();
        }
    },
  };
}

/** A real 1x1 PNG. */
export const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** A real 1x1 24-bit BMP (54-byte header + one padded pixel row). */
export function bmp1x1(): Buffer {
  const b = Buffer.alloc(58);
  b.write('BM', 0, 'latin1');
  b.writeUInt32LE(58, 2);
  b.writeUInt32LE(54, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(1, 18);
  b.writeInt32LE(1, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(24, 28);
  b.writeUInt32LE(4, 34);
  b.set([0x00, 0x80, 0xff], 54);
  return b;
}

export const dataUri = (bytes: Buffer, mime = 'image/png') =>
  `data:${mime};base64,${bytes.toString('base64')}`;

export const validBody = (overrides: Record<string, unknown> = {}): Record<string, unknown> => ({
  prompt: 'a slow dolly shot of a lighthouse',
  start_image_url: dataUri(PNG_1X1),
  duration: 5,
  generate_audio: false,
  ...overrides,
});

export function auth(key = DEMO_API_KEY): Record<string, string> {
  return { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' };
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are checked field by field
  body: any;
}

export async function call(
  url: string,
  init: { method?: string; body?: unknown; key?: string | null; signal?: AbortSignal } = {},
): Promise<JsonResponse> {
  const headers: Record<string, string> = init.key === null ? {} : auth(init.key);
  if (init.key === null && init.body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(url, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers,
    body:
      init.body === undefined
        ? undefined
        : typeof init.body === 'string'
          ? init.body
          : JSON.stringify(init.body),
    signal: init.signal,
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: res.status, headers: res.headers, body };
}

export const submitUrl = (base: string, model = STANDARD) => `${base}/v1/models/${model}`;

/** Lets the event loop run (the simulator's background loop, socket events) without a clock jump. */
export const tick = (ms = 5) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits (real time, up to `timeoutMs`) until `predicate` holds; a hook instead of a fixed sleep. */
export async function waitFor(predicate: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms: ${predicate}`);
    await tick(5);
  }
}
