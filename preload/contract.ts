// The one contract between main and the renderer. Pure: zod plus the domain's dependency-free
// state vocabulary (main/core/domain/states.ts), so main imports its values (to validate), the
// renderer its types, the test harness both.
//
// Channels are named by kind: `command:` changes something, `query:` reads, `event:` is
// pushed from main. Every command and query has a request and a response schema; every
// event a payload schema. Handlers answer an envelope (see `Envelope`), because a rejected
// ipcRenderer.invoke keeps only the message of an error.
import { z } from 'zod';
import { ROLE_NAMES } from './model-roles';
import { REASON_LANGUAGES, type Reason } from './reasons';
import {
  BATCH_CONDITION_CODES,
  BATCH_STATES,
  ITEM_REVIEWS,
  ITEM_STATES,
  PAUSE_REASONS,
} from '../main/core/domain/states';
import type { ITEM_ACTIONS } from '../main/core/domain/states';

// The state vocabulary is the domain's (one list below the database, the engine and IPC).
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

const id = z.number().int().positive();
const path = z.string().min(1).max(4096);

/** Reference elements: a frontal image and reference images each (absolute paths). */
const elementsSchema = z.array(z.object({ frontal: path, references: z.array(path).max(20) })).max(20);

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
  budgetUsd: z.number().positive().max(1_000_000).nullable(),
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
  /** Images outside the model's limits: crop, pad (blurred fill) or refuse; absent = crop. */
  fit: z.enum(['crop', 'pad', 'refuse']).optional(),
  /** Reference elements (@Element1...): a frontal image and reference images each, absolute paths. */
  elements: elementsSchema.optional(),
});

/** Why an item failed or a batch paused: a code + parameters (see preload/reasons.ts). */
export const reasonSchema: z.ZodType<Reason> = z.lazy(() =>
  z.object({
    code: z.string().max(100),
    params: z.record(z.string(), z.union([z.string(), z.number(), z.null(), reasonSchema])),
  }),
) as z.ZodType<Reason>;

const stateCountsSchema = z.record(itemStateSchema, z.number().int().nonnegative());

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
  notes: z.array(z.string()),
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
  remainingEstimateUsd: z.number(),
  etaMs: z.number().nullable(),
});

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
  rejected: z.array(z.object({ path: z.string(), reason: z.string() })),
  /** End frames paired with a start image by file name: how many, and the first ones. */
  endFramePairCount: z.number().int().nonnegative().default(0),
  endFramePairs: z.array(z.object({ start: z.string(), end: z.string() })).default([]),
  /** The extra end-frame suffix this scan paired with, if any. */
  endSuffix: z.string().nullable().default(null),
  /** Variables the template may use here: the built-ins plus prompts.csv columns. */
  variables: z.array(z.string()),
  /** Problems with prompts.csv files etc., not tied to one image. */
  problems: z.array(inputProblemSchema),
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
  notes: z.array(z.string()),
  verdict: z
    .object({ state: z.enum(['rejected', 'skipped']), code: z.string(), message: z.string() })
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
  estimatedDurationMs: z.number(),
  /**
   * Images to be sent that are resized on the way (over the size limit, or fitted to the model's
   * shape and size by the fit mode): the scan summary's "Will be resized" once settings are known.
   */
  resized: z.number().int().nonnegative().default(0),
});

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
  origin: z.enum(['shipped', 'user']),
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
  webhook: webhookSettingSchema,
  defaults: batchSettingsSchema.partial(),
  presets: z.array(z.object({ name: z.string(), settings: batchSettingsSchema.partial() })),
});

const empty = z.object({}).strict();
const ok = z.object({ ok: z.literal(true) });

function channel<Req extends z.ZodType, Res extends z.ZodType>(request: Req, response: Res) {
  return { request, response };
}

/** Requests from the renderer, answered by main. */
export const invokeChannels = {
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
  'command:models.refreshPrices': channel(empty, z.array(modelInfoSchema)),
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
      endSuffix: z.string().max(50).optional(),
    }),
    z.object({ scanId: z.string() }),
  ),
  /**
   * Checks reference element images like start images and keeps them with the scan (the preview
   * and the batch read them there); answers each image's size or why it cannot be used.
   */
  'command:scan.checkElements': channel(
    z.object({ scanId: z.string(), elements: elementsSchema }),
    z.object({
      images: z.array(
        z.object({
          path: z.string(),
          ok: z.boolean(),
          reason: z.string().nullable(),
          width: z.number().int().nullable(),
          height: z.number().int().nullable(),
          /** Its thumbnail: media scan/<scanId>/element/<thumb>/thumb (null when unusable). */
          thumb: z.number().int().nonnegative().nullable(),
        }),
      ),
    }),
  ),
  'query:scan.summary': channel(z.object({ scanId: z.string() }), scanSummarySchema),
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

  'command:batch.create': channel(
    z.object({ scanId: z.string(), settings: batchSettingsSchema, force: z.boolean().default(false) }),
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
  'query:batches.list': channel(empty, z.array(batchViewSchema)),
  'query:batch.get': channel(z.object({ batchId: id }), batchViewSchema),
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
        webhook: true,
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
]);
export type ErrorDetailDto = z.output<typeof errorDetailSchema>;

export type Envelope<T> =
  | { ok: true; value: T }
  | { ok: false; error: { code: ErrorCode; message: string; detail?: ErrorDetailDto } };

export type BatchSettingsDto = z.output<typeof batchSettingsSchema>;
export type ItemViewDto = z.output<typeof itemViewSchema>;
export type BatchViewDto = z.output<typeof batchViewSchema>;
export type ScanSummaryDto = z.output<typeof scanSummarySchema>;
export type PreviewDto = z.output<typeof previewSchema>;
export type PreviewItemDto = z.output<typeof previewItemSchema>;
export type ModelInfoDto = z.output<typeof modelInfoSchema>;
export type AppSettingsDto = z.output<typeof appSettingsSchema>;
export type ItemStateDto = z.output<typeof itemStateSchema>;
export type ItemReviewDto = z.output<typeof itemReviewSchema>;
export type ReviewFilterDto = z.output<typeof reviewFilterSchema>;
/** Which action each item state allows (the domain's table, as a type for the renderer's copy). */
export type ItemActionTableDto = typeof ITEM_ACTIONS;
export type ItemActionDto = ItemActionTableDto[ItemStateDto];
export type InputProblemDto = z.output<typeof inputProblemSchema>;
