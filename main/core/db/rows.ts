// Rows to domain types, in one place: snake_case columns become camelCase fields, JSON
// columns are zod-checked as they are read, so a damaged or hand-edited row is reported by
// name instead of surfacing later as `undefined` somewhere in the UI.
import { z } from 'zod';
import { batchScheduleSchema, batchSettingsSchema } from '@common/contract/batches';
// The state and reason schemas are the contract's: a stored reason's code is checked when shown
// (an unknown code falls back to the sentence).
import {
  batchStateSchema,
  itemReviewSchema,
  itemStateSchema,
  pauseReasonSchema,
  reasonSchema,
} from '@common/contract/vocabulary';
import {
  BATCH_CONDITION_CODES,
  type BatchCondition,
  type BatchSchedule,
  type BatchSettings,
  type BatchWatch,
  type BatchView,
  type ItemState,
  type ItemView,
  type PauseReason,
  type PlanNote,
} from '../domain';

// The contract's schema, the one every process reads settings with: a copy of our own once
// lacked the fit mode and the elements, so every read stripped them (and a budget change wrote
// the stripped settings back).
const storedSettingsSchema = batchSettingsSchema satisfies z.ZodType<BatchSettings>;

// A note is English text (rows written before notes were codes) or a reason.
const notesSchema: z.ZodType<PlanNote[]> = z.array(z.union([z.string(), z.lazy(() => reasonSchema)]));
const requestSchema = z.record(z.string(), z.unknown());

export class DamagedRowError extends Error {
  constructor(table: string, id: number, column: string, detail: string) {
    super(
      `Row ${id} of table '${table}' has an unreadable ${column} (${detail}). The database file may have ` +
        `been edited or damaged; restore a backup or delete that row.`,
    );
    this.name = 'DamagedRowError';
  }
}

function parseJson<T>(schema: z.ZodType<T>, text: string, table: string, id: number, column: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new DamagedRowError(table, id, column, (error as Error).message);
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success)
    throw new DamagedRowError(table, id, column, parsed.error.issues[0]?.message ?? 'invalid');
  return parsed.data;
}

function checked<T>(schema: z.ZodType<T>, value: unknown, table: string, id: number, column: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new DamagedRowError(table, id, column, `value ${JSON.stringify(value)}`);
  return parsed.data;
}

export interface BatchRow {
  id: number;
  name: string;
  state: string;
  pause_reason: string | null;
  pause_message: string | null;
  pause_detail_json: string | null;
  settings_json: string;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  lease_owner: string | null;
  lease_expires_at: number | null;
  simulated: number;
  condition_json: string | null;
  output_dir_seen_at: number | null;
  queue_order: number | null;
  schedule_json: string | null;
  watch_json: string | null;
}

const storedScheduleSchema = batchScheduleSchema satisfies z.ZodType<BatchSchedule>;
const batchWatchSchema = z.object({
  folders: z.array(z.string()),
  active: z.boolean(),
  lastTaken: z.object({ path: z.string(), at: z.number() }).nullable(),
}) satisfies z.ZodType<BatchWatch>;

export const batchConditionSchema = z.object({
  code: z.enum(BATCH_CONDITION_CODES),
  params: z.record(z.string(), z.union([z.string(), z.number(), z.null()])),
  since: z.number(),
  message: z.string(),
});

/** A batch as stored; its name, state and pause read as in the view (pauseDetail null: before codes). */
export interface BatchRecord extends Pick<
  BatchView,
  'id' | 'name' | 'state' | 'pauseMessage' | 'pauseDetail'
> {
  pauseReason: PauseReason | null;
  settings: BatchSettings;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  /** Made in simulated (demo) mode: never sent to the real API. */
  simulated: boolean;
  /** What holds its downloads back while it runs (see migration 005); null if nothing. */
  condition: BatchCondition | null;
  /** When the engine first found the output folder in place (migration 009); null if never. */
  outputDirSeenAt: number | null;
  /** Its place in the account's queue (migration 014): lower goes first. */
  queueOrder: number;
  /** When it may send (start time, night window); null: any time. */
  schedule: BatchSchedule | null;
  /** The folders it keeps taking new images from; null: not a watching batch. */
  watch: BatchWatch | null;
}

/**
 * The pause_reason column's word for a pause reason. 001's CHECK predates the daily cap and
 * changing it would mean rebuilding the batches table (which its items reference): a daily-cap
 * pause is stored as 'budget_reached', the nearest the CHECK allows (what an older build shows),
 * and told apart by its detail code.
 */
/** The detail codes of a daily-cap pause: reached, or a video of unknown price under it. */
const DAILY_CAP_DETAILS: ReadonlySet<string> = new Set(['daily_cap_reached', 'price_unknown_daily_cap']);

export function pauseReasonColumn(reason: PauseReason): string {
  return reason === 'daily_cap_reached' ? 'budget_reached' : reason;
}

export function toBatchRecord(row: BatchRow): BatchRecord {
  const pauseDetail =
    row.pause_detail_json === null
      ? null
      : parseJson(reasonSchema, row.pause_detail_json, 'batches', row.id, 'pause_detail_json');
  const stored =
    row.pause_reason === null
      ? null
      : checked(pauseReasonSchema, row.pause_reason, 'batches', row.id, 'pause_reason');
  const pauseReason: PauseReason | null =
    stored === 'budget_reached' && DAILY_CAP_DETAILS.has(pauseDetail?.code ?? '')
      ? 'daily_cap_reached'
      : stored;
  return {
    id: row.id,
    name: row.name,
    state: checked(batchStateSchema, row.state, 'batches', row.id, 'state'),
    pauseReason,
    pauseMessage: row.pause_message,
    pauseDetail,
    settings: parseJson(storedSettingsSchema, row.settings_json, 'batches', row.id, 'settings_json'),
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    leaseOwner: row.lease_owner,
    leaseExpiresAt: row.lease_expires_at,
    simulated: row.simulated === 1,
    condition: !row.condition_json
      ? null
      : parseJson(batchConditionSchema, row.condition_json, 'batches', row.id, 'condition_json'),
    outputDirSeenAt: row.output_dir_seen_at,
    queueOrder: row.queue_order ?? row.id,
    schedule:
      row.schedule_json === null
        ? null
        : parseJson(storedScheduleSchema, row.schedule_json, 'batches', row.id, 'schedule_json'),
    watch:
      row.watch_json === null
        ? null
        : parseJson(batchWatchSchema, row.watch_json, 'batches', row.id, 'watch_json'),
  };
}

export interface ItemRow {
  id: number;
  batch_id: number;
  position: number;
  state: string;
  source_path: string;
  root_path: string;
  relative_path: string;
  image_hash: string;
  request_fingerprint: string;
  rendered_prompt: string;
  request_json: string;
  output_relative_path: string;
  request_id: string | null;
  queue_position: number | null;
  attempts: number;
  created_at: number;
  state_changed_at: number;
  submitted_at: number | null;
  last_queued_seen_at: number | null;
  running_seen_at: number | null;
  finished_at: number | null;
  next_poll_at: number | null;
  error_code: string | null;
  error_message: string | null;
  reason_json: string | null;
  result_url: string | null;
  part_path: string | null;
  output_path: string | null;
  output_bytes: number | null;
  output_sha256: string | null;
  estimated_cost_usd: number;
  cost_usd: number | null;
  may_be_billed: number;
  prior_spent_usd: number;
  cancel_requested: number;
  notes_json: string;
  poll_count: number;
  api_base_url: string | null;
  review: string | null;
  sidecar_pending: number;
  key_fingerprint: string | null;
}

/** Everything the engine knows about an item; `ItemView` is the slice the UI sees. */
export interface ItemRecord extends ItemView {
  position: number;
  rootPath: string;
  imageHash: string;
  requestFingerprint: string;
  request: Record<string, unknown>;
  outputRelativePath: string;
  lastQueuedSeenAt: number | null;
  runningSeenAt: number | null;
  nextPollAt: number | null;
  resultUrl: string | null;
  partPath: string | null;
  outputSha256: string | null;
  mayBeBilled: boolean;
  priorSpentUsd: number;
  cancelRequested: boolean;
  pollCount: number;
  /** The API base URL the item's job was submitted to (null: before this was recorded). */
  apiBaseUrl: string | null;
  /** Done, its sidecar not yet in place (written at start-up if a crash came between). */
  sidecarPending: boolean;
  /**
   * Which API key the current attempt was sent with (a short hash, never the key): its job is
   * polled and downloaded with that key, even after the user set another (migration 013).
   */
  keyFingerprint: string | null;
}

export function toItemRecord(row: ItemRow): ItemRecord {
  return {
    id: row.id,
    batchId: row.batch_id,
    state: checked(itemStateSchema, row.state, 'items', row.id, 'state') as ItemState,
    sourcePath: row.source_path,
    relativePath: row.relative_path,
    renderedPrompt: row.rendered_prompt,
    requestId: row.request_id,
    queuePosition: row.queue_position,
    attempts: row.attempts,
    createdAt: row.created_at,
    stateChangedAt: row.state_changed_at,
    submittedAt: row.submitted_at,
    finishedAt: row.finished_at,
    estimatedCostUsd: row.estimated_cost_usd,
    costUsd: row.cost_usd,
    outputPath: row.output_path,
    outputBytes: row.output_bytes,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    reason:
      row.reason_json === null
        ? null
        : parseJson(reasonSchema, row.reason_json, 'items', row.id, 'reason_json'),
    notes: parseJson(notesSchema, row.notes_json, 'items', row.id, 'notes_json'),
    review: row.review === null ? null : checked(itemReviewSchema, row.review, 'items', row.id, 'review'),
    position: row.position,
    rootPath: row.root_path,
    imageHash: row.image_hash,
    requestFingerprint: row.request_fingerprint,
    request: parseJson(requestSchema, row.request_json, 'items', row.id, 'request_json'),
    outputRelativePath: row.output_relative_path,
    lastQueuedSeenAt: row.last_queued_seen_at,
    runningSeenAt: row.running_seen_at,
    nextPollAt: row.next_poll_at,
    resultUrl: row.result_url,
    partPath: row.part_path,
    outputSha256: row.output_sha256,
    mayBeBilled: row.may_be_billed === 1,
    priorSpentUsd: row.prior_spent_usd,
    cancelRequested: row.cancel_requested === 1,
    pollCount: row.poll_count,
    apiBaseUrl: row.api_base_url,
    sidecarPending: row.sidecar_pending === 1,
    keyFingerprint: row.key_fingerprint ?? null,
  };
}

export function toItemView(record: ItemRecord): ItemView {
  return {
    id: record.id,
    batchId: record.batchId,
    state: record.state,
    sourcePath: record.sourcePath,
    relativePath: record.relativePath,
    renderedPrompt: record.renderedPrompt,
    requestId: record.requestId,
    queuePosition: record.queuePosition,
    attempts: record.attempts,
    createdAt: record.createdAt,
    stateChangedAt: record.stateChangedAt,
    submittedAt: record.submittedAt,
    finishedAt: record.finishedAt,
    estimatedCostUsd: record.estimatedCostUsd,
    costUsd: record.costUsd,
    outputPath: record.outputPath,
    outputRelativePath: record.outputRelativePath,
    outputBytes: record.outputBytes,
    errorCode: record.errorCode,
    errorMessage: record.errorMessage,
    reason: record.reason,
    notes: record.notes,
    review: record.review,
  };
}

/** Fields the engine may change on an item, and their columns. */
export const ITEM_PATCH_COLUMNS = {
  requestId: 'request_id',
  queuePosition: 'queue_position',
  attempts: 'attempts',
  submittedAt: 'submitted_at',
  lastQueuedSeenAt: 'last_queued_seen_at',
  runningSeenAt: 'running_seen_at',
  finishedAt: 'finished_at',
  nextPollAt: 'next_poll_at',
  errorCode: 'error_code',
  errorMessage: 'error_message',
  reason: 'reason_json',
  resultUrl: 'result_url',
  partPath: 'part_path',
  outputPath: 'output_path',
  outputBytes: 'output_bytes',
  outputSha256: 'output_sha256',
  costUsd: 'cost_usd',
  mayBeBilled: 'may_be_billed',
  priorSpentUsd: 'prior_spent_usd',
  cancelRequested: 'cancel_requested',
  pollCount: 'poll_count',
  apiBaseUrl: 'api_base_url',
  sidecarPending: 'sidecar_pending',
  keyFingerprint: 'key_fingerprint',
} as const satisfies Partial<Record<keyof ItemRecord, string>>;

export type ItemPatch = Partial<{ [K in keyof typeof ITEM_PATCH_COLUMNS]: ItemRecord[K] }>;
