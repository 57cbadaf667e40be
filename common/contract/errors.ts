// The contract's errors: the codes a handler answers with, the parameters of the errors the
// window words itself, and the envelope every answer comes in (a rejected ipcRenderer.invoke
// would keep only the message of an error).
import { z } from 'zod';

export const ERROR_CODES = [
  'invalid_request', // the payload failed the contract's schema
  'forbidden_sender', // not the app's own main frame
  'not_found',
  'conflict', // the action does not fit the current state
  'needs_confirmation', // e.g. storing the key as plain text on Linux without a keyring
  'unavailable', // e.g. no dialog in the browser harness
  'internal',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * The parameters of an error the window can say in the user's language, with the action to
 * take (the English `message` stays the fallback). Mirrors the core's ErrorDetail
 * (main/core/domain/errors.ts); main/core/app/errors.ts checks the two agree at compile time.
 */
export const errorDetailSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('batch_not_found'), batchId: z.number() }),
  z.object({ kind: z.literal('item_not_found'), itemId: z.number() }),
  z.object({
    kind: z.literal('batch_held'),
    batchId: z.number(),
    ownerKind: z.enum(['cli', 'app', 'other']),
    host: z.string().nullable(),
    pid: z.number().nullable(),
    sameHost: z.boolean(),
    expiresInSeconds: z.number(),
  }),
  z.object({ kind: z.literal('batch_cancelled'), batchId: z.number(), batchName: z.string() }),
  z.object({
    kind: z.literal('item_not_actionable'),
    itemId: z.number(),
    fileName: z.string(),
    state: z.string(),
    action: z.enum(['retry', 'resubmit', 'review']),
  }),
  z.object({ kind: z.literal('invalid_value'), field: z.string(), value: z.string(), expected: z.string() }),
  z.object({ kind: z.literal('no_key') }),
  z.object({ kind: z.literal('watch_needs_folder') }),
  z.object({ kind: z.literal('preview_changed'), toSend: z.number(), estimatedCostUsd: z.number() }),
]);
export type ErrorDetailDto = z.output<typeof errorDetailSchema>;

export type Envelope<T> =
  | { ok: true; value: T }
  | { ok: false; error: { code: ErrorCode; message: string; detail?: ErrorDetailDto } };
