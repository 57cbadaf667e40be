// The contract's vocabulary: the state lists as schemas, ids, paths, model ids and
// request values, and a reason (a code with parameters). Every other part of the contract is
// built from these.
import { z } from 'zod';
import type { Reason } from '../reasons';
import { BATCH_STATES, PAUSE_REASONS } from '../batch-states';
import { ITEM_REVIEWS, ITEM_STATES } from '../item-states';

// The state lists are common/'s (one list below the database, the engine, IPC and the renderer).
export const itemStateSchema = z.enum(ITEM_STATES);
export const batchStateSchema = z.enum(BATCH_STATES);
export const pauseReasonSchema = z.enum(PAUSE_REASONS);
export const itemReviewSchema = z.enum(ITEM_REVIEWS);
/** The review grid's filters: a verdict, or done videos without one yet. */
export const reviewFilterSchema = z.enum([...ITEM_REVIEWS, 'unreviewed']);
/** Any model the catalog knows (shipped or added by the user); main checks it exists. */
export const modelIdSchema = z.string().min(3).max(300);
/** Values of request fields set directly (the generated form, --set, prompts.csv columns). */
export const modelInputsSchema = z.record(z.string().min(1).max(100), z.json());

/** A batch's or an item's id. */
export const idSchema = z.number().int().positive();
/** A file or folder path. */
export const pathSchema = z.string().min(1).max(4096);

/** Why an item failed or a batch paused: a code + parameters (see common/reasons.ts). */
export const reasonSchema: z.ZodType<Reason> = z.lazy(() =>
  z.object({
    code: z.string().max(100),
    params: z.record(z.string(), z.union([z.string(), z.number(), z.null(), reasonSchema])),
  }),
) as z.ZodType<Reason>;

/** Items of a batch by state. */
export const stateCountsSchema = z.record(itemStateSchema, z.number().int().nonnegative());

export type ItemStateDto = z.output<typeof itemStateSchema>;
export type ItemReviewDto = z.output<typeof itemReviewSchema>;
export type ReviewFilterDto = z.output<typeof reviewFilterSchema>;
