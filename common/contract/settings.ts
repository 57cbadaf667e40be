// The contract's app settings: the key's state (never the key), the API, the window's options,
// the batch notice webhook, the remembered defaults and the named presets.
import { z } from 'zod';
import { batchSettingsSchema } from './batches';

export const webhookPresetSchema = z.enum(['generic', 'ntfy', 'discord', 'slack']);
/** Where batch notices are posted (finished, paused with the reason, stalled); null: nowhere. */
export const webhookSettingSchema = z
  .object({ url: z.string().min(1).max(2000), preset: webhookPresetSchema })
  .nullable();

export const appSettingsSchema = z.object({
  apiKey: z.object({ set: z.boolean(), last4: z.string().nullable(), storage: z.string().nullable() }),
  apiBaseUrl: z.string(),
  simulated: z.boolean(),
  notifications: z.boolean(),
  keepAwake: z.boolean(),
  language: z.enum(['system', 'en', 'zh-CN']),
  /** The window's colours: the system's, or always light or dark. */
  theme: z.enum(['system', 'light', 'dark']),
  webhook: webhookSettingSchema,
  /**
   * The account-wide cap: at most this many USD committed per local day across every batch
   * (null: none). Kept in the job database, so the CLI keeps the same one.
   */
  dailyCapUsd: z.number().nonnegative().max(1_000_000).nullable(),
  defaults: batchSettingsSchema.partial(),
  presets: z.array(z.object({ name: z.string(), settings: batchSettingsSchema.partial() })),
});

export type AppSettingsDto = z.output<typeof appSettingsSchema>;

/** Today's spending across all batches against the daily cap (the batch header shows it). */
export const dailySpendSchema = z.object({
  capUsd: z.number().nullable(),
  /** What the cap counts: billed or possibly billed (in flight, answers lost). */
  spentTodayUsd: z.number(),
  /** Billed, by the definition of a batch's spent figure: what the window shows as spent today. */
  billedTodayUsd: z.number(),
  /** Simulated (demo) batches' spending today: not money, shown apart, never against the cap. */
  simulatedTodayUsd: z.number(),
  /** When "today" began: the local midnight, as epoch ms. */
  dayStartedAt: z.number(),
});
