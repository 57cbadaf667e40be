// The contract's batches and items: a batch's settings (the form, the CLI flags) and the views
// of a batch and of an item the window shows.
import { z } from 'zod';
import { BATCH_CONDITION_CODES } from '../batch-states';
import {
  batchStateSchema,
  idSchema as id,
  itemReviewSchema,
  itemStateSchema,
  modelIdSchema,
  modelInputsSchema,
  pathSchema as path,
  pauseReasonSchema,
  reasonSchema,
  stateCountsSchema,
} from './vocabulary';

/** Reference elements: a frontal image and reference images each (absolute paths). */
export const elementsSchema = z.array(z.object({ frontal: path, references: z.array(path).max(20) })).max(20);

export const batchSettingsSchema = z.object({
  modelId: modelIdSchema,
  promptTemplate: z.string().max(20_000),
  negativePrompt: z.string().max(20_000),
  /** Seconds; the model's own rule (3..15, or 5 or 10...) is checked by the plan. */
  duration: z.number().int().min(1).max(600),
  generateAudio: z.boolean(),
  cfgScale: z.number().min(0).max(1),
  outputDir: path,
  outputNameTemplate: z.string().min(1).max(500),
  concurrency: z.number().int().min(1).max(20),
  /** USD; 0 sends nothing more (the engine's setBudget allows it); null = no cap. */
  budgetUsd: z.number().nonnegative().max(1_000_000).nullable(),
  /** A model of unknown price: each video counts as this much against the caps (see BatchSettings). */
  perVideoCeilingUsd: z.number().positive().max(10_000).nullable().optional(),
  urlPrefix: z.string().max(2000).nullable(),
  /** Fields of the model's request beyond the roles above; absent = none. */
  modelInputs: modelInputsSchema.optional(),
  /** Videos per image; absent = 1. The plan words a count outside 1..10 (field takes). */
  takes: z.number().int().min(1).max(100).optional(),
  /** End frame = start frame; only for models with an end-frame field (the plan says why). */
  loop: z.boolean().optional(),
  /** Multi-shot: prompt templates and seconds; the plan checks they add up to the duration. */
  shots: z
    .array(z.object({ prompt: z.string().max(20_000), duration: z.number().int().min(0).max(600) }))
    .max(20)
    .optional(),
  /** A `<video>.json` beside each video with what made it (never the key); absent = on. */
  sidecars: z.boolean().optional(),
  /** Images outside the model's limits: crop, pad (blurred fill) or refuse; absent = crop. */
  fit: z.enum(['crop', 'pad', 'refuse']).optional(),
  /** Reference elements (@Element1...): a frontal image and reference images each, absolute paths. */
  elements: elementsSchema.optional(),
});

/** A time of day as HH:MM: the one rule main's schema and the window's forms check. */
export const CLOCK_TIME = /^\d\d:\d\d$/;
const clockTime = z.string().regex(CLOCK_TIME, 'a time of day as HH:MM, e.g. 22:00');
/** A daily window of local time; an end before the start crosses midnight. */
export const dailyWindowSchema = z.object({ start: clockTime, end: clockTime });
export const batchScheduleSchema = z.object({
  startAt: z.number().nullable(),
  window: dailyWindowSchema.nullable(),
});
/** The default hours of new batches: a start time of day and a window. */
export const defaultScheduleSchema = z.object({
  startAt: clockTime.nullable(),
  window: dailyWindowSchema.nullable(),
});

export const itemViewSchema = z.object({
  id,
  batchId: id,
  state: itemStateSchema,
  sourcePath: z.string(),
  relativePath: z.string(),
  renderedPrompt: z.string(),
  requestId: z.string().nullable(),
  queuePosition: z.number().int().nullable(),
  attempts: z.number().int(),
  createdAt: z.number(),
  stateChangedAt: z.number(),
  submittedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  estimatedCostUsd: z.number(),
  costUsd: z.number().nullable(),
  outputPath: z.string().nullable(),
  /** Where its video goes under the batch's output folder (takes differ only here). */
  outputRelativePath: z.string().optional(),
  outputBytes: z.number().nullable(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  reason: reasonSchema.nullable(),
  notes: z.array(z.union([z.string(), reasonSchema])),
  /** The user's verdict on the video; null: not reviewed yet. */
  review: itemReviewSchema.nullable(),
});

export const batchViewSchema = z.object({
  id,
  name: z.string(),
  state: batchStateSchema,
  pauseReason: pauseReasonSchema.nullable(),
  pauseMessage: z.string().nullable(),
  pauseDetail: reasonSchema.nullable(),
  /** What holds a running batch's downloads back (output folder unplugged, network down). */
  condition: z
    .object({
      code: z.enum(BATCH_CONDITION_CODES),
      params: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
      since: z.number(),
      message: z.string(),
    })
    .nullable()
    .optional(),
  /** Made in simulated (demo) mode; never sent to the real, paid API. */
  simulated: z.boolean(),
  settings: batchSettingsSchema,
  createdAt: z.number(),
  startedAt: z.number().nullable(),
  finishedAt: z.number().nullable(),
  counts: stateCountsSchema,
  total: z.number().int(),
  spentUsd: z.number(),
  /** Sent, but the answer was lost: may be paid, shown beside `spentUsd`, counted by the caps. */
  unconfirmedUsd: z.number(),
  remainingEstimateUsd: z.number(),
  /** Until the batch ends, its hours (start time, night window) taken into account. */
  etaMs: z.number().nullable(),
  /** Its place in the account's queue: lower goes first. */
  queueOrder: z.number().int().optional(),
  /** When it may send: a start time (clock ms) and a daily window of local time. */
  schedule: batchScheduleSchema.nullable().optional(),
  /** The folders it keeps taking new images from (null: not a watching batch). */
  watch: z
    .object({
      folders: z.array(z.string()),
      active: z.boolean(),
      lastTaken: z.object({ path: z.string(), at: z.number() }).nullable(),
    })
    .nullable()
    .optional(),
});

/** "Re-run with changes" of which images: all, the failed ones, the rejected or kept videos, the chosen items. */
export const rerunWhichSchema = z.enum(['all', 'failed', 'rejected', 'kept', 'selected']);
export type RerunWhichDto = z.output<typeof rerunWhichSchema>;

export type BatchSettingsDto = z.output<typeof batchSettingsSchema>;
export type ItemViewDto = z.output<typeof itemViewSchema>;
export type BatchViewDto = z.output<typeof batchViewSchema>;
