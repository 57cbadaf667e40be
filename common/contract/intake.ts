// The contract's intake: what a scan found (with the problems it names before anything is paid)
// and the preview of a batch's requests.
import { z } from 'zod';
import { reasonSchema } from './vocabulary';

/** A problem found before paying: names the file, the row, the field, the value, what was expected. */
export const inputProblemSchema = z.object({
  code: z.string(),
  message: z.string(),
  file: z.string().nullable(),
  row: z.number().int().nullable(),
  field: z.string().nullable(),
});

export const scanSummarySchema = z.object({
  scanId: z.string(),
  finished: z.boolean(),
  roots: z.array(z.string()),
  found: z.number().int(),
  accepted: z.number().int(),
  fixed: z.number().int(),
  /**
   * `relativePath`: the file's path under the folder it was dropped with (what the list shows);
   * `why`: the reason as a code, shown in the reader's language (`reason` is its English).
   */
  rejected: z.array(
    z.object({
      path: z.string(),
      relativePath: z.string().optional(),
      reason: z.string(),
      why: reasonSchema.optional(),
    }),
  ),
  /** End frames paired with a start image by file name: how many, and the first ones. */
  endFramePairCount: z.number().int().nonnegative().default(0),
  endFramePairs: z.array(z.object({ start: z.string(), end: z.string() })).default([]),
  /** The extra end-frame suffix this scan paired with, if any. */
  endSuffix: z.string().nullable().default(null),
  /** Variables the template may use here: the built-ins plus prompts.csv columns. */
  variables: z.array(z.string()),
  /**
   * For each variable some images may lack ({caption}, prompts.csv columns), how many of the
   * accepted images have a value; the others are refused unless the template gives a default.
   */
  coverage: z.record(z.string(), z.number().int().nonnegative()).default({}),
  /** Problems with prompts.csv files etc., not tied to one image. */
  problems: z.array(inputProblemSchema),
});

/** One reference element image as main checked it: its size, or why it cannot be used. */
export const elementCheckSchema = z.object({
  path: z.string(),
  ok: z.boolean(),
  reason: z.string().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  /** Its thumbnail: media scan/<scanId>/element/<thumb>/thumb (null when unusable). */
  thumb: z.number().int().nonnegative().nullable(),
});

export const previewItemSchema = z.object({
  index: z.number().int(),
  /** The image's position in the scan (for its thumbnail): the takes of one image share it. */
  imageIndex: z.number().int(),
  sourcePath: z.string(),
  relativePath: z.string(),
  renderedPrompt: z.string(),
  settings: z.object({
    duration: z.number(),
    generateAudio: z.boolean(),
    cfgScale: z.number(),
    negativePrompt: z.string(),
  }),
  outputRelativePath: z.string(),
  estimatedCostUsd: z.number(),
  /** Words in English, or a reason shown in the reader's language. */
  notes: z.array(z.union([z.string(), reasonSchema])),
  verdict: z
    .object({
      state: z.enum(['rejected', 'skipped']),
      code: z.string(),
      /** In English; `reason`, when present, is the same in the reader's language. */
      message: z.string(),
      reason: reasonSchema.optional(),
    })
    .nullable(),
  /** Which take of its image (only when the batch asks for several). */
  take: z.number().int().positive().optional(),
  /** A multi-shot video's shots as sent, each rendered (absent: one shot). */
  shots: z.array(z.object({ prompt: z.string(), duration: z.number() })).optional(),
  /** The @ElementN its prompts refer to, by number (absent: none). */
  elementsUsed: z.array(z.number().int()).optional(),
  /** The start image is sent fitted (cropped, padded, upscaled): how, and the size sent. */
  fitted: z
    .object({
      mode: z.enum(['crop', 'pad']),
      width: z.number().int(),
      height: z.number().int(),
      /** The picture is enlarged (Lanczos) to reach the model's minimum size: it may look soft. */
      upscaled: z.boolean().default(false),
      /** The image's own size, when known. */
      source: z.object({ width: z.number().int(), height: z.number().int() }).optional(),
    })
    .optional(),
});

export const previewSchema = z.object({
  items: z.array(previewItemSchema),
  total: z.number().int(),
  toSend: z.number().int(),
  rejected: z.number().int(),
  skipped: z.number().int(),
  /** Template errors that concern every item (unknown variable, unclosed brace). */
  problems: z.array(inputProblemSchema),
  estimatedCostUsd: z.number(),
  /** The model's price is unknown: the estimate leaves these videos out (shown as "unknown"). */
  priceUnknown: z.boolean(),
  /** With the price unknown, the price per video the user accepts: each video counts at it. */
  perVideoCeilingUsd: z.number().nullable().default(null),
  estimatedDurationMs: z.number(),
  /**
   * Images to be sent that are resized on the way (over the size limit, or fitted to the model's
   * shape and size by the fit mode): the scan summary's "Will be resized" once settings are known.
   */
  resized: z.number().int().nonnegative().default(0),
});

export type ScanSummaryDto = z.output<typeof scanSummarySchema>;
export type ElementCheckDto = z.output<typeof elementCheckSchema>;
export type PreviewDto = z.output<typeof previewSchema>;
export type PreviewItemDto = z.output<typeof previewItemSchema>;
