// What a failed request means: the failure kinds the client answers with, and how an HTTP
// answer, a network error or an unreadable body becomes one (never with the API key in its
// message). The callers decide what a kind means for an item (submit.ts, track.ts).
import { describeApiError } from './schemas';

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

/** The failure an HTTP error answer (or a 2xx carrying an error_code) stands for. */
export function httpFailure(
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
  redact: (text: string) => string,
): ApiFailure {
  const code = body ? String(body.error_code) : null;
  const detail = body
    ? describeApiError(body.error_message ?? body.message ?? body.detail ?? null) +
      (body.detail !== undefined && (body.error_message ?? body.message) !== undefined
        ? ` (${describeApiError(body.detail)})`
        : '')
    : text.slice(0, 200).trim() || 'no body';
  const message = redact(`${what} answered HTTP ${status}${code ? ` error ${code}` : ''}: ${detail}`);
  const failure = (kind: FailureKind, neverSent = false): ApiFailure => ({
    kind,
    httpStatus: status,
    errorCode: code,
    message,
    retryAfterMs,
    neverSent,
  });
  if (code === '400004' || status === 401 || (status === 403 && code !== '403001')) return failure('bad_key');
  if (code === '400002' || status === 402) return failure('no_balance');
  if (status === 429) return failure('rate_limited', true);
  // Only RunComfy's 404001 says a request is unknown or expired. A 404 without it is a proxy's
  // or gateway's page (wrong route, a hiccup): not an answer about the request, so transient.
  if (code === '404001') return failure('not_found');
  if (status === 404 && code === null)
    return {
      ...failure('garbage'),
      message: redact(
        `${what} answered HTTP 404 without RunComfy's error_code (a proxy or gateway page, not an answer about the request): ${detail}`,
      ),
    };
  if (code === '403001') return failure('forbidden');
  if (status >= 500) return failure('server');
  if (status >= 400 || code !== null) return failure('rejected');
  return failure('garbage');
}

/**
 * A proxy that answered the tunnel request (CONNECT) with anything but 200, in undici's words
 * (the CLI) or Chromium's (the app's net.fetch): the request itself never left for the API.
 */
function proxyRefusal(error: unknown, depth = 0): { status: string | null } | null {
  if (!error || typeof error !== 'object' || depth > 5) return null;
  const message = String((error as { message?: unknown }).message ?? '');
  const undici = /^Proxy response \((\d+)\) !== 200 when HTTP Tunneling$/.exec(message);
  if (undici) return { status: undici[1]! };
  if (/net::ERR_(TUNNEL_CONNECTION_FAILED|PROXY_AUTH_REQUESTED|PROXY_CONNECTION_FAILED)/.test(message))
    return { status: null };
  return proxyRefusal((error as { cause?: unknown }).cause, depth + 1);
}

/** The failure of a request that got no HTTP answer (or was stopped by `signal`). */
export function networkFailure(
  error: unknown,
  what: string,
  timeoutMs: number,
  origin: string,
  redact: (text: string) => string,
  signal?: AbortSignal,
): ApiFailure {
  if (signal?.aborted)
    // The caller stopped waiting (the engine closing): no answer, and not the server's fault.
    return {
      kind: 'network',
      httpStatus: null,
      errorCode: 'ABORTED',
      message: `${what}: stopped before an answer came (the caller gave up waiting)`,
      retryAfterMs: null,
      neverSent: false,
    };
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
  const refused = proxyRefusal(error);
  if (refused)
    return {
      kind: 'network',
      httpStatus: null,
      errorCode: 'PROXY_REFUSED',
      message: redact(
        `${what} to ${origin} failed: the proxy refused the connection${refused.status ? ` (HTTP ${refused.status})` : ''}; ` +
          "check the proxy settings (the system's for the app; HTTPS_PROXY and NO_PROXY for the CLI) and the proxy's rules",
      ),
      retryAfterMs: null,
      neverSent: true,
    };
  const codes = networkCodes(error);
  const neverSent = codes.length > 0 && codes.every((code) => NEVER_SENT_CODES.has(code));
  const code = codes[0] ?? null;
  return {
    kind: 'network',
    httpStatus: null,
    errorCode: code,
    message: redact(`${what} to ${origin} failed: ${code ?? (error as Error)?.message ?? String(error)}`),
    retryAfterMs: null,
    neverSent,
  };
}

/** An answer the API does not document (not JSON, wrong shape), as a failure. */
export function garbageAnswer(
  httpStatus: number,
  endpoint: string,
  value: unknown,
  redact: (text: string) => string,
): { ok: false; failure: ApiFailure } {
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
      message: redact(
        `The ${endpoint} answer (HTTP ${httpStatus}) was not what the API documents: ${(shown ?? 'empty').slice(0, 200)}`,
      ),
      retryAfterMs: null,
      neverSent: false,
    },
  };
}
