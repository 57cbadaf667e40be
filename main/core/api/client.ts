// The RunComfy Model API client: every call answers a value or a classified failure, never
// throws for HTTP or network trouble, and never puts the API key in a message: callers decide
// what a failure means for an item (the submit rules differ from the polling rules). How an
// answer or an error becomes a failure is failures.ts.
import type { z } from 'zod';
import type { Clock } from '../util/clock';
import { systemClock } from '../util/clock';
import { redact } from '../util/redact';
import { answerOfFetch, answerOfGet, type Answer } from '../util/http-get';
import { environmentNetwork, type Network } from '../util/network';
import { parseRetryAfter } from './retry';
import {
  cancelResponseSchema,
  describeApiError,
  errorBodySchema,
  extractVideoUrl,
  modelResponseSchema,
  normalizeStatus,
  REQUEST_ID_PATTERN,
  resultResponseSchema,
  statusResponseSchema,
  submitResponseSchema,
  type JobStatus,
} from './schemas';
import { garbageAnswer, httpFailure, networkFailure, type ApiFailure } from './failures';

export type { ApiFailure, FailureKind } from './failures';

export type ApiResult<T> = { ok: true; value: T } | { ok: false; failure: ApiFailure };

export interface StatusValue {
  status: JobStatus;
  queuePosition: number | null;
}

export interface ResultValue {
  status: JobStatus;
  videoUrl: string | null;
  /** The API's error as text (it may be a string or an object). */
  error: string | null;
  costUsd: number | null;
  /** finished_at - created_at on the server's clock: queue wait plus run time, when both are given. */
  serverElapsedMs: number | null;
}

function elapsed(from: number | null, to: number | null): number | null {
  return from === null || to === null || to < from ? null : to - from;
}

/** An API timestamp (ISO string, or epoch seconds or ms) in ms; null when unreadable. */
function timestampMs(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e12 ? value * 1000 : value;
  if (typeof value === 'string') {
    const parsed = Date.parse(value);
    return Number.isNaN(parsed) ? null : parsed;
  }
  return null;
}

export type CancelOutcome = 'cancelled' | 'not_cancellable' | 'not_confirmed';

export interface ModelValue {
  basePriceUsd: number;
  priceUnit: string | null;
  displayName: string | null;
}

export type Endpoint = 'submit' | 'status' | 'result' | 'cancel' | 'model';

export interface RunComfyClientOptions {
  baseUrl: string;
  apiKey: string | null;
  /** Used for every request when given (the app's net.fetch, tests). */
  fetch?: typeof fetch;
  /** Otherwise requests go here (default: through the environment's proxy, see network.ts). */
  network?: Network;
  clock?: Clock;
  /** Real milliseconds to wait for an answer to a GET (default 30 s). */
  timeoutMs?: number;
  /** Real milliseconds to wait for the answer to a submit, whose body may be large (default 120 s). */
  submitTimeoutMs?: number;
  /** Called once per HTTP request sent (for measuring requests per job). */
  onRequest?: (endpoint: Endpoint) => void;
  /** Points inside a submit where a crash test may kill the process (no-ops in production). */
  hooks?: { afterSubmitSent?: () => void; afterSubmitAnswer?: () => void };
}

/**
 * The error codes that prove a submit created nothing, so nothing was billed: an unknown model
 * or malformed body (400001), no balance (400002), a refused key (400004). Any other code in a
 * 2xx submit answer proves nothing (403001 and 404001 are about existing requests), so such an
 * answer is "maybe sent" like any answer we cannot read. See docs/runcomfy-api-errors.md.
 */
const SUBMIT_NOTHING_CREATED_CODES = new Set(['400001', '400002', '400004']);

export class RunComfyClient {
  readonly baseUrl: string;
  private readonly apiKey: string | null;
  private readonly fetchImpl: typeof fetch;
  private readonly network: Network;
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly submitTimeoutMs: number;

  constructor(private readonly options: RunComfyClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.network = options.network ?? environmentNetwork();
    this.fetchImpl = options.fetch ?? this.network.fetch;
    this.clock = options.clock ?? systemClock;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.submitTimeoutMs = options.submitTimeoutMs ?? 120_000;
  }

  /** The API base's origin: the one non-https origin videos may be downloaded from. */
  get origin(): string {
    return new URL(this.baseUrl).origin;
  }

  async submit(modelId: string, body: Record<string, unknown>): Promise<ApiResult<{ requestId: string }>> {
    const path = `/v1/models/${modelId.split('/').map(encodeURIComponent).join('/')}`;
    const answer = await this.call('submit', 'POST', path, JSON.stringify(body), this.submitTimeoutMs);
    if (!answer.ok) return answer;
    const parsed = submitResponseSchema.safeParse(answer.value);
    if (!parsed.success) return garbageAnswer(answer.httpStatus, 'submit', answer.value, this.redact);
    return { ok: true, value: { requestId: parsed.data.request_id } };
  }

  /** `signal` stops the request early (the engine closing): the answer is then a `network` failure. */
  async status(requestId: string, signal?: AbortSignal): Promise<ApiResult<StatusValue>> {
    const path = `/v1/requests/${this.id(requestId)}/status`;
    const answer = await this.askAboutJob('status', path, statusResponseSchema, signal);
    if (!answer.ok) return answer;
    const { status, data } = answer.value;
    return { ok: true, value: { status, queuePosition: data.queue_position ?? null } };
  }

  /** `signal` stops the request early, as for status(). */
  async result(requestId: string, signal?: AbortSignal): Promise<ApiResult<ResultValue>> {
    const path = `/v1/requests/${this.id(requestId)}/result?include_cost=true`;
    const answer = await this.askAboutJob('result', path, resultResponseSchema, signal);
    if (!answer.ok) return answer;
    const { status, data } = answer.value;
    return {
      ok: true,
      value: {
        status,
        videoUrl: status === 'completed' ? extractVideoUrl(data.output, this.origin) : null,
        error:
          data.error === undefined || data.error === null ? null : this.redact(describeApiError(data.error)),
        costUsd: typeof data.cost === 'number' && Number.isFinite(data.cost) ? data.cost : null,
        serverElapsedMs: elapsed(timestampMs(data.created_at), timestampMs(data.finished_at)),
      },
    };
  }

  async cancel(requestId: string): Promise<ApiResult<{ outcome: CancelOutcome }>> {
    const answer = await this.call('cancel', 'POST', `/v1/requests/${this.id(requestId)}/cancel`, '{}');
    if (!answer.ok) return answer;
    const parsed = cancelResponseSchema.safeParse(answer.value);
    const outcome = parsed.success ? parsed.data.outcome : null;
    return {
      ok: true,
      value: {
        outcome: outcome === 'cancelled' || outcome === 'not_cancellable' ? outcome : 'not_confirmed',
      },
    };
  }

  async model(modelId: string): Promise<ApiResult<ModelValue>> {
    const path = `/v1/models/${modelId.split('/').map(encodeURIComponent).join('/')}`;
    const answer = await this.call('model', 'GET', path);
    if (!answer.ok) return answer;
    const parsed = modelResponseSchema.safeParse(answer.value);
    if (!parsed.success) return garbageAnswer(answer.httpStatus, 'model', answer.value, this.redact);
    return {
      ok: true,
      value: {
        basePriceUsd: parsed.data.base_price_usd,
        priceUnit: parsed.data.price_unit ?? null,
        displayName: parsed.data.display_name ?? null,
      },
    };
  }

  /**
   * A GET of the catalog or the account (free, repeatable; counted as a `model` request): the
   * answer's JSON as it came, or the failure. Its shape is not documented, so the caller reads
   * it (catalog-answers.ts).
   */
  async read(path: string, signal?: AbortSignal): Promise<ApiResult<unknown>> {
    const answer = await this.call('model', 'GET', path, undefined, this.timeoutMs, signal);
    return answer.ok ? { ok: true, value: answer.value } : answer;
  }

  /** GETs a job's status or result: the answer read by `schema`, with a status the API documents. */
  private async askAboutJob<T extends { status: string }>(
    endpoint: 'status' | 'result',
    path: string,
    schema: z.ZodType<T>,
    signal?: AbortSignal,
  ): Promise<ApiResult<{ status: JobStatus; data: T }>> {
    const answer = await this.call(endpoint, 'GET', path, undefined, this.timeoutMs, signal);
    if (!answer.ok) return answer;
    const parsed = schema.safeParse(answer.value);
    const status = parsed.success ? normalizeStatus(parsed.data.status) : null;
    if (!parsed.success || !status)
      return garbageAnswer(answer.httpStatus, endpoint, answer.value, this.redact);
    return { ok: true, value: { status, data: parsed.data } };
  }

  /** Request ids go into URLs: refuse anything outside the documented alphabet. */
  private id(requestId: string): string {
    if (!REQUEST_ID_PATTERN.test(requestId))
      throw new Error(
        `Request id ${JSON.stringify(requestId)} is not of the form the API uses (A-Z a-z 0-9 _ -).`,
      );
    return requestId;
  }

  private async call(
    endpoint: Endpoint,
    method: 'GET' | 'POST',
    path: string,
    body?: string,
    timeoutMs = this.timeoutMs,
    signal?: AbortSignal,
  ): Promise<{ ok: true; value: unknown; httpStatus: number } | { ok: false; failure: ApiFailure }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const what = `${method} ${path.split('?')[0]}`;
    let response: Answer;
    this.options.onRequest?.(endpoint);
    try {
      // The caller's signal (close() stops a poll) and the request's own timeout, whichever first.
      const stop = signal
        ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)])
        : AbortSignal.timeout(timeoutMs);
      // A GET (status, result, the model page: free, repeatable) as a streaming GET unless a
      // fetch was given; a submit or cancel always through fetch, whose failures the money
      // rules know.
      response =
        method === 'GET' && !this.options.fetch
          ? answerOfGet(await this.network.get(this.baseUrl + path, { headers, signal: stop }))
          : answerOfFetch(await this.fetchImpl(this.baseUrl + path, { method, headers, body, signal: stop }));
    } catch (error) {
      return { ok: false, failure: networkFailure(error, what, timeoutMs, this.origin, this.redact, signal) };
    }
    if (endpoint === 'submit') this.options.hooks?.afterSubmitSent?.();
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      // Headers arrived, the body did not: the server got the request.
      const failure = networkFailure(error, what, timeoutMs, this.origin, this.redact, signal);
      return { ok: false, failure: { ...failure, neverSent: false } };
    }
    if (endpoint === 'submit') this.options.hooks?.afterSubmitAnswer?.();
    let json: unknown = undefined;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    const retryAfterMs = parseRetryAfter(response.header('retry-after'), this.clock.now());
    const errorBody = errorBodySchema.safeParse(json);
    if (response.ok && errorBody.success && endpoint === 'submit') {
      // A gateway may put an error_code in a 2xx. A valid request_id beside it means the job
      // exists (it may run and be billed): it must be tracked, not forgotten as refused.
      if (submitResponseSchema.safeParse(json).success)
        return { ok: true, value: json, httpStatus: response.status };
      const code = String(errorBody.data.error_code);
      if (!SUBMIT_NOTHING_CREATED_CODES.has(code)) {
        const failure = httpFailure(response.status, errorBody.data, retryAfterMs, what, text, this.redact);
        return {
          ok: false,
          failure: {
            ...failure,
            kind: 'garbage',
            message: `${failure.message} (error ${code} does not say whether a job was created, so it may have been)`,
          },
        };
      }
    }
    if (!response.ok || errorBody.success) {
      return {
        ok: false,
        failure: httpFailure(
          response.status,
          errorBody.success ? errorBody.data : null,
          retryAfterMs,
          what,
          text,
          this.redact,
        ),
      };
    }
    if (json === undefined) return garbageAnswer(response.status, endpoint, text, this.redact);
    return { ok: true, value: json, httpStatus: response.status };
  }

  /** Belt and braces: a server or proxy echoing the key must not carry it into our logs. */
  private readonly redact = (text: string): string => redact(text, [this.apiKey]);
}
