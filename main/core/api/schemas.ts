// Zod schemas for every RunComfy response, loose on purpose: the API adds fields, gateways
// rename statuses, and we only insist on what we use. See docs/runcomfy-api.md.
import { z } from 'zod';

export const REQUEST_ID_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;

export const errorBodySchema = z
  .object({
    error_code: z.union([z.number(), z.string()]),
    error_message: z.unknown().optional(),
    message: z.unknown().optional(),
    detail: z.unknown().optional(),
  })
  .loose();

export const submitResponseSchema = z.object({ request_id: z.string().regex(REQUEST_ID_PATTERN) }).loose();

export const statusResponseSchema = z
  .object({
    status: z.string(),
    // Only shown to the user, and stored in an INTEGER column: an absurd value (1e308, -3, 2.5)
    // must not make the answer unusable nor reach the database, so it becomes "unknown".
    queue_position: z
      .unknown()
      .transform((v) => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null))
      .optional(),
  })
  .loose();

const costSchema = z
  .union([
    z.number(),
    z
      .string()
      .regex(/^\d+(\.\d+)?$/)
      .transform(Number),
    z.null(),
  ])
  .optional();

export const resultResponseSchema = z
  .object({
    status: z.string(),
    output: z.unknown().optional(),
    error: z.unknown().optional(),
    cost: costSchema,
    created_at: z.unknown().optional(),
    finished_at: z.unknown().optional(),
  })
  .loose();

export const cancelResponseSchema = z
  .object({ outcome: z.string().nullish(), status: z.string().nullish() })
  .loose();

export const modelResponseSchema = z
  .object({
    base_price_usd: z.union([
      z.number(),
      z
        .string()
        .regex(/^\d+(\.\d+)?$/)
        .transform(Number),
    ]),
    price_unit: z.string().optional(),
    display_name: z.string().optional(),
  })
  .loose();

/** The statuses we act on; everything the API says is mapped onto these. */
export type JobStatus = 'in_queue' | 'in_progress' | 'completed' | 'failed' | 'cancelled';

/** Maps the API's status words (and the synonyms gateways use) onto ours; null if unknown. */
export function normalizeStatus(status: string): JobStatus | null {
  switch (status.toLowerCase()) {
    case 'in_queue':
    case 'queued':
    case 'pending':
      return 'in_queue';
    case 'in_progress':
    case 'running':
    case 'processing':
      return 'in_progress';
    case 'completed':
    case 'succeeded':
    case 'success':
      return 'completed';
    case 'failed':
    case 'error':
      return 'failed';
    case 'cancelled':
    case 'canceled':
      return 'cancelled';
    default:
      return null;
  }
}

/**
 * The video URL of a successful result: `output.video`, else `output.videos[0]`, else the
 * first https URL (or one on `allowedOrigin`, e.g. the simulator) anywhere in `output`.
 */
export function extractVideoUrl(output: unknown, allowedOrigin: string | null = null): string | null {
  const asUrl = (value: unknown): string | null => {
    if (typeof value === 'string' && /^https?:\/\//i.test(value)) return value;
    if (value && typeof value === 'object' && 'url' in value) return asUrl((value as { url: unknown }).url);
    return null;
  };
  if (output && typeof output === 'object' && !Array.isArray(output)) {
    const record = output as Record<string, unknown>;
    const direct = asUrl(record.video);
    if (direct) return direct;
    if (Array.isArray(record.videos) && record.videos.length > 0) {
      const first = asUrl(record.videos[0]);
      if (first) return first;
    }
  }
  const seen = new Set<unknown>();
  const walk = (value: unknown, depth: number): string | null => {
    if (depth > 8 || seen.has(value)) return null;
    if (typeof value === 'string') {
      if (/^https:\/\//i.test(value)) return value;
      if (allowedOrigin && value.startsWith(allowedOrigin + '/')) return value;
      return null;
    }
    if (!value || typeof value !== 'object') return null;
    seen.add(value);
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      const found = walk(child, depth + 1);
      if (found) return found;
    }
    return null;
  };
  return walk(output, 0);
}

/** The API's error (a string or any object) as text a person can read. */
export function describeApiError(error: unknown): string {
  if (error === undefined || error === null) return 'no reason given';
  if (typeof error === 'string') return error;
  if (typeof error === 'object') {
    const record = error as Record<string, unknown>;
    for (const key of ['message', 'error_message', 'detail', 'reason']) {
      if (typeof record[key] === 'string' && record[key]) return record[key] as string;
    }
  }
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}
