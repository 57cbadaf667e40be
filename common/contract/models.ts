// The contract's models: what the window knows of a model (roles, price, allowed durations) and
// the request fields its settings form builds controls for.
import { z } from 'zod';
import { ROLE_NAMES } from '../model-roles';
import { modelIdSchema } from './vocabulary';

export const modelRoleSchema = z.enum(ROLE_NAMES);

/** One request field the settings form builds a control for (from the entry's schema). */
export const modelFieldSchema = z.object({
  name: z.string(),
  label: z.string(),
  description: z.string().nullable(),
  kind: z.enum(['select', 'number', 'switch', 'text']),
  options: z.array(z.union([z.string(), z.number()])).nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
  integer: z.boolean(),
  default: z.union([z.string(), z.number(), z.boolean()]).nullable(),
  required: z.boolean(),
});

export const modelInfoSchema = z.object({
  id: modelIdSchema,
  displayName: z.string(),
  aliases: z.array(z.string()),
  /** "partly-known": some fields, limits or the price are not confirmed by RunComfy's pages. */
  status: z.enum(['known', 'partly-known']),
  /** Where its facts come from: RunComfy's catalog, the entry shipped with the app, the user's entry. */
  origin: z.enum(['runcomfy', 'shipped', 'user']),
  /** When RunComfy's catalog answer was fetched (ms since the epoch); null for the others. */
  fetchedAt: z.number().nullable().default(null),
  /** The picker's group: the name's first word ("Kling", "Wan"). */
  family: z.string().default(''),
  /** When the user last made a batch with it (ms since the epoch); null: never. */
  lastUsedAt: z.number().nullable().default(null),
  price: z.discriminatedUnion('per', [
    z.object({
      per: z.enum(['second', 'video']),
      usd: z.number(),
      withAudioUsd: z.number().nullable(),
    }),
    z.object({ per: z.literal('unknown') }),
  ]),
  priceSource: z.enum(['static', 'live']),
  /** role -> request field; a role that is missing is not sent to this model. */
  roles: z.partialRecord(modelRoleSchema, z.string()),
  /** Allowed video lengths, or null when the model's duration field is not known. */
  duration: z
    .object({ min: z.number().int(), max: z.number().int(), values: z.array(z.number().int()).nullable() })
    .nullable(),
  fields: z.array(modelFieldSchema),
  /** Multi-shot: how many shots and how long each may be, from its schema; null without multi-shot. */
  shots: z
    .object({
      minShots: z.number().int(),
      maxShots: z.number().int(),
      minSeconds: z.number().int(),
      maxSeconds: z.number().int().nullable(),
    })
    .nullable()
    .default(null),
  /** Reference elements: at most how many, with how many reference images each (null: no limit given). */
  elements: z
    .object({ max: z.number().int().nullable(), maxReferences: z.number().int().nullable() })
    .nullable()
    .default(null),
});

export type ModelInfoDto = z.output<typeof modelInfoSchema>;

/** Where the model list comes from now: said at start (offline: the cache, then the shipped list). */
export const catalogSourceSchema = z.object({
  kind: z.enum(['runcomfy', 'cache', 'shipped']),
  fetchedAt: z.number().nullable(),
  /** Why RunComfy's catalog is not the source now (offline, no key...), or null. */
  why: z.string().nullable(),
});

export type CatalogSourceDto = z.output<typeof catalogSourceSchema>;
