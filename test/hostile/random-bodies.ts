// Seeded generator of hostile API answers: random JSON shapes, wrong types, missing fields,
// huge numbers, error_code in a 2xx, non-JSON, empty bodies, HTML error pages, odd statuses
// and Retry-After headers. Used to fuzz the client's parsers and an engine end to end.
import type { Random } from '../../main/core/util/clock';

export type Endpoint = 'submit' | 'status' | 'result' | 'cancel';

export interface RandomAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The body parsed, when it is JSON (for the test's own expectations). */
  json: unknown;
}

const pick = <T>(random: Random, list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

const KEYS = [
  'request_id',
  'status',
  'queue_position',
  'output',
  'video',
  'videos',
  'url',
  'error',
  'error_code',
  'error_message',
  'message',
  'detail',
  'cost',
  'created_at',
  'finished_at',
  'outcome',
  'status_url',
  'result_url',
  'cancel_url',
  '__proto__',
  'constructor',
  '',
];
const STATUS_WORDS = [
  'in_queue',
  'in_progress',
  'completed',
  'succeeded',
  'failed',
  'cancelled',
  'canceled',
  'queued',
  'running',
  'error',
  'success',
  'COMPLETED',
  'done',
  'unknown',
  '',
];
const ERROR_CODES = [
  400001,
  400002,
  400004,
  403001,
  404001,
  422001,
  429001,
  500001,
  '400004',
  '404001',
  0,
  -1,
];
const STRANGE_NUMBERS = [0, -1, 1.5, 2 ** 53 + 2, 1e308, -1e308, 1e-300, 3.14159, 42, 7e12, 1_700_000_000];

function randomString(random: Random, origin: string): string {
  switch (Math.floor(random() * 12)) {
    case 0:
      return pick(random, STATUS_WORDS);
    case 1:
      return `${origin}/out/${Math.floor(random() * 1e6)}.mp4`;
    case 2:
      // https on a loopback port nobody listens on: refused at once, never leaves the machine.
      return `https://127.0.0.1:1/v/${Math.floor(random() * 1e6)}.mp4`;
    case 3:
      return pick(random, [
        'javascript:alert(1)',
        'file:///etc/passwd',
        'ftp://x/y.mp4',
        'data:video/mp4;base64,AAAA',
      ]);
    case 4:
      return 'x'.repeat(Math.floor(random() * 5000));
    case 5:
      return pick(random, ['../../etc/passwd', 'a b', 'id/with/slash', 'ok-id_123', '\u0000', '😀']);
    case 6:
      return new Date(Math.floor(random() * 4e12)).toISOString();
    case 7:
      return pick(random, ['not a date', '2026-13-45T99:99:99Z', '']);
    case 8:
      return String(pick(random, STRANGE_NUMBERS));
    default:
      return Math.floor(random() * 1e9).toString(36);
  }
}

function randomValue(random: Random, depth: number, origin: string): unknown {
  const roll = random();
  if (roll < 0.3 || depth > 3) {
    switch (Math.floor(random() * 5)) {
      case 0:
        return randomString(random, origin);
      case 1:
        return pick(random, STRANGE_NUMBERS);
      case 2:
        return random() < 0.5;
      case 3:
        return null;
      default:
        return pick(random, ERROR_CODES);
    }
  }
  if (roll < 0.5)
    return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1, origin));
  return randomObject(random, depth + 1, origin);
}

function randomObject(random: Random, depth: number, origin: string): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  const n = Math.floor(random() * 6);
  for (let i = 0; i < n; i++) {
    const key = random() < 0.85 ? pick(random, KEYS) : randomString(random, origin).slice(0, 20);
    Object.defineProperty(object, key, {
      value: randomValue(random, depth, origin),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return object;
}

/** A plausible-looking answer for the endpoint with one or more things wrong (or nothing). */
function nearMiss(random: Random, endpoint: Endpoint, origin: string): Record<string, unknown> {
  const id =
    random() < 0.7 ? `req_${Math.floor(random() * 1e9).toString(36)}` : randomValue(random, 3, origin);
  switch (endpoint) {
    case 'submit':
      return { request_id: id, status_url: randomString(random, origin), ...maybeError(random) };
    case 'status':
      return {
        request_id: id,
        status: random() < 0.8 ? pick(random, STATUS_WORDS) : randomValue(random, 3, origin),
        queue_position: random() < 0.5 ? pick(random, STRANGE_NUMBERS) : randomValue(random, 3, origin),
        ...maybeError(random),
      };
    case 'result': {
      const output =
        random() < 0.3
          ? { video: randomString(random, origin) }
          : random() < 0.5
            ? { videos: [randomValue(random, 3, origin)] }
            : randomValue(random, 1, origin);
      return {
        request_id: id,
        status: random() < 0.8 ? pick(random, STATUS_WORDS) : randomValue(random, 3, origin),
        output,
        error: random() < 0.3 ? randomValue(random, 2, origin) : undefined,
        cost: random() < 0.5 ? pick(random, [...STRANGE_NUMBERS, '0.5', 'free', null]) : undefined,
        created_at: random() < 0.5 ? randomValue(random, 3, origin) : undefined,
        finished_at: random() < 0.5 ? randomValue(random, 3, origin) : undefined,
        ...maybeError(random),
      };
    }
    case 'cancel':
      return {
        request_id: id,
        outcome:
          random() < 0.6
            ? pick(random, ['cancelled', 'not_cancellable', 'maybe', ''])
            : randomValue(random, 3, origin),
        ...maybeError(random),
      };
  }
}

function maybeError(random: Random): Record<string, unknown> {
  return random() < 0.15
    ? {
        error_code: pick(random, ERROR_CODES),
        error_message: random() < 0.5 ? 'something failed' : { nested: true },
      }
    : {};
}

const STATUSES = [
  200, 200, 200, 200, 200, 201, 202, 204, 301, 400, 401, 402, 403, 404, 410, 413, 422, 429, 500, 502, 503,
  504, 599,
];

/** A well-formed success for the endpoint (the end-to-end run mixes some in to get further). */
function plausible(random: Random, endpoint: Endpoint, origin: string): unknown {
  const id = `req_${Math.floor(random() * 1e9).toString(36)}`;
  switch (endpoint) {
    case 'submit':
      return { request_id: id };
    case 'status':
      return {
        request_id: id,
        status: pick(random, ['in_queue', 'in_progress', 'completed', 'completed', 'failed']),
      };
    case 'result':
      return random() < 0.8
        ? { request_id: id, status: 'succeeded', output: { video: `${origin}/out/${id}.mp4` } }
        : { request_id: id, status: pick(random, ['failed', 'cancelled', 'in_progress']), error: 'nope' };
    case 'cancel':
      return { request_id: id, outcome: pick(random, ['cancelled', 'not_cancellable']) };
  }
}

/**
 * A random answer for `endpoint`; with probability `plausibleShare` a well-formed success
 * instead (still with a random Retry-After now and then).
 */
export function randomAnswer(
  random: Random,
  endpoint: Endpoint,
  origin: string,
  plausibleShare = 0,
): RandomAnswer {
  if (random() < plausibleShare) {
    const json = plausible(random, endpoint, origin);
    return {
      status: endpoint === 'cancel' ? 202 : 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(json),
      json,
    };
  }
  const status = pick(random, STATUSES);
  const headers: Record<string, string> = {};
  if (random() < 0.3)
    headers['retry-after'] = pick(random, [
      '0',
      '1',
      '2.5',
      '-5',
      '99999999',
      'soon',
      new Date(Date.now() + 3000).toUTCString(),
    ]);
  let json: unknown = undefined;
  let body: string;
  const shape = random();
  if (shape < 0.45) json = nearMiss(random, endpoint, origin);
  else if (shape < 0.7) json = randomValue(random, 0, origin);
  else if (shape < 0.75) json = { error_code: pick(random, ERROR_CODES), error_message: 'in a 2xx' };
  if (json !== undefined) {
    body = JSON.stringify(json) ?? 'null';
    headers['content-type'] = random() < 0.9 ? 'application/json' : 'text/html';
  } else {
    body = pick(random, [
      '',
      '<html><body><h1>502 Bad Gateway</h1></body></html>',
      '{"status": "completed", "output": {"video": ',
      'null',
      '[]',
      '"just a string"',
      '\u0000\u0001\u0002binary',
      'OK',
      '{"request_id": "abc"}{"request_id": "def"}',
      '1e999',
    ]);
    try {
      json = JSON.parse(body);
    } catch {
      json = undefined;
    }
  }
  // A 204 (and 1xx/304) cannot carry a body.
  if (status === 204) body = '';
  return { status, headers, body: status === 204 ? '' : body, json: status === 204 ? undefined : json };
}

/** Random bytes that are never an mp4 (no `ftyp` box at offset 4). */
export function notAnMp4(random: Random): Buffer {
  const bytes = Buffer.alloc(Math.floor(random() * 4096));
  for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 256);
  if (bytes.length >= 8 && bytes.toString('latin1', 4, 8) === 'ftyp') bytes[4] = 0;
  return bytes;
}
