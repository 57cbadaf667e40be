// The domain's shared vocabulary: states (./states), settings, views and events. Every layer
// speaks it: the database stores it, the engine moves it, the contract (common/contract.ts)
// validates it across IPC, the CLI prints it. Kept dependency-free so any layer can import it.

import { formatReason, type Reason, type ReasonLanguage } from '@common/reasons';
import type { BatchConditionCode, BatchState, ItemReview, ItemState, PauseReason } from './states';
import { DEFAULT_MODEL_ID } from './default-model';
import type { BatchSchedule, BatchWatch } from './queue';

export * from './states';
export * from './errors';
export * from './queue';
export * from './schedule';

/** A RunComfy model_id; the models themselves are data (main/core/catalog/models/*.json). */
export type ModelId = string;
/** The model a new batch starts with (read from its catalog entry file, ./default-model). */
export { DEFAULT_MODEL_ID };

/** A request field's value as JSON (set in the form, by --set or by a prompts.csv column). */
export type ModelInputValue =
  string | number | boolean | null | ModelInputValue[] | { [key: string]: ModelInputValue };

/** One shot of a multi-shot video: its prompt template and its length in seconds. */
export interface Shot {
  prompt: string;
  duration: number;
}

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
  /**
   * For a model whose price is unknown: the most the user accepts to pay per video, which each
   * video then counts for against the budget and the daily cap (without it, no cap can be
   * kept and such a video is not sent under one). Ignored when the price is known. Absent: none.
   */
  perVideoCeilingUsd?: number | null;
  /** When set, images are sent as `${urlPrefix}/${relativePath}` instead of data URIs. */
  urlPrefix: string | null;
  /** Request fields beyond the roles above, by their name in the model's request. */
  modelInputs?: Record<string, ModelInputValue>;
  /** Videos per image, 1..10 (absent: 1); each take is its own item (see intake/takes.ts). */
  takes?: number;
  /** Each video ends on its start image (models with an end-frame field); absent: off. */
  loop?: boolean;
  /** A multi-shot video: shots whose durations add up to `duration` (see intake/shots.ts). */
  shots?: Shot[];
  /**
   * Write `<video name>.json` beside each video: model, prompt, request (images as hash and
   * path), request id, cost, times, app version (engine/sidecar.ts). Absent: on.
   */
  sidecars?: boolean;
  /**
   * What to do with an image outside the model's shape or size limits (intake/fit.ts): crop it
   * at the centre, pad it with a blurred fill, or refuse it. Absent: crop.
   */
  fit?: 'crop' | 'pad' | 'refuse';
  /**
   * Reference elements, `@Element1`... in the prompt (models whose catalog entry has the elements
   * role; see intake/elements.ts): each a frontal image and reference images, absolute paths.
   */
  elements?: ElementImages[];
}

/** One reference element: a frontal image of the subject and more pictures of it. */
export interface ElementImages {
  frontal: string;
  references: string[];
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
/** A note on a planned item: words (English), or a reason rendered in the reader's language. */
export type PlanNote = string | Reason;

/** A note in English, as the database stores it and the CLI prints it. */
export const noteText = (note: PlanNote, language: ReasonLanguage = 'en'): string =>
  typeof note === 'string' ? note : formatReason(note, language);

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
  /**
   * Human notes, e.g. "resized from 8000x6000 to 3840x2880 to fit the 10 MB limit": in English,
   * or as a reason the window shows in its language (stored in English either way).
   */
  notes: PlanNote[];
  /**
   * Set when the item must not be sent: a rejection or an "already generated". `message` is in
   * English (the CLI's words); `reason`, where the planner has one, renders it in the window's
   * language.
   */
  verdict: { state: 'rejected' | 'skipped'; code: string; message: string; reason?: Reason } | null;
  /** Which take of its image this item is, when the batch asks for more than one. */
  take?: number;
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
  /** Where its video goes, relative to the output folder (the takes of one image differ here). */
  outputRelativePath?: string;
  outputBytes: number | null;
  errorCode: string | null;
  /** The English sentence (also the only text of rows from before reason codes). */
  errorMessage: string | null;
  /** Why it failed, as a code + parameters rendered in the reader's language (null: see errorMessage). */
  reason: Reason | null;
  /** What the plan noted (resized, an end frame left out...): English text, or a reason. */
  notes: PlanNote[];
  /** The user's verdict on the video (null: not reviewed). */
  review: ItemReview | null;
}

export type StateCounts = Record<ItemState, number>;

/**
 * Something outside the batch holding its downloads back while it stays running (no one has to
 * act; the engine re-checks and clears it). Codes: BATCH_CONDITION_CODES (./states).
 */
export interface BatchCondition {
  code: BatchConditionCode;
  params: Record<string, string | number | null>;
  /** Clock ms since when it holds. */
  since: number;
  /** Plain words: what holds the batch back and that it continues by itself. */
  message: string;
}

/** The account-wide daily cap and what counts against it today (see core-api setDailyCap). */
export interface DailySpend {
  capUsd: number | null;
  /** Billed or possibly billed since `dayStartedAt`, across all real (paid) batches. */
  spentTodayUsd: number;
  /** The same for simulated batches: not money, never counted against the cap. */
  simulatedTodayUsd: number;
  /** Billed since `dayStartedAt` (real batches) by the definition of a batch's `spentUsd`: what the window shows as spent. */
  billedTodayUsd: number;
  /** Clock ms of the local midnight that began today. */
  dayStartedAt: number;
}

export interface BatchView {
  id: number;
  name: string;
  state: BatchState;
  pauseReason: PauseReason | null;
  /** Plain words for the pause: what happened and what to do. */
  pauseMessage: string | null;
  /** The pause as a code + parameters, rendered in the reader's language (null: see pauseMessage). */
  pauseDetail: Reason | null;
  /** What holds a running batch's downloads back (folder unplugged, network down); null if nothing. */
  condition?: BatchCondition | null;
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
  /** Estimated cost of the items whose submit answer was lost: may or may not be paid. */
  unconfirmedUsd: number;
  /** Estimated cost of everything not yet billed that will be sent. */
  remainingEstimateUsd: number;
  /** Estimated ms until the batch ends, or null when unknown (its hours taken into account). */
  etaMs: number | null;
  /** Its place in the account's queue: lower goes first. */
  queueOrder?: number;
  /** When it may send (start time, night window); null: any time. */
  schedule?: BatchSchedule | null;
  /** The folders it keeps taking new images from; null: not watching. */
  watch?: BatchWatch | null;
}

/** A review filter: a verdict, or the videos without one yet. */
export type ReviewFilter = ItemReview | 'unreviewed';

export interface ItemPageQuery {
  batchId: number;
  states?: ItemState[];
  /** Only items with one of these verdicts (the review grid's filters). */
  reviews?: ReviewFilter[];
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

/** An item that already stands for an image and request (see EngineApi.findDone). */
export interface ExistingItem {
  itemId: number;
  /** The saved video; for an item still on its way, where it will be saved. */
  outputPath: string;
  batchId?: number;
  /** `done`, or the unfinished state of an item still on its way (absent: done). */
  state?: ItemState;
}
