// Which endpoint answers a request (route), and the small per-job endpoints: status and result
// polls and cancel. Submit, download and the catalog and account reads have files of their own
// (submit-route.ts, download-route.ts, catalog-route.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PROXY_404_FAULT, PROXY_404_HTML } from './environment';
import type { RequestFault } from './faults';
import type { Job } from './jobs';
import { balance, listCategories, listModels, modelEntry, setCredit } from './catalog-route';
import { download } from './download-route';
import {
  answer,
  failureError,
  lookUp,
  outputUrl,
  requestUrls,
  send,
  statusWord,
  transportFault,
} from './replies';
import type { SimulatorState } from './state';
import { submit } from './submit-route';
import type { Ledger } from './types';

const iso = (ms: number) => new Date(ms).toISOString();

export async function route(sim: SimulatorState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://simulator');
  let path: string;
  try {
    path = decodeURIComponent(url.pathname);
  } catch {
    req.resume();
    send(res, { status: 404, body: { detail: `Not Found: malformed path ${url.pathname}` } });
    return;
  }
  const method = req.method ?? 'GET';
  sim.book.advance(sim.clock.now());

  if (path === '/v1/models' || path === '/v1/models/')
    return method === 'GET' ? listModels(sim, req, res, url.searchParams) : notAllowed(req, res);
  if (path === '/v1/models/categories')
    return method === 'GET' ? listCategories(sim, req, res) : notAllowed(req, res);
  if (path === '/prod/v2/balance') return method === 'GET' ? balance(sim, req, res) : notAllowed(req, res);
  if (path === '/_simulator/credit')
    return method === 'POST' ? setCredit(sim, req, res) : notAllowed(req, res);
  let match = /^\/v1\/models\/(.+)$/.exec(path);
  if (match) {
    const modelId = match[1]!.replace(/\/+$/, '');
    if (method === 'POST') return submit(sim, req, res, modelId);
    if (method === 'GET') return modelEntry(sim, req, res, modelId);
    return notAllowed(req, res);
  }
  match = /^\/v1\/requests\/([^/]+)\/(status|result|cancel)$/.exec(path);
  if (match) {
    const requestId = match[1]!;
    const action = match[2] as 'status' | 'result' | 'cancel';
    if (action === 'cancel')
      return method === 'POST' ? cancel(sim, req, res, requestId) : notAllowed(req, res);
    return method === 'GET' ? poll(sim, req, res, requestId, action, url.searchParams) : notAllowed(req, res);
  }
  match = /^\/outputs\/([^/]+)\.mp4$/.exec(path);
  if (match) {
    if (method === 'GET' || method === 'HEAD') return download(sim, req, res, match[1]!);
    return notAllowed(req, res);
  }
  req.resume();
  send(res, { status: 404, body: { detail: 'Not Found' } });
}

function notAllowed(req: IncomingMessage, res: ServerResponse): void {
  req.resume();
  send(res, { status: 405, body: { detail: 'Method Not Allowed' } });
}

/**
 * The start every request about one job shares (status, result, cancel): an injected
 * transport fault, or the key check and the lookup. Returns the job, or null once answered
 * (the answer's HTTP status, if any, goes into the ledger record).
 */
function faultOrJob(
  sim: SimulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  fault: RequestFault | null,
  record: { httpStatus: number | null },
): Job | null {
  if (fault === 'reset-before-body') {
    req.socket.destroy();
    return null;
  }
  req.resume();
  if (fault === '429' || fault === '5xx') {
    record.httpStatus = send(res, transportFault(sim, fault));
    return null;
  }
  const job = lookUp(sim, req, requestId);
  if (!('requestId' in job)) {
    record.httpStatus = answer(res, job, fault);
    return null;
  }
  return job;
}

function poll(
  sim: SimulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  endpoint: 'status' | 'result',
  query: URLSearchParams,
): void {
  const record: Ledger['polls'][number] = {
    at: sim.clock.now(),
    requestId,
    endpoint,
    httpStatus: null,
    fault: null,
  };
  sim.ledger.polls.push(record);
  const fault = sim.faults.requestFault(endpoint);
  record.fault = fault;
  if (fault === null && sim.environment.proxy404()) {
    // A proxy in front of the API that does not route this path: its own page, no JSON.
    req.resume();
    record.fault = PROXY_404_FAULT;
    record.httpStatus = 404;
    res.writeHead(404, { 'Content-Type': 'text/html', 'Content-Length': String(PROXY_404_HTML.length) });
    res.end(PROXY_404_HTML);
    return;
  }
  const job = faultOrJob(sim, req, res, requestId, fault, record);
  if (!job) return;
  if (endpoint === 'status') {
    const position = sim.book.queuePosition(job);
    const { status_url, result_url } = requestUrls(sim, job.requestId);
    record.httpStatus = answer(
      res,
      {
        status: 200,
        body: {
          request_id: job.requestId,
          status: statusWord(sim, job),
          ...(position === null ? {} : { queue_position: position }),
          status_url,
          result_url,
        },
      },
      fault,
    );
    return;
  }
  const body: Record<string, unknown> = {
    request_id: job.requestId,
    status: job.status,
    created_at: iso(job.createdAt),
  };
  if (job.finishedAt !== null) body.finished_at = iso(job.finishedAt);
  if (job.status === 'succeeded')
    body.output = sim.environment.withoutOutputUrl.has(job.requestId)
      ? {}
      : sim.variants.outputShape === 'videos'
        ? { videos: [outputUrl(sim, job)] }
        : { video: outputUrl(sim, job) };
  if (job.status === 'failed') body.error = failureError(sim, job);
  if (query.get('include_cost') === 'true') body.cost = job.chargedUsd;
  record.httpStatus = answer(res, { status: 200, body }, fault);
}

function cancel(sim: SimulatorState, req: IncomingMessage, res: ServerResponse, requestId: string): void {
  const record: Ledger['cancels'][number] = {
    at: sim.clock.now(),
    requestId,
    outcome: null,
    httpStatus: null,
  };
  sim.ledger.cancels.push(record);
  const fault = sim.faults.requestFault('cancel');
  const job = faultOrJob(sim, req, res, requestId, fault, record);
  if (!job) return;
  const cancelled = sim.book.cancel(job);
  // The variant only changes what the client is told, never what happened (the ledger's
  // job status says that).
  const outcome = sim.variants.cancelOutcome ?? (cancelled ? 'cancelled' : 'not_cancellable');
  record.outcome = outcome;
  record.httpStatus = answer(
    res,
    { status: 202, body: { request_id: job.requestId, status: statusWord(sim, job), outcome } },
    fault,
  );
}
