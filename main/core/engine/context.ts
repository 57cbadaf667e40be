// What every phase of the engine shares: the store, the clock, the options resolved to their
// defaults, the API client of the current credentials, and the runtime state of each batch this
// engine holds. Phases read it and keep their own bookkeeping in it; only the coordinator's
// settle path moves items between states (see coordinator.ts).
import type { HttpGet } from '../util/http-get';
import type { RunComfyClient } from '../api/client';
import type { ItemRecord } from '../db/rows';
import type { AccountSpendStore } from '../db/account-spend';
import type { AccountQueueStore } from '../db/account-queue';
import type { JobStore } from '../db/store';
import type { Clock, Random } from '../util/clock';
import type { FileOps } from './download-files';
import type { EventHub } from './events';
import type { MaterializeRequest } from './materialize';
import type { Catalog } from '../catalog/catalog';
import type { PollPolicy } from './poll-policy';
import type { RequestJournal } from './request-journal';

/** What this engine keeps in memory about a batch it drives (lease held). */
export interface BatchRuntime {
  id: number;
  /** Items picked for submission whose intent is not stored yet (image being read): id -> estimated USD. */
  preparing: Map<number, number>;
  /** Clock time before which no submit goes out (after one provably not sent). */
  submitBackoffUntil: number;
  /** Submits in a row that provably never reached the API (drives the back-off). */
  submitRetries: number;
  /** Items in a row that did not succeed (pauses the batch at the limit). */
  consecutiveFailures: number;
  /** A pump is scheduled for the end of a submit back-off. */
  pumpScheduled: boolean;
  /**
   * Clock time until which this engine's lease on the batch is known to last (taken or renewed
   * then): past it, nothing is written to the batch's files until the lease is renewed.
   */
  leaseUntil: number;
  /** The batch may show a condition of the queue (its hours, a lowered limit) to clear when over. */
  queueConditionShown: boolean;
}

export interface Credentials {
  apiBaseUrl: string;
  apiKey: string | null;
  /** The API is the simulator (demo mode). */
  simulated: boolean;
  /** How much faster than RunComfy the API runs (only a simulator differs from 1). */
  timeScale: number;
}

export interface EngineLimits {
  leaseMs: number;
  downloadConcurrency: number;
  pollConcurrency: number;
  maxConsecutiveFailures: number;
  /** Tries of a download whose content came wrong or whose file hit a transient error. */
  maxDownloadAttempts: number;
  downloadTimeoutMs: number;
  /** Real ms a video server may take to answer, and a download may go silent. */
  downloadHeadersTimeoutMs: number;
  downloadIdleTimeoutMs: number;
  /**
   * Clock ms a video link is expected to live after its job ended: network trouble and 403/404/
   * 410 answers are retried this long (a link is called expired only past it, or on 404001).
   */
  outputLinkLifetimeMs: number;
  /** Clock ms a link may answer 403/404/410 in a row (a CDN edge catching up) before it is expired. */
  linkRefusalGraceMs: number;
  /** Clock ms between two looks at an output folder that is not available. */
  outputRecheckMs: number;
  /** Longest clock wait between two tries of a download. */
  downloadBackoffCapMs: number;
  /** Clock ms between two backstop pumps of every held batch. */
  backstopMs: number;
  /** Clock ms between two looks for a free account slot another process may have freed. */
  accountRecheckMs: number;
  /** Clock ms the account's limit stays lowered after RunComfy answered a submit with 429. */
  rateLimitedMs: number;
}

export interface EngineContext {
  readonly owner: string;
  readonly store: JobStore;
  /** The account's daily cap and what every batch committed today (shared by app and CLI). */
  readonly account: AccountSpendStore;
  /** Clock ms of the start of the user's day holding `now` (local midnight by default). */
  dayStart(now: number): number;
  /** The account's queue: its limit on generations in flight, schedules, watched files. */
  readonly queue: AccountQueueStore;
  /** The IANA time zone schedules are read in (the machine's by default). */
  readonly timeZone: string;
  readonly clock: Clock;
  readonly random: Random;
  /** The GET that downloads videos: undici through the environment's proxy, or the injected fetch. */
  readonly downloadGet: HttpGet;
  readonly materialize: MaterializeRequest;
  /** What the engine asks of models: polling priors, duration fields, prices. */
  readonly catalog: Pick<Catalog, 'find'>;
  readonly policy: PollPolicy;
  readonly fileOps: FileOps;
  readonly hub: EventHub;
  /** Accepted requests, durably, before the database stores them (request-journal.ts). */
  readonly journal: RequestJournal;
  readonly limits: EngineLimits;
  readonly log: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Batches this engine drives, by id. */
  readonly held: Map<number, BatchRuntime>;
  /** Aborted when the engine closes: every loop and sleep ends. */
  readonly closeSignal: AbortSignal;
  /** Aborted on wake() (and close()): sleeping pollers re-read their item. */
  wakeSignal(): AbortSignal;
  credentials(): Credentials;
  /** The client of the current settings: new submits go through it. */
  client(): RunComfyClient;
  /**
   * The client for requests about an item's job: the endpoint (mode, base URL) it was submitted
   * to, with the key last set for it; null when no key is known for that endpoint (endpoints.ts).
   */
  clientFor(item: ItemRecord): RunComfyClient | null;
  /** The origin of the API an item's job was submitted to (its videos may come from there). */
  originFor(item: ItemRecord): string;
  /** False for an answer to a request sent without a key or with a key replaced since. */
  speaksForCurrentKey(client: RunComfyClient): boolean;
  /** The fingerprint of the key a client sends (null: none); recorded with each submit. */
  keyFingerprintOf(client: RunComfyClient): string | null;
  /** Whether `client` sends the key the item's job was sent with (unknown: yes). */
  sendsItsKey(client: RunComfyClient, item: ItemRecord): boolean;
}

export function newBatchRuntime(id: number): BatchRuntime {
  return {
    id,
    preparing: new Map(),
    submitBackoffUntil: 0,
    submitRetries: 0,
    consecutiveFailures: 0,
    pumpScheduled: false,
    leaseUntil: 0,
    // A condition an earlier run left (the window has opened since) is cleared at the first pump.
    queueConditionShown: true,
  };
}
