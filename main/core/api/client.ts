// The RunComfy Model API client. Every call answers a value or a classified failure, never
// throws for HTTP or network trouble, and never puts the API key in a message: callers decide
// what a failure means for an item (the submit rules differ from the polling rules).
import type { Clock } from '../util/clock';
import { systemClock } from '../util/clock';
import { answerOfFetch, answerOfGet, nodeGet, type Answer } from '../util/http-get';
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

export type FailureKind =
  | 'bad_key' // 400004 / 401 / 403: the whole queue must stop and ask for a key
  | 'no_balance' // 400002 / 402: the whole queue must stop, top up
  | 'rate_limited' // 429: the server refused it; try again after Retry-After
  | 'not_found' // 404001: unknown or expired request
  | 'forbidden' // 403001: the request belongs to another account
  | 'rejected' // any other 4xx (400001, 422 ...): the API said no to this request
  | 'server' // 5xx
  | 'network' // no HTTP answer at all
  | 'timeout' // no answer in time
  | 'garbage'; // an answer we cannot read (not JSON, wrong shape)

export interface ApiFailure {
  kind: FailureKind;
  httpStatus: number | null;
  /** The API's error_code, or the network error's code (ECONNREFUSED ...). */
  errorCode: string | null;
  /** What went wrong, in words; never contains the key. */
  message: string;
  retryAfterMs: number | null;
  /** True only when the request provably never reached the server (refused, DNS, 429). */
  neverSent: boolean;
}

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
  fetch?: typeof fetch;
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

/** Network error codes that prove the request never left this machine or never got a socket. */
const NEVER_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function networkCodes(error: unknown, depth = 0): string[] {
  if (!error || typeof error !== 'object' || depth > 5) return [];
  const codes: string[] = [];
  const record = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof record.code === 'string') codes.push(record.code);
  if (Array.isArray(record.errors))
    for (const inner of record.errors) codes.push(...networkCodes(inner, depth + 1));
  codes.push(...networkCodes(record.cause, depth + 1));
  return codes;
}

export class RunComfyClient {
  readonly baseUrl: string;
  private readonly apiKey: string | null;
  private readonly fetchImpl: typeof fetch;
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly submitTimeoutMs: number;

  constructor(private readonly options: RunComfyClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.fetchImpl = options.fetch ?? fetch;
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
    if (!parsed.success) return this.garbage(answer.httpStatus, 'submit', answer.value);
    return { ok: true, value: { requestId: parsed.data.request_id } };
  }

  async status(requestId: string): Promise<ApiResult<StatusValue>> {
    const answer = await this.call('status', 'GET', `/v1/requests/${this.id(requestId)}/status`);
    if (!answer.ok) return answer;
    const parsed = statusResponseSchema.safeParse(answer.value);
    const status = parsed.success ? normalizeStatus(parsed.data.status) : null;
    if (!parsed.success || !status) return this.garbage(answer.httpStatus, 'status', answer.value);
    return { ok: true, value: { status, queuePosition: parsed.data.queue_position ?? null } };
  }

  async result(requestId: string): Promise<ApiResult<ResultValue>> {
    const answer = await this.call(
      'result',
      'GET',
      `/v1/requests/${this.id(requestId)}/result?include_cost=true`,
    );
    if (!answer.ok) return answer;
    const parsed = resultResponseSchema.safeParse(answer.value);
    const status = parsed.success ? normalizeStatus(parsed.data.status) : null;
    if (!parsed.success || !status) return this.garbage(answer.httpStatus, 'result', answer.value);
    const data = parsed.data;
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
    if (!parsed.success) return this.garbage(answer.httpStatus, 'model', answer.value);
    return {
      ok: true,
      value: {
        basePriceUsd: parsed.data.base_price_usd,
        priceUnit: parsed.data.price_unit ?? null,
        displayName: parsed.data.display_name ?? null,
      },
    };
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
  ): Promise<{ ok: true; value: unknown; httpStatus: number } | { ok: false; failure: ApiFailure }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const what = `${method} ${path.split('?')[0]}`;
    let response: Answer;
    this.options.onRequest?.(endpoint);
    try {
      const signal = AbortSignal.timeout(timeoutMs);
      // A GET (status, result, the model page: free, repeatable) over node:http unless a fetch
      // was given; a submit or cancel always through fetch, whose failures the money rules know.
      response =
        method === 'GET' && !this.options.fetch
          ? answerOfGet(await nodeGet(this.baseUrl + path, { headers, signal }))
          : answerOfFetch(await this.fetchImpl(this.baseUrl + path, { method, headers, body, signal }));
    } catch (error) {
      return { ok: false, failure: this.networkFailure(error, what, timeoutMs) };
    }
    if (endpoint === 'submit') this.options.hooks?.afterSubmitSent?.();
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      // Headers arrived, the body did not: the server got the request.
      const failure = this.networkFailure(error, what, timeoutMs);
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
        const failure = this.httpFailure(response.status, errorBody.data, retryAfterMs, what, text);
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
        failure: this.httpFailure(
          response.status,
          errorBody.success ? errorBody.data : null,
          retryAfterMs,
          what,
          text,
        ),
      };
    }
    if (json === undefined) return this.garbage(response.status, endpoint, text);
    return { ok: true, value: json, httpStatus: response.status };
  }

  private httpFailure(
    status: number,
    body: {
      error_code: number | string;
      error_message?: unknown;
      message?: unknown;
      detail?: unknown;
    } | null,
    retryAfterMs: number | null,
    what: string,
    text: string,
  ): ApiFailure {
    const code = body ? String(body.error_code) : null;
    const detail = body
      ? describeApiError(body.error_message ?? body.message ?? body.detail ?? null) +
        (body.detail !== undefined && (body.error_message ?? body.message) !== undefined
          ? ` (${describeApiError(body.detail)})`
          : '')
      : text.slice(0, 200).trim() || 'no body';
    const message = this.redact(`${what} answered HTTP ${status}${code ? ` error ${code}` : ''}: ${detail}`);
    const failure = (kind: FailureKind, neverSent = false): ApiFailure => ({
      kind,
      httpStatus: status,
      errorCode: code,
      message,
      retryAfterMs,
      neverSent,
    });
    if (code === '400004' || status === 401 || (status === 403 && code !== '403001'))
      return failure('bad_key');
    if (code === '400002' || status === 402) return failure('no_balance');
    if (status === 429) return failure('rate_limited', true);
    // Only RunComfy's 404001 says a request is unknown or expired. A 404 without it is a proxy's
    // or gateway's page (wrong route, a hiccup): not an answer about the request, so transient.
    if (code === '404001') return failure('not_found');
    if (status === 404 && code === null)
      return {
        ...failure('garbage'),
        message: this.redact(
          `${what} answered HTTP 404 without RunComfy's error_code (a proxy or gateway page, not an answer about the request): ${detail}`,
        ),
      };
    if (code === '403001') return failure('forbidden');
    if (status >= 500) return failure('server');
    if (status >= 400 || code !== null) return failure('rejected');
    return failure('garbage');
  }

  private networkFailure(error: unknown, what: string, timeoutMs: number): ApiFailure {
    const name = (error as { name?: unknown })?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return {
        kind: 'timeout',
        httpStatus: null,
        errorCode: 'TIMEOUT',
        message: `${what}: no answer within ${Math.round(timeoutMs / 1000)} s`,
        retryAfterMs: null,
        neverSent: false,
      };
    }
    const codes = networkCodes(error);
    const neverSent = codes.length > 0 && codes.every((code) => NEVER_SENT_CODES.has(code));
    const code = codes[0] ?? null;
    return {
      kind: 'network',
      httpStatus: null,
      errorCode: code,
      message: this.redact(
        `${what} to ${this.origin} failed: ${code ?? (error as Error)?.message ?? String(error)}`,
      ),
      retryAfterMs: null,
      neverSent,
    };
  }

  private garbage(httpStatus: number, endpoint: string, value: unknown): { ok: false; failure: ApiFailure } {
    let shown: string;
    try {
      shown = typeof value === 'string' ? value : JSON.stringify(value);
    } catch {
      shown = String(value);
    }
    return {
      ok: false,
      failure: {
        kind: 'garbage',
        httpStatus,
        errorCode: null,
        message: this.redact(
          `The ${endpoint} answer (HTTP ${httpStatus}) was not what the API documents: ${(shown ?? 'empty').slice(0, 200)}`,
        ),
        retryAfterMs: null,
        neverSent: false,
      },
    };
  }

  /** Belt and braces: a server or proxy echoing the key must not carry it into our logs. */
  private redact(text: string): string {
    return this.apiKey ? text.split(this.apiKey).join('***') : text;
  }
}
