// The contract's queue: the account's one queue of batches (their order, what each waits for),
// the account-wide limit on generations in flight, the default hours of new batches, a watching
// batch's Stop watching, and the morning report (what happened since the user last looked).
import { z } from 'zod';
import { batchScheduleSchema, defaultScheduleSchema } from './batches';
import { batchStateSchema, idSchema as id, reasonSchema } from './vocabulary';

const ok = z.object({ ok: z.literal(true) });

export const queueEntrySchema = z.object({
  batchId: id,
  name: z.string(),
  state: batchStateSchema,
  position: z.number().int(),
  queued: z.number().int(),
  inFlight: z.number().int(),
  waitingFor: z.enum(['slot', 'hours', 'paused', 'draft', 'nothing']),
  opensAt: z.number().nullable(),
  watching: z.boolean(),
  schedule: batchScheduleSchema.nullable(),
  simulated: z.boolean(),
});

export const accountLimitSchema = z.object({
  configured: z.number().int().nullable(),
  lowered: z.object({ limit: z.number().int(), until: z.number() }).nullable(),
  effective: z.number().int().nullable(),
  inFlight: z.number().int(),
});

export const activitySummarySchema = z.object({
  since: z.number(),
  done: z.number().int(),
  failed: z.array(
    z.object({
      code: z.string().nullable(),
      count: z.number().int(),
      reason: reasonSchema.nullable(),
      message: z.string().nullable(),
    }),
  ),
  unknown: z.number().int(),
  spentUsd: z.number(),
  simulatedUsd: z.number(),
  waiting: z.array(
    z.object({
      batchId: id,
      name: z.string(),
      pauseReason: z.string(),
      pauseDetail: reasonSchema.nullable(),
    }),
  ),
  batches: z.array(
    z.object({ batchId: id, name: z.string(), done: z.number().int(), failed: z.number().int() }),
  ),
});

const channel = <Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res) => ({
  request,
  response,
});

export const queueChannels = {
  'query:queue.list': channel(z.object({}).strict(), z.array(queueEntrySchema)),
  'command:queue.move': channel(
    z.object({ batchId: id, move: z.enum(['top', 'up', 'down', 'bottom']) }),
    z.array(queueEntrySchema),
  ),
  'command:queue.itemToFront': channel(z.object({ itemId: id }), ok),
  'query:queue.limit': channel(z.object({}).strict(), accountLimitSchema),
  /** null: no account-wide limit (each batch keeps its own). */
  'command:queue.setLimit': channel(
    z.object({ limit: z.number().int().min(1).max(100).nullable() }),
    accountLimitSchema,
  ),
  'query:queue.defaultSchedule': channel(z.object({}).strict(), defaultScheduleSchema.nullable()),
  'command:queue.setDefaultSchedule': channel(z.object({ schedule: defaultScheduleSchema.nullable() }), ok),
  'command:queue.stopWatching': channel(z.object({ batchId: id }), ok),
  /** What happened since the user last looked (null: nothing since, or never run). */
  'query:queue.morning': channel(z.object({}).strict(), activitySummarySchema.nullable()),
  /** The user has seen the report: the next one starts now. */
  'command:queue.seenMorning': channel(z.object({}).strict(), ok),
} as const;

export type QueueEntryDto = z.output<typeof queueEntrySchema>;
export type AccountLimitDto = z.output<typeof accountLimitSchema>;
export type ActivitySummaryDto = z.output<typeof activitySummarySchema>;
