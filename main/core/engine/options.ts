// The engine's public types: how it is made (EngineOptions) and what it offers (Engine). Kept
// stable for the CLI, the app, the benchmarks and the tests written against them.
import type { Endpoint } from '../api/client';
import type { EngineApi } from '../core-api';
import type { Db } from '../db/connection';
import type { ItemEventRow } from '../db/store';
import type { ItemState, ItemView } from '../domain';
import type { Clock, Random } from '../util/clock';
import type { Network } from '../util/network';
import type { FileOps } from './download-files';
import type { LeaseInfo } from './leases';
import type { MaterializeRequest } from './materialize';
import type { Catalog } from '../catalog/catalog';
import type { PollPolicy } from './poll-policy';
import type { EngineLimits } from './context';

export const DEFAULT_API_BASE_URL = 'https://model-api.runcomfy.net';

/** The options' limits, each one given or its default. */
export function engineLimits(options: EngineOptions): EngineLimits {
  return {
    leaseMs: options.leaseMs ?? 60_000,
    downloadConcurrency: options.downloadConcurrency ?? 2,
    pollConcurrency: options.pollConcurrency ?? 4,
    maxConsecutiveFailures: options.maxConsecutiveFailures ?? 5,
    maxDownloadAttempts: options.maxDownloadAttempts ?? 8,
    downloadTimeoutMs: options.downloadTimeoutMs ?? 30 * 60_000,
    downloadHeadersTimeoutMs: options.downloadHeadersTimeoutMs ?? 30_000,
    downloadIdleTimeoutMs: options.downloadIdleTimeoutMs ?? 60_000,
    outputLinkLifetimeMs: options.outputLinkLifetimeMs ?? 60 * 60_000,
    linkRefusalGraceMs: options.linkRefusalGraceMs ?? 10 * 60_000,
    outputRecheckMs: options.outputRecheckMs ?? 30_000,
    downloadBackoffCapMs: options.downloadBackoffCapMs ?? 60_000,
    backstopMs: options.backstopMs ?? 30_000,
    accountRecheckMs: options.accountRecheckMs ?? 2_000,
    rateLimitedMs: options.rateLimitedMs ?? 10 * 60_000,
  };
}

export interface EngineOptions {
  /** SQLite file (created if missing). Either this or `db`. */
  dbPath?: string;
  /** An already opened database (the engine then does not close it). */
  db?: Db;
  /** With `dbPath`: real ms a write waits for another process's lock (default 5000; tests shorten it). */
  busyTimeoutMs?: number;
  /** Who drives batches through this engine, e.g. "app:host:1234" or "cli:host:99". */
  owner?: string;
  clock?: Clock;
  /**
   * Where the user's day begins for the daily cap (clock ms of the day holding `now`). Default:
   * local midnight in this machine's time zone. Tests pass a fixed one.
   */
  dayStart?: (now: number) => number;
  random?: Random;
  /** Used for every request when given (the app passes Electron's net.fetch; tests inject faults). */
  fetch?: typeof fetch;
  /**
   * Where requests go when no `fetch` is given (default: undici through the proxy the
   * environment names, see util/network.ts); the CLI's `--simulate` goes direct.
   */
  network?: Network;
  apiBaseUrl?: string;
  apiKey?: string | null;
  /** The API is the simulator (demo mode): new batches are marked simulated. */
  simulated?: boolean;
  materializeRequest?: MaterializeRequest;
  /**
   * The model catalog: polling priors, where each model keeps its duration, what to reserve
   * against a budget cap. Default: the shipped entries.
   */
  catalog?: Pick<Catalog, 'find'>;
  /** Downloads at once, across batches (default 2). */
  downloadConcurrency?: number;
  /** Status/result requests at once, across items (default 4). */
  pollConcurrency?: number;
  /** Items failing in a row before a batch pauses with 'too_many_failures' (default 5). */
  maxConsecutiveFailures?: number;
  /**
   * Tries of one download whose content came wrong (length, offset, not an mp4) or whose file
   * hit a transient error (EBUSY...) before it is marked failed (default 8). Network errors,
   * 429/5xx and 403/404/410 are not counted: they are retried for `outputLinkLifetimeMs`.
   */
  maxDownloadAttempts?: number;
  /**
   * Clock ms a video link is expected to live after its job ended (default 1 h: RunComfy does
   * not document it; the shortest known, a peer service's, is an hour). Until then network
   * errors, 429/5xx and 403/404/410 from the link are retried (a 404 also re-asks /result);
   * past it a link that keeps refusing is expired, while network errors and 429/5xx are still
   * retried (the lifetime is a guess; the link or /result says when the video is gone). 404001
   * from /result expires it at once.
   */
  outputLinkLifetimeMs?: number;
  /**
   * Clock ms a link may keep answering 403/404/410 (at least 3 times in a row) while /result
   * still hands it out, before it is expired even within its likely lifetime (default 10 min:
   * a CDN edge catches up within seconds; a firewall that blocks for longer blocks a new one too).
   */
  linkRefusalGraceMs?: number;
  /** Clock ms between two looks at an output folder that is not available (default 30 s). */
  outputRecheckMs?: number;
  /** Longest clock wait between two tries of a download (default 60 s). */
  downloadBackoffCapMs?: number;
  /** Lease length in clock ms (default 60 s); renewed every third of it. */
  leaseMs?: number;
  /** Clock ms between backstop pumps of every held batch (default 30 s). */
  backstopMs?: number;
  /**
   * Clock ms between two looks for a free account slot while the account-wide limit is reached
   * and another process may free one (default 2 s).
   */
  accountRecheckMs?: number;
  /** Clock ms the account's limit stays lowered after a 429 on submit (default 10 min). */
  rateLimitedMs?: number;
  /** The IANA time zone batch schedules are read in (default: the machine's). Tests name one. */
  timeZone?: string;
  /** Real ms to wait for a GET answer / a submit answer / a whole download. */
  requestTimeoutMs?: number;
  submitTimeoutMs?: number;
  downloadTimeoutMs?: number;
  /** Real ms a video server may take to answer a download (default 30 s). */
  downloadHeadersTimeoutMs?: number;
  /** Real ms a download may receive nothing before it is cut and tried again (default 60 s). */
  downloadIdleTimeoutMs?: number;
  pollPolicy?: PollPolicy;
  /** File-system calls of downloads; the ones given replace the real ones (tests inject faults). */
  fileOps?: Partial<FileOps>;
  /** Coalescing window of item events, real ms (default 50). */
  eventWindowMs?: number;
  /**
   * Take over (and recover) every batch with unfinished work at start and on every lease tick
   * (default true). The app passes false and calls `beginAdopting()` once its stored key is
   * applied, so nothing adopted is polled without it.
   */
  adoptBatches?: boolean;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/** EngineApi plus what the CLI, benchmarks and tests need. */
export interface Engine extends EngineApi {
  readonly owner: string;
  /** Who drives a batch right now (null: nobody; it can be started here). */
  leaseHolder(batchId: number): LeaseInfo | null;
  itemEvents(itemId: number): ItemEventRow[];
  /** HTTP requests sent to the API so far, by endpoint. */
  requestCounts(): Record<Endpoint, number>;
  /** From now on, take over every batch with unfinished work (see `adoptBatches`). */
  beginAdopting(): void;
  /** Resolves once the item is in one of `states` (test and CLI hook). */
  waitForItemState(
    itemId: number,
    states: ItemState | readonly ItemState[],
    timeoutMs?: number,
  ): Promise<ItemView>;
  /** Resolves once nothing is in flight and nothing more can start without a person. */
  idle(timeoutMs?: number): Promise<void>;
  /**
   * Throws when a batch this engine drives has queued items and free slots but nothing will
   * start them. Tests call it at quiet moments; a timer re-pumps every `backstopMs` anyway.
   */
  assertNoIdleBatchWithWork(): void;
}
