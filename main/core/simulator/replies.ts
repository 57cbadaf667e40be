// How the simulator answers: an answer is computed as a Reply before it is sent, so a fault that
// strikes after processing can still swallow it; the shapes of API errors, transport faults,
// status words and failure reasons; and the key check and job lookup every per-job call shares.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestFault } from './faults';
import type { Job } from './jobs';
import type { SimulatorState } from './state';
import type { DetailEntry } from './validation';

/** An answer computed before it is sent, so a late fault can still swallow it. */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export function send(res: ServerResponse, reply: Reply): number {
  const text = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'Content-Type': 'application/json',
    'Content-Length': String(Buffer.byteLength(text)),
    ...reply.headers,
  });
  res.end(text);
  return reply.status;
}

/**
 * Sends `reply` unless a fault strikes after processing: `reset-after-body` cuts the
 * connection, `hang` never answers (close() destroys the socket). Returns the status sent.
 */
export function answer(res: ServerResponse, reply: Reply, fault: RequestFault | null): number | null {
  if (fault === 'reset-after-body') {
    res.socket?.destroy();
    return null;
  }
  if (fault === 'hang') return null;
  return send(res, reply);
}

/** An API error body; the errorsAsHttp200 variant answers it with HTTP 200, like some gateways. */
export function apiError(
  sim: SimulatorState,
  status: number,
  code: number,
  message: string,
  detail?: DetailEntry[],
): Reply {
  const body = detail
    ? { error_code: code, error_message: message, detail }
    : { error_code: code, error_message: message };
  return { status: sim.variants.errorsAsHttp200 ? 200 : status, body };
}

/** The answer of a 429 or a 5xx fault. */
export function transportFault(sim: SimulatorState, fault: '429' | '5xx'): Reply {
  if (fault === '429') {
    const seconds = Math.max(1, Math.ceil(2 * sim.timeScale));
    const retryAfter =
      sim.faults.current.retryAfter === 'http-date'
        ? new Date(sim.clock.now() + seconds * 1000).toUTCString()
        : String(seconds);
    return {
      status: 429,
      body: {
        error_code: 429001,
        error_message: 'Too many requests: the account is over its rate limit, retry later',
      },
      headers: { 'Retry-After': retryAfter },
    };
  }
  const status = [500, 502, 503, 504][Math.floor(sim.faults.draw() * 4)] ?? 502;
  return {
    status,
    body: { error_code: 500001, error_message: `Upstream error (simulated HTTP ${status})` },
  };
}

/** The request's API key if it is one the simulator knows, else null. */
export function authorize(sim: SimulatorState, req: IncomingMessage): string | null {
  const header = req.headers.authorization ?? '';
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  const key = match?.[1];
  return key && sim.book.hasKey(key) ? key : null;
}

export const unauthorized = (sim: SimulatorState): Reply =>
  apiError(
    sim,
    401,
    400004,
    'Invalid or missing API key: send "Authorization: Bearer <key>" with an active key',
  );

export function requestUrls(sim: SimulatorState, requestId: string) {
  const base = `${sim.baseUrl}/v1/requests/${requestId}`;
  return { status_url: `${base}/status`, result_url: `${base}/result`, cancel_url: `${base}/cancel` };
}

export function isExpired(sim: SimulatorState, job: Job, ttl: number | undefined): boolean {
  return ttl !== undefined && job.finishedAt !== null && sim.clock.now() - job.finishedAt >= ttl;
}

/** The job a status/result/cancel call is about, or the error to answer. */
export function lookUp(sim: SimulatorState, req: IncomingMessage, requestId: string): Job | Reply {
  const key = authorize(sim, req);
  if (!key) return unauthorized(sim);
  const job = sim.book.get(requestId);
  if (!job || isExpired(sim, job, sim.options.requestTtlMs))
    return apiError(
      sim,
      404,
      404001,
      `Request ${requestId} not found: it never existed, was deleted or expired`,
    );
  if (job.apiKey !== key)
    return apiError(sim, 403, 403001, `Request ${requestId} belongs to another account`);
  return job;
}

export function statusWord(sim: SimulatorState, job: Job): string {
  switch (job.status) {
    case 'in_queue':
    case 'in_progress':
    case 'cancelled':
      return job.status;
    case 'succeeded':
      return sim.variants.successOnStatus === 'succeeded' ? 'succeeded' : 'completed';
    case 'failed':
      return sim.variants.failureOnStatus === 'failed' ? 'failed' : 'completed';
    default: {
      const never: never = job.status;
      return never;
    }
  }
}

export function outputUrl(sim: SimulatorState, job: Job): string {
  return `${sim.baseUrl}/outputs/${job.requestId}.mp4`;
}

export function failureError(sim: SimulatorState, job: Job): unknown {
  const message =
    job.rejectReason ??
    `Generation failed for request ${job.requestId}: the model could not animate this image (simulated upstream failure)`;
  return sim.variants.errorShape === 'object'
    ? {
        code: job.rejectReason ? 'INPUT_REJECTED' : 'GENERATION_FAILED',
        message,
        request_id: job.requestId,
      }
    : message;
}
