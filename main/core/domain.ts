// The domain's shared vocabulary: states, settings, views and events. Every layer speaks it:
// the database stores it, the engine moves it, the contract (preload/contract.ts) validates
// it across IPC, the CLI prints it. Kept dependency-free (but for the default model id, read
// from its catalog entry file) so any layer can import it.

/** Where an item is. `queued -> submitting -> in_queue -> in_progress -> downloading -> done`. */
export const ITEM_STATES = [
  'queued', // planned, not yet sent
  'submitting', // intent recorded, submit request on the wire
  'in_queue', // the API accepted it (request_id stored) and it waits for a slot
  'in_progress', // generating: will be billed, cannot be cancelled
  'downloading', // succeeded; the video is being fetched
  'done', // the video is on disk
  'failed', // the API or the download said no, with a reason
  'cancelled', // cancelled before it was paid for
  'expired', // the API no longer knows the request (404001), or the video URL expired
  'unknown_submit', // sent, but the answer was lost: maybe paid, never resent silently
  'rejected', // the input could not be used (bad image, bad template row); never sent
  'skipped', // the same image and request were already generated; never sent
] as const;
export type ItemState = (typeof ITEM_STATES)[number];

/** States no further work happens in without the user asking. */
export const TERMINAL_STATES: readonly ItemState[] = [
  'done',
  'failed',
  'cancelled',
  'expired',
  'unknown_submit',
  'rejected',
  'skipped',
];
/** States in which the API holds a request of ours (it may be billed). */
export const IN_FLIGHT_STATES: readonly ItemState[] = [
  'submitting',
  'in_queue',
  'in_progress',
  'downloading',
];

export const BATCH_STATES = ['draft', 'running', 'paused', 'finished', 'cancelled'] as const;
export type BatchState = (typeof BATCH_STATES)[number];

/** Why a whole batch stopped and what the user must do; `user` is a plain pause. */
export const PAUSE_REASONS = [
  'user',
  'bad_key', // 400004 / 401 / 403: ask for a key
  'no_balance', // 400002 / 402: top up
  'budget_reached', // spent + in flight would pass the cap
  'disk_full', // ENOSPC while downloading
  'too_many_failures', // consecutive failures passed the limit
  'lease_lost', // another process took the batch over
] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];

/** A RunComfy model_id; the models themselves are data (main/core/catalog/models/*.json). */
export type ModelId = string;
/** The model a new batch starts with: the first shipped catalog entry. */
import { DEFAULT_MODEL_ID } from './catalog/default-model';
export { DEFAULT_MODEL_ID };

/** A request field's value as JSON (set in the form, by --set or by a prompts.csv column). */
export type ModelInputValue =
  string | number | boolean | null | ModelInputValue[] | { [key: string]: ModelInputValue };

/** Everything the user chooses for one batch (one form in the app, one set of CLI flags). */
export interface BatchSettings {
  modelId: ModelId;
  /** e.g. "A slow dolly shot of {name}, cinematic" (see main/core/intake/template.ts). */
  promptTemplate: string;
  negativePrompt: string;
  /** Seconds, whole, 3..15. */
  duration: number;
  generateAudio: boolean;
  /** 0..1 */
  cfgScale: number;
  /** Absolute folder the videos are written to. */
  outputDir: string;
  /** e.g. "{name}.mp4"; relative sub-folders of the input are mirrored under outputDir. */
  outputNameTemplate: string;
  /** Generations in flight at once (default 3). */
  concurrency: number;
  /** USD cap for the batch; null = no cap. */
  budgetUsd: number | null;
  /** When set, images are sent as `${urlPrefix}/${relativePath}` instead of data URIs. */
  urlPrefix: string | null;
  /** Request fields beyond the roles above, by their name in the model's request. */
  modelInputs?: Record<string, ModelInputValue>;
}

export const DEFAULT_SETTINGS: Omit<BatchSettings, 'outputDir'> = {
  modelId: DEFAULT_MODEL_ID,
  promptTemplate: '{name}',
  negativePrompt: '',
  duration: 5,
  generateAudio: false,
  cfgScale: 0.5,
  outputNameTemplate: '{name}.mp4',
  concurrency: 3,
  budgetUsd: null,
  urlPrefix: null,
};

/** One image, checked and rendered by the intake, ready to become an item. */
export interface PlannedItem {
  /** Absolute path of the image as found. */
  sourcePath: string;
  /** The dropped folder (or the file's own folder) it was found under. */
  rootPath: string;
  /** Path relative to rootPath, with '/' separators; outputs mirror it. */
  relativePath: string;
  /** sha256 hex of the image bytes as found. */
  imageHash: string;
  renderedPrompt: string;
  /**
   * The request body exactly as it will be sent, except images: every image field holds
   * an `image-ref:<absolute path>` placeholder (see intake/requests.ts), turned into a data
   * URI only at submit time by `materializeRequest`, so the database never holds image bytes.
   * With a URL prefix set, the field already holds the final https URL.
   */
  request: Record<string, unknown>;
  /**
   * sha256 of the request with each image placeholder replaced by that image's content hash:
   * the same image with the same rendered request gives the same fingerprint ("already generated").
   */
  requestFingerprint: string;
  estimatedCostUsd: number;
  /** Where the video will be written, relative to outputDir ('/' separators). */
  outputRelativePath: string;
  /** Human notes, e.g. "resized from 8000x6000 to 3840x2880 to fit the 10 MB limit". */
  notes: string[];
  /** Set when the item must not be sent: a rejection or an "already generated". */
  verdict: { state: 'rejected' | 'skipped'; code: string; message: string } | null;
}

/** One row as the UI and the CLI show it. */
export interface ItemView {
  id: number;
  batchId: number;
  state: ItemState;
  sourcePath: string;
  relativePath: string;
  renderedPrompt: string;
  requestId: string | null;
  queuePosition: number | null;
  attempts: number;
  createdAt: number;
  /** When it entered its current state (ms since epoch). */
  stateChangedAt: number;
  submittedAt: number | null;
  finishedAt: number | null;
  estimatedCostUsd: number;
  /** Actual cost when the API reported it. */
  costUsd: number | null;
  outputPath: string | null;
  outputBytes: number | null;
  errorCode: string | null;
  errorMessage: string | null;
  notes: string[];
}

export type StateCounts = Record<ItemState, number>;

export interface BatchView {
  id: number;
  name: string;
  state: BatchState;
  pauseReason: PauseReason | null;
  /** Plain words for the pause: what happened and what to do. */
  pauseMessage: string | null;
  /** Made in simulated (demo) mode; never sent to the real, paid API. */
  simulated: boolean;
  settings: BatchSettings;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  counts: StateCounts;
  total: number;
  /** Sum of actual (or, where unknown, estimated) cost of items the API has billed. */
  spentUsd: number;
  /** Estimated cost of everything not yet billed that will be sent. */
  remainingEstimateUsd: number;
  /** Estimated ms until the batch ends, or null when unknown. */
  etaMs: number | null;
}

export interface ItemPageQuery {
  batchId: number;
  states?: ItemState[];
  /** Case-insensitive substring of the relative path. */
  search?: string;
  offset: number;
  limit: number;
}

export interface ItemPage {
  items: ItemView[];
  /** Total rows matching the query (for the scrollbar). */
  total: number;
}

/** Slim, coalesced notifications; details are fetched by query. */
export type EngineEvent =
  | { type: 'items'; batchId: number; changes: { id: number; state: ItemState }[] }
  | { type: 'batch'; batchId: number; state: BatchState; pauseReason: PauseReason | null }
  | { type: 'batch-finished'; batchId: number; counts: StateCounts; spentUsd: number };
