// The public face of the RunComfy simulator: what tests, benchmarks, the CLI and the app's
// demo mode configure, and the ledger they audit the client against.
import type { Clock } from '../util/clock';
import type { SimulatedModel } from './simulated-models';

export interface FaultRates {
  /** Probability (0..1) per matching request. */
  http5xx?: number;
  /** 429 with Retry-After; `retryAfter` chooses seconds or an HTTP date. */
  http429?: number;
  retryAfter?: 'seconds' | 'http-date';
  /** Connection destroyed before the body is read: a submit creates no job. */
  resetBeforeBody?: number;
  /** Connection destroyed after the request was processed: a submit DID create a job. */
  resetAfterBody?: number;
  /** Response never sent (until close): a submit DID create a job. */
  hang?: number;
  /** Output download stops after part of its Content-Length. */
  truncatedDownload?: number;
  /** Output download is throttled to slowDownloadBytesPerSec. */
  slowDownload?: number;
  slowDownloadBytesPerSec?: number;
  /** Generation ends `failed` with an error. */
  generationFailure?: number;
}

/**
 * Faults of the environment around the API (environment.ts): each on its own, seeded apart
 * from the API faults so turning one on does not change their sequence.
 */
export interface EnvironmentFaults {
  /**
   * CDN lag: a video URL answers a bare 404 (text/plain, no error_code, like an expired link)
   * for this long (simulator ms) after its job ended, then serves the video.
   */
  cdnLagMs?: number;
  /**
   * Output downloads fail for `durationMs` (simulator ms): the connection is reset before any
   * answer (`reset`, the default) or a bare 503 comes back. It starts `startMs` after the
   * simulator started, or at a seeded moment within `withinMs` (default 10 minutes).
   */
  downloadOutage?: { durationMs: number; startMs?: number; withinMs?: number; kind?: 'reset' | '503' };
  /** Probability (0..1) per status/result request of a proxy's bare HTML 404 (no error_code). */
  proxyHtml404?: number;
  /** Probability (0..1) per job that its success has no video URL in `output` (billed anyway). */
  missingOutputUrl?: number;
  /**
   * Download connections that go silent: with probability `rate` per download the headers (and,
   * for half of them, part of the body) arrive, then nothing more while the socket stays open,
   * as behind a stuck proxy or a peer gone from a NAT table. The server cuts the socket after
   * `cutAfterMs` (simulator ms; default: only when the client or the server closes it).
   */
  silentDownload?: { rate: number; cutAfterMs?: number };
}

/** Which endpoints a fault applies to. */
export type FaultTarget = 'submit' | 'status' | 'result' | 'cancel' | 'model' | 'download';

export interface SimulatorVariants {
  /** `output.video` (string) or `output.videos` (array). Default 'video'. */
  outputShape?: 'video' | 'videos';
  /** A failed generation shows on /status as `completed` (default) or as `failed`. */
  failureOnStatus?: 'completed' | 'failed';
  /** Errors answered as HTTP 200 with an `error_code` body (some gateways do this). */
  errorsAsHttp200?: boolean;
  /** Cancel outcome override, e.g. 'unknown' to exercise "not confirmed". */
  cancelOutcome?: string;
  /** `error` on a failed result as a string (default) or an object. */
  errorShape?: 'string' | 'object';
  /** A succeeded generation shows on /status as `completed` (default) or as `succeeded`. */
  successOnStatus?: 'completed' | 'succeeded';
}

export interface SimulatorOptions {
  host?: string; // default 127.0.0.1
  /** Models served besides the built-in table (simulated-models.ts), e.g. a test's newly added model. */
  extraModels?: SimulatedModel[];
  /**
   * Which prices the catalog gives: every model's (default), or only those RunComfy publishes
   * (`published`: a model priced `simulated` is listed without base_price_usd), to test a model
   * whose price stays unknown with the live catalog on.
   */
  catalogPrices?: 'all' | 'published';
  port?: number; // default 0 (any free port)
  /** Accepted keys and their credit in USD. Default: { [DEMO_API_KEY]: 1000 }. */
  apiKeys?: Record<string, number>;
  /** Jobs of one account running at once; the rest wait in the queue. Default 5. */
  concurrencyCap?: number;
  /**
   * Jobs of one account queued or running at once beyond which a submit is refused with 429
   * and Retry-After (no job created), as Kling does when too many run. Default: no limit.
   */
  maxActivePerAccount?: number;
  /**
   * Simulated generation time in ms for one job, in the simulator's clock. Default: about
   * 90 s for 5 s of standard video, scaled up by duration and for pro (runcomfy-api.md).
   */
  generationMs?: (job: { modelId: string; duration: number }) => number;
  /** Multiplies every simulated duration: 0.001 turns two minutes into 120 ms. Default 1. */
  timeScale?: number;
  clock?: Clock;
  seed?: number;
  faults?: FaultRates;
  /** Endpoints the faults apply to; default all. */
  faultTargets?: FaultTarget[];
  variants?: SimulatorVariants;
  environment?: EnvironmentFaults;
  /** Output URLs answer 404 this long (simulator clock) after the job finished; default never. */
  outputTtlMs?: number;
  /** Requests unknown to /status after this long; default never. */
  requestTtlMs?: number;
  /** Size of each served mp4 in bytes (padded with a `free` box); default the small fixture. */
  outputBytes?: number;
  /**
   * Each video shows the start image it was sent moving (a Ken Burns clip, motion.ts) instead
   * of the test pattern, as the app's simulated mode and `run --simulate` want; default off
   * (tests and benchmarks keep the tiny pattern). A start image sent by URL gets the pattern.
   */
  motionVideos?: boolean;
  /** Largest accepted body; default 64 MiB. */
  maxBodyBytes?: number;
  /**
   * Apply Kling's own image limits (runcomfy-api.md): a start image sent as a data URI that is
   * over 10 MB, under 300 px on the short side or beyond 1:2.5 fails its generation when picked
   * up, unbilled, with the reason as `error`. Default off, so tests can send tiny images.
   */
  upstreamImageLimits?: boolean;
}

export interface SubmitRecord {
  at: number;
  modelId: string;
  /** sha256 of the raw body. */
  payloadHash: string;
  /** sha256 of the decoded start image bytes (or of the URL string for https URLs). */
  imageHash: string | null;
  /**
   * sha256 of the decoded bytes of every base64 data URI anywhere in the body (any field, any
   * depth, valid request or not): every image the client sent, for tests that check nothing
   * outside a dropped folder ever left the machine.
   */
  imagesReceived: string[];
  prompt: string | null;
  duration: number | null;
  generateAudio: boolean | null;
  httpStatus: number | null;
  /** A job was created (and will be billed if it runs), whatever the client saw. */
  created: boolean;
  requestId: string | null;
  fault: string | null;
}

export interface Ledger {
  submits: SubmitRecord[];
  polls: {
    at: number;
    requestId: string;
    endpoint: 'status' | 'result';
    httpStatus: number | null;
    fault: string | null;
  }[];
  cancels: { at: number; requestId: string; outcome: string | null; httpStatus: number | null }[];
  /** One entry per job that started running (billed), with the price charged. */
  charges: { at: number; requestId: string; usd: number }[];
  downloads: {
    at: number;
    requestId: string;
    bytesSent: number;
    httpStatus: number;
    range: string | null;
    fault: string | null;
    /** A silent download (`silentDownload`): how long its socket was held and who closed it. */
    silence?: { heldMs: number | null; closedBy: 'client' | 'server' | null };
  }[];
  /**
   * What the environment faults did: the download outage's window (simulator clock) and the
   * jobs whose success carried no video URL. Absent in ledgers made before they existed.
   */
  environment?: {
    outage: { from: number; to: number; kind: 'reset' | '503' } | null;
    jobsWithoutOutputUrl: Set<string>;
  };
  /** Jobs by request id, with timings in the simulator's clock. */
  jobs: Map<
    string,
    {
      requestId: string;
      modelId: string;
      imageHash: string | null;
      createdAt: number;
      startedAt: number | null;
      finishedAt: number | null;
      status: string;
      outputSha256: string | null;
    }
  >;
}

export interface SimulatorHandle {
  /** Base URL, e.g. http://127.0.0.1:43123 (no trailing slash). */
  url: string;
  ledger: Ledger;
  /** Change faults on a running simulator (e.g. to stop them for a recovery phase). */
  setFaults(faults: FaultRates, targets?: FaultTarget[]): void;
  /** Change the environment faults; a download outage is planned again from the simulator's start. */
  setEnvironment(faults: EnvironmentFaults): void;
  /**
   * Set a key's total credit in USD (adding the key if new), e.g. to top up after a 402 and
   * check that a paused client resumes. Charges already made still count against it.
   */
  setKeyCredit(key: string, usd: number): void;
  /** The key answers 401/400004 from now on; its jobs keep running (and are billed). */
  revokeKey(key: string): void;
  /** Stop accepting, destroy open sockets, resolve when closed. */
  close(): Promise<void>;
}

export const DEMO_API_KEY = 'sim-demo-key';
