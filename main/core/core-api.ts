// The Electron-free services the app, the CLI, the tests and the benchmarks are built from.
// The engine (main/core/engine) implements EngineApi (its commands CommandsApi, its queue
// QueueApi); the intake (main/core/intake) implements IntakeApi. The IPC handler map
// (main/core/app) is built from both. Only the services live here: the words they speak (batch,
// item, settings...) are imported from main/core/domain itself, the one door to them.
import type { Reason, ReasonLanguage } from '@common/reasons';
import type {
  AccountLimit,
  ActivitySummary,
  BatchSchedule,
  BatchSettings,
  BatchState,
  BatchView,
  DailySpend,
  DefaultSchedule,
  QueueMove,
  EngineEvent,
  ItemPage,
  ItemPageQuery,
  ExistingItem,
  ItemReview,
  ItemView,
  PlannedItem,
} from './domain';

export interface CancelBatchResult {
  cancelledLocally: number;
  cancelRequested: number;
  /** Already generating: cannot be stopped, will be billed and downloaded. */
  running: number;
}
export type CancelItemOutcome = 'cancelled' | 'cancel_requested' | 'running_cannot_stop' | 'already_finished';

/** How a new batch takes part in the account's queue. */
export interface BatchQueueOptions {
  /** When it may send; absent: `hours`, else the account's default schedule; null: any time. */
  schedule?: BatchSchedule | null;
  /** Its hours as times of day (the window's form), resolved when the batch is made; null: any time. */
  hours?: DefaultSchedule | null;
  /** Keep taking in new images from these folders (absolute paths) until told to stop. */
  watchFolders?: string[];
}

/** A batch in the account's queue and what it waits for. */
export interface QueueEntry {
  batchId: number;
  name: string;
  state: BatchState;
  /** 1 for the first in the queue. */
  position: number;
  queued: number;
  /** Generations in flight (sent, queued or running at RunComfy). */
  inFlight: number;
  /**
   * What holds it back now: `slot` (the account's limit is taken by batches before it or by
   * other processes), `hours` (its start time or night window), `paused`, `draft` (not started),
   * `nothing` (it sends, or has nothing left to send).
   */
  waitingFor: 'slot' | 'hours' | 'paused' | 'draft' | 'nothing';
  /** With `hours`: when it may send again (clock ms; null: unknown). */
  opensAt: number | null;
  watching: boolean;
  schedule: BatchSchedule | null;
  simulated: boolean;
}

/** The account's one queue: the order of batches, the limit they share, their hours, watch folders. */
export interface QueueApi {
  /** The batches that have not ended, in queue order. */
  list(): QueueEntry[];
  /** Moves a batch in the queue (its items keep their own order). */
  move(batchId: number, move: QueueMove): void;
  /** Sends this queued item next within its batch. */
  moveItemToFront(itemId: number): void;
  /** The account-wide limit on generations in flight, as it applies now. */
  limit(): AccountLimit;
  /** Sets (null: removes) the account-wide limit; stored in the database for every process. */
  setLimit(limit: number | null): void;
  defaultSchedule(): DefaultSchedule | null;
  setDefaultSchedule(schedule: DefaultSchedule | null): void;
  /** A batch's own hours (null: any time); a batch waiting for them continues when they allow. */
  setSchedule(batchId: number, schedule: BatchSchedule | null): void;
  /** Appends planned items to a batch (a watching batch's new images); returns their ids. */
  addItems(batchId: number, items: PlannedItem[]): number[];
  /** Stops taking in new images: the batch ends once what it took in is done. */
  stopWatching(batchId: number): void;
  /** The size and modification time at which a watching batch last looked at a file (null: never). */
  watchedFile(batchId: number, path: string): { size: number; mtimeMs: number } | null;
  /** What happened since `since` (clock ms), across batches or in one: the morning report. */
  summarySince(since: number, batchId?: number): ActivitySummary;
  /** When the user last looked at the morning report (clock ms; null: never). */
  lastLooked(): number | null;
  /** The user has seen what happened up to `at`: the next report starts there. */
  markLooked(at: number): void;
  /** The batch's first item made from this image content, whatever its name (a watch takes each content once). */
  itemWithImage(batchId: number, imageHash: string): { id: number; relativePath: string } | null;
  /** Remembers a file a watching batch looked at (taken, or judged), so it is not taken again. */
  recordWatchedFile(batchId: number, path: string, file: { size: number; mtimeMs: number }): void;
}

/**
 * What a person asks of a batch or an item (start, pause, resume, cancel, retry, resubmit,
 * review, the budget, the output folder, the daily cap): the engine's commands (engine/commands.ts),
 * each checking the request fits and saying why not.
 */
export interface CommandsApi {
  /** draft|paused -> running. Idempotent on a running batch. */
  startBatch(batchId: number): void;
  /** Stops submitting; in-flight work continues to its end. */
  pauseBatch(batchId: number): void;
  resumeBatch(batchId: number): void;
  cancelBatch(batchId: number): Promise<CancelBatchResult>;
  cancelItem(itemId: number): Promise<CancelItemOutcome>;
  /** failed | expired | cancelled -> queued (a new paid attempt the user asked for). */
  retryItem(itemId: number): void;
  /** unknown_submit -> queued: the user accepts it may be paid twice. */
  resubmitItem(itemId: number): void;
  /** done items only: the user's verdict on the video (null clears it). Sends nothing. */
  reviewItem(itemId: number, review: ItemReview | null): void;
  /** Raises, lowers or removes (null) a batch's USD cap; does not resume a budget_reached pause. */
  setBudget(batchId: number, budgetUsd: number | null): void;
  /**
   * Saves the batch's next videos in another (existing) folder; those saved stay where they are.
   * Downloads waiting for the old folder try the new one at once.
   */
  setOutputDir(batchId: number, outputDir: string): void;
  /**
   * Sets (null: removes) the account-wide cap: at most this many USD committed per local day
   * across every batch, checked before each submit like a batch's cap. Stored in the database
   * (the app and the CLI share it). Batches paused by it continue when they fit again.
   */
  setDailyCap(capUsd: number | null): void;
}

export interface EngineApi {
  /** Stores a new batch (state `draft`) with its items; rejected/skipped items keep their verdict. */
  createBatch(
    settings: BatchSettings,
    items: PlannedItem[],
    name?: string,
    queue?: BatchQueueOptions,
  ): number;
  /** The account's queue: order, limit, hours, watching. */
  readonly queue: QueueApi;
  /** What a person asks of a batch or an item: reached in one step (`engine.commands.startBatch`). */
  readonly commands: CommandsApi;
  /** The batch's kept videos (done, review 'kept'), in queue order. */
  keptItems(batchId: number): ItemView[];
  /** The daily cap and what was committed today across all batches (including in-flight submits). */
  dailySpend(): DailySpend;
  getBatch(batchId: number): BatchView | null;
  /** Whether the batch exists, without building its view (counts, money). */
  hasBatch(batchId: number): boolean;
  listBatches(): BatchView[];
  getItem(itemId: number): ItemView | null;
  pageItems(query: ItemPageQuery): ItemPage;
  /** CSV: file, prompt, state, reason, request id, cost, output path. */
  /** The batch's report as CSV; reasons in English unless a language is given. */
  reportCsv(batchId: number, language?: ReasonLanguage): string;
  /**
   * A `done` item with this image and the same request (for "already generated"), else one
   * still queued or in flight in any batch (so a folder dropped twice is not paid twice); in
   * real mode, never one of a simulated batch (its video is a test pattern).
   */
  findDone(imageHash: string, requestFingerprint: string): ExistingItem | null;
  on(listener: (event: EngineEvent) => void): () => void;
  /** Re-poll every in-flight item now (after a system resume or a clock jump). */
  wake(): void;
  /**
   * `simulated`: the API is the built-in simulator (demo mode); batches remember their mode.
   * `timeScale`: how much faster than RunComfy that simulator runs, so the first polls of a
   * demo aim at its generation times before any are learned.
   */
  setCredentials(credentials: {
    apiBaseUrl: string;
    apiKey: string | null;
    simulated?: boolean;
    timeScale?: number;
  }): void;
  /** True while any batch has work queued or in flight (keeps the machine awake). */
  hasPendingWork(): boolean;
  /** Stops polling and waits for in-flight steps to reach a resumable point. */
  close(): Promise<void>;
}

export interface ScanProgress {
  found: number;
  checked: number;
  finished: boolean;
}

export interface InputProblem {
  code: string;
  message: string;
  file: string | null;
  row: number | null;
  field: string | null;
}

/** The result of walking the dropped paths and checking every image, before any template. */
export interface ScanResult {
  roots: string[];
  images: ScannedImage[];
  /** Files the scan cannot use: why in English (the CLI) and as a code (the window's language). */
  rejected: { path: string; reason: string; why?: Reason }[];
  /** End frames paired with their start image by file name (intake/end-frames.ts). */
  endFramePairs?: { start: string; end: string }[];
  /** Reference element images by absolute path, checked like start images (intake/element-images.ts). */
  elementImages?: Record<string, ScannedEndImage>;
  /** Built-in variables plus prompts.csv columns. */
  variables: string[];
  problems: InputProblem[];
}

/** What the scan read of an image file: format, size, content hash, and whether it needs fitting. */
export interface ImageFacts {
  /** TIFF and GIF are converted to JPEG when sent (intake/limits.ts). */
  format: 'jpeg' | 'png' | 'bmp' | 'webp' | 'tiff' | 'gif';
  width: number;
  height: number;
  bytes: number;
  sha256: string;
  /** Set when the image must be resized/re-encoded to meet the limits (done at submit time). */
  fit: { why: Reason } | null;
}

/** Just the facts of an image (a checked file carries more: `ok`, its identity), as the scan keeps them. */
export function imageFacts(image: ImageFacts): ImageFacts {
  const { format, width, height, bytes, sha256, fit } = image;
  return { format, width, height, bytes, sha256, fit };
}

export interface ScannedImage extends ImageFacts {
  sourcePath: string;
  rootPath: string;
  relativePath: string;
  /** Text of a sidecar <image>.txt, if any. */
  caption: string | null;
  /** The shots of a multi-shot video from a sidecar <image>.shots.txt ("3s: ... | 2s: ...", or a shot a line). */
  shotsFile?: { file: string; text: string } | null;
  /** The prompts.csv row for this image, if any (column -> value), with its file and row number. */
  csvRow: { file: string; row: number; values: Record<string, string> } | null;
  /** The image named in the row's `end_image` column (Kling pro), checked like a start image. */
  endImage?: ScannedEndImage | null;
}

/** How a file name written in a dropped folder reaches outside it (intake/contained-path.ts). */
export type PathRefusal = 'absolute' | 'network' | 'device' | 'drive' | 'parent' | 'link';

export type ScannedEndImage =
  | ({
      ok: true;
      sourcePath: string;
      /** Set when it was paired by name (relative to the same dropped folder as its start). */
      relativePath?: string;
    } & ImageFacts)
  | {
      ok: false;
      sourcePath: string;
      reason: string;
      /** Set when it was refused for reaching outside the dropped folder (contained-path.ts). */
      refused?: PathRefusal;
    };

export interface BatchPlan {
  items: PlannedItem[];
  /** Template errors that concern every item (unknown variable, unclosed brace). */
  problems: InputProblem[];
  toSend: number;
  rejected: number;
  skipped: number;
  estimatedCostUsd: number;
  /** The model's price is not known: estimatedCostUsd leaves these videos out (or counts them at the ceiling). */
  priceUnknown: boolean;
  /** With the price unknown, the price per video the user accepts, at which each video is counted; else null. */
  perVideoCeilingUsd: number | null;
  estimatedDurationMs: number;
}

export interface PlanOptions {
  /** Plan again the videos already generated (new paid takes). */
  force?: boolean;
  /** The account's daily cap (null or absent: none): a model of unknown price needs a ceiling under it. */
  dailyCapUsd?: number | null;
}

export interface IntakeApi {
  scan(
    paths: string[],
    onProgress?: (progress: ScanProgress) => void,
    signal?: AbortSignal,
    /** Stem suffixes that mark an end frame, replacing the default ".end" and "_end" when given. */
    options?: { endSuffixes?: readonly string[] },
  ): Promise<ScanResult>;
  /** Renders templates and requests, checks them against the model, estimates cost. No network. */
  plan(scan: ScanResult, settings: BatchSettings, options?: PlanOptions): BatchPlan;
  /**
   * The scan with these reference elements' images checked (intake/element-images.ts); the plan
   * reads them from it. `recheck` reads files checked before again.
   */
  checkElementImages(
    scan: ScanResult,
    elements: BatchSettings['elements'],
    options?: { recheck?: boolean },
  ): Promise<ScanResult>;
}
