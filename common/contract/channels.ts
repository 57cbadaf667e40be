// The contract's channels: every command and query with its request and response schema, and
// every event with its payload schema, named by kind (`command:`, `query:`, `event:`).
import { z } from 'zod';
import { REASON_LANGUAGES } from '../reasons';
import {
  batchSettingsSchema,
  batchViewSchema,
  defaultScheduleSchema,
  elementsSchema,
  itemViewSchema,
  rerunWhichSchema,
} from './batches';
import { elementCheckSchema, previewSchema, scanSummarySchema } from './intake';
import { balanceSchema } from './account';
import { catalogSourceSchema, modelInfoSchema } from './models';
import { queueChannels } from './queue';
import { appSettingsSchema, dailySpendSchema, webhookSettingSchema } from './settings';
import {
  batchStateSchema,
  idSchema as id,
  itemReviewSchema,
  itemStateSchema,
  pathSchema as path,
  pauseReasonSchema,
  reviewFilterSchema,
  stateCountsSchema,
} from './vocabulary';

const empty = z.object({}).strict();
const ok = z.object({ ok: z.literal(true) });

function channel<Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res) {
  return { request, response };
}

/** Requests from the renderer, answered by main. */
export const invokeChannels = {
  ...queueChannels,
  'query:app.info': channel(
    empty,
    z.object({
      version: z.string(),
      platform: z.string(),
      locale: z.string(),
      simulated: z.boolean(),
      /**
       * Prefix for thumbnails and videos, served only for files of known batches:
       * `${mediaBaseUrl}/item/<itemId>/thumb`, `/item/<itemId>/video`, `/scan/<scanId>/<index>/thumb`.
       * Electron: the app's custom protocol; browser harness: its own HTTP route.
       */
      mediaBaseUrl: z.string(),
    }),
  ),
  'query:models.list': channel(empty, z.array(modelInfoSchema)),
  /** Where the list comes from now: RunComfy's catalog, its cached copy, or the built-in models. */
  'query:models.source': channel(empty, catalogSourceSchema),
  /** Fetches RunComfy's catalog again (a free GET); offline, the source says why and what is used. */
  'command:models.refresh': channel(
    empty,
    z.object({ models: z.array(modelInfoSchema), source: catalogSourceSchema }),
  ),
  /**
   * RunComfy's models matching `search` in any category (for Settings → Models → Add), each with
   * whether the picker already has it.
   */
  'query:models.runcomfy': channel(
    z.object({ search: z.string().trim().max(100) }),
    z.array(
      z.object({
        id: z.string(),
        displayName: z.string(),
        categories: z.array(z.string()),
        price: z.object({ usd: z.number(), unit: z.string() }).nullable(),
        inPicker: z.boolean(),
      }),
    ),
  ),
  /** Entry files in the data folder's models/ that could not be used, with file, line and field. */
  'query:models.problems': channel(
    empty,
    z.array(
      z.object({
        file: z.string().nullable(),
        line: z.number().int().nullable(),
        field: z.string().nullable(),
        message: z.string(),
      }),
    ),
  ),
  /**
   * Saves a user entry for a model: from its id, what RunComfy's catalog answers for it and
   * optionally its pasted input schema. Never submits anything (that would be paid). When the
   * start-image field cannot be told, answers the candidates so the user picks one.
   */
  'command:models.add': channel(
    z.object({
      id: z.string().trim().min(3).max(300),
      /** Made from RunComfy's own description of the model (its schema and price), picked from its list. */
      fromRunComfy: z.boolean().optional(),
      schema: z.string().max(500_000).optional(),
      startImageField: z.string().max(100).optional(),
      displayName: z.string().max(120).optional(),
    }),
    z.discriminatedUnion('status', [
      z.object({ status: z.literal('added'), model: modelInfoSchema }),
      z.object({ status: z.literal('needsStartImageField'), candidates: z.array(z.string()) }),
    ]),
  ),

  'command:scan.start': channel(
    z.object({
      paths: z.array(path).min(1).max(10_000),
      /** Another file-name ending that marks an end frame (beside .end and _end), e.g. "-last". */
      /** Keep only these images of the scan (a re-run of chosen items); absent: all. */
      only: z.array(path).max(100_000).optional(),
      endSuffix: z.string().max(50).optional(),
      /** A finished scan these files are added to (dropped during setup): its images stay, unread. */
      addTo: z.string().max(200).optional(),
    }),
    z.object({ scanId: z.string() }),
  ),
  /**
   * Checks reference element images like start images and keeps them with the scan (the preview
   * and the batch read them there); answers each image's size or why it cannot be used.
   */
  'command:scan.checkElements': channel(
    z.object({ scanId: z.string(), elements: elementsSchema }),
    z.object({ images: z.array(elementCheckSchema) }),
  ),
  'query:scan.summary': channel(z.object({ scanId: z.string() }), scanSummarySchema),
  /** Stops a scan still checking files (nothing was planned or paid); a finished one is left as it is. */
  'command:scan.cancel': channel(z.object({ scanId: z.string() }), ok),
  'query:scan.preview': channel(
    z.object({
      scanId: z.string(),
      settings: batchSettingsSchema,
      force: z.boolean().default(false),
      offset: z.number().int().nonnegative(),
      limit: z.number().int().positive().max(500),
    }),
    previewSchema,
  ),

  /**
   * `expected`: what the preview the user started from showed. Main plans again; when that plan
   * sends another number of videos or costs more, nothing is created (conflict, kind
   * preview_changed) and the window shows the new preview first.
   */
  'command:batch.create': channel(
    z.object({
      scanId: z.string(),
      settings: batchSettingsSchema,
      force: z.boolean().default(false),
      expected: z.object({ toSend: z.number().int().nonnegative(), estimatedCostUsd: z.number() }).optional(),
      /** When it may send, as times of day; absent: the default hours (Settings → Queue); null: any time. */
      hours: defaultScheduleSchema.nullable().optional(),
      /** Keep taking in new images that appear in the dropped folders, until told to stop. */
      watch: z.boolean().optional(),
    }),
    z.object({ batchId: id }),
  ),
  'command:batch.start': channel(z.object({ batchId: id }), ok),
  'command:batch.pause': channel(z.object({ batchId: id }), ok),
  'command:batch.resume': channel(z.object({ batchId: id }), ok),
  'command:batch.cancel': channel(
    z.object({ batchId: id }),
    z.object({
      cancelledLocally: z.number().int(),
      cancelRequested: z.number().int(),
      /** Already generating: cannot be stopped, will be billed and downloaded. */
      running: z.number().int(),
    }),
  ),
  /** Changes the batch's cap (null: none); a budget_reached batch is then resumed with batch.resume. */
  'command:batch.setBudget': channel(
    z.object({ batchId: id, budgetUsd: z.number().positive().max(1_000_000).nullable() }),
    batchViewSchema,
  ),
  /** Saves the batch's next videos in another folder (picked with dialog.pickOutputDir). */
  'command:batch.setOutputDir': channel(z.object({ batchId: id, outputDir: path }), batchViewSchema),
  'query:batches.list': channel(empty, z.array(batchViewSchema)),
  'query:batch.get': channel(z.object({ batchId: id }), batchViewSchema),
  'query:account.dailySpend': channel(empty, dailySpendSchema),
  /** The RunComfy balance (asked at most once a minute unless `fresh`); never a number not read with confidence. */
  'query:account.balance': channel(z.object({ fresh: z.boolean().optional() }), balanceSchema),
  /**
   * "Re-run with changes": the batch's settings and the images to scan again (all, failed,
   * rejected or the chosen items), with those no longer where they were named in `missing`.
   */
  'query:batch.rerunSource': channel(
    z.object({
      batchId: id,
      which: rerunWhichSchema,
      itemIds: z.array(id).max(100_000).optional(),
    }),
    z.object({
      batchId: id,
      batchName: z.string(),
      settings: batchSettingsSchema,
      roots: z.array(z.string()),
      sourcePaths: z.array(z.string()),
      missing: z.array(z.string()),
      force: z.boolean(),
    }),
  ),
  'query:batch.reportCsv': channel(
    // The window's language, so the reasons column reads like the window (default English).
    z.object({ batchId: id, language: z.enum(REASON_LANGUAGES).optional() }),
    z.object({ fileName: z.string(), csv: z.string() }),
  ),

  'query:items.page': channel(
    z.object({
      batchId: id,
      states: z.array(itemStateSchema).optional(),
      search: z.string().max(500).optional(),
      reviews: z.array(reviewFilterSchema).optional(),
      offset: z.number().int().nonnegative(),
      limit: z.number().int().positive().max(500),
    }),
    z.object({ items: z.array(itemViewSchema), total: z.number().int() }),
  ),
  /**
   * The review grid's groups for a batch with takes: each image's run of items in the list the
   * same filter pages through (queue order), with its count. Sends nothing.
   */
  'query:items.groups': channel(
    z.object({
      batchId: id,
      states: z.array(itemStateSchema).optional(),
      reviews: z.array(reviewFilterSchema).optional(),
    }),
    z.object({ groups: z.array(z.object({ relativePath: z.string(), count: z.number().int() })) }),
  ),
  /**
   * Retries the batch's failed items (or the chosen `itemIds`) through the per-item retry.
   * Without `confirmCostUsd`: only says how many and what they may cost against the cap. With
   * it: retries, refused (nothing retried) when they may now cost more than was confirmed.
   */
  'command:batch.retryFailed': channel(
    z.object({
      batchId: id,
      itemIds: z.array(id).min(1).max(10_000).optional(),
      confirmCostUsd: z.number().nonnegative().max(10_000_000).optional(),
    }),
    z.object({
      count: z.number().int(),
      retried: z.number().int(),
      notRetryable: z.array(z.object({ itemId: id, fileName: z.string(), state: itemStateSchema })),
      estimatedCostUsd: z.number(),
      spentUsd: z.number(),
      remainingEstimateUsd: z.number(),
      budgetUsd: z.number().nullable(),
      passesBudget: z.boolean(),
      dailyCapUsd: z.number().nullable(),
      spentTodayUsd: z.number(),
      passesDailyCap: z.boolean(),
    }),
  ),
  /** Keep or reject a finished video (null: undecided). Only done items; sends nothing. */
  'command:item.review': channel(z.object({ itemId: id, review: itemReviewSchema.nullable() }), ok),
  /**
   * Copies the batch's kept videos into a folder the user picks in main's own dialog (never a
   * path from the window). Copies, never moves or overwrites; `folder` null: the user cancelled.
   */
  'command:batch.exportKept': channel(
    z.object({ batchId: id }),
    z.object({
      folder: z.string().nullable(),
      copied: z.number().int(),
      renamed: z.array(z.object({ file: z.string(), savedAs: z.string() })),
      failed: z.array(z.object({ file: z.string(), reason: z.string() })),
    }),
  ),
  'command:item.cancel': channel(
    z.object({ itemId: id }),
    z.object({
      outcome: z.enum(['cancelled', 'cancel_requested', 'running_cannot_stop', 'already_finished']),
    }),
  ),
  'command:item.retry': channel(z.object({ itemId: id }), ok),
  /** For `unknown_submit`: the user accepts that it may be paid twice. */
  'command:item.resubmit': channel(z.object({ itemId: id, acceptPossibleDoubleCharge: z.literal(true) }), ok),
  'command:item.showInFolder': channel(z.object({ itemId: id }), ok),
  'command:item.openVideo': channel(z.object({ itemId: id }), ok),

  'query:settings.get': channel(empty, appSettingsSchema),
  'command:settings.update': channel(
    appSettingsSchema
      .pick({
        apiBaseUrl: true,
        simulated: true,
        notifications: true,
        keepAwake: true,
        language: true,
        theme: true,
        webhook: true,
        dailyCapUsd: true,
        defaults: true,
      })
      .partial(),
    appSettingsSchema,
  ),
  /** Posts a test notice to the saved webhook (or to `webhook` when given, before saving it). */
  'command:settings.testWebhook': channel(
    z.object({ webhook: webhookSettingSchema.unwrap().optional() }),
    z.object({ status: z.number().int() }),
  ),
  'command:settings.setApiKey': channel(
    z.object({ apiKey: z.string().min(8).max(512), allowPlainTextStorage: z.boolean().default(false) }),
    appSettingsSchema,
  ),
  'command:settings.removeApiKey': channel(empty, appSettingsSchema),
  /**
   * Checks a pasted key with RunComfy (the API base URL of the settings, never the demo simulator)
   * before it is saved: accepted, refused (the key is wrong), or unconfirmed (RunComfy could not be
   * asked: the message says why). Nothing is stored or sent beyond one free GET.
   */
  'command:settings.checkApiKey': channel(
    z.object({ apiKey: z.string().min(8).max(512) }),
    z.discriminatedUnion('status', [
      z.object({ status: z.literal('accepted') }),
      z.object({ status: z.literal('refused'), message: z.string() }),
      z.object({ status: z.literal('unconfirmed'), message: z.string() }),
    ]),
  ),
  'command:settings.savePreset': channel(
    z.object({ name: z.string().min(1).max(100), settings: batchSettingsSchema.partial() }),
    appSettingsSchema,
  ),
  'command:settings.deletePreset': channel(z.object({ name: z.string().min(1).max(100) }), appSettingsSchema),

  'command:dialog.pickInputs': channel(empty, z.object({ paths: z.array(z.string()) })),
  /** Image files (several) for reference elements; empty when cancelled. */
  'command:dialog.pickImages': channel(empty, z.object({ paths: z.array(z.string()) })),
  'command:dialog.pickOutputDir': channel(empty, z.object({ path: z.string().nullable() })),
} as const;

/** Pushed from main to the renderer. Slim: ids and states; details are fetched by query. */
export const eventChannels = {
  'event:items.changed': z.object({
    batchId: id,
    changes: z.array(z.object({ id, state: itemStateSchema })),
  }),
  'event:batch.changed': z.object({
    batchId: id,
    state: batchStateSchema,
    pauseReason: pauseReasonSchema.nullable(),
  }),
  'event:batch.finished': z.object({ batchId: id, counts: stateCountsSchema, spentUsd: z.number() }),
  /** The model list changed (RunComfy's catalog fetched, a model added): ask for it again. */
  'event:models.changed': z.object({ source: catalogSourceSchema }),
  'event:scan.progress': z.object({
    scanId: z.string(),
    found: z.number().int(),
    checked: z.number().int(),
    finished: z.boolean(),
  }),
} as const;

export type InvokeChannel = keyof typeof invokeChannels;
export type EventChannel = keyof typeof eventChannels;
/** What the renderer passes (zod input: defaults may be omitted). */
export type RequestOf<C extends InvokeChannel> = z.input<(typeof invokeChannels)[C]['request']>;
/** What the handler receives (parsed, defaults applied). */
export type ParsedRequestOf<C extends InvokeChannel> = z.output<(typeof invokeChannels)[C]['request']>;
export type ResponseOf<C extends InvokeChannel> = z.output<(typeof invokeChannels)[C]['response']>;
export type PayloadOf<E extends EventChannel> = z.output<(typeof eventChannels)[E]>;
