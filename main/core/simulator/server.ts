// The simulated RunComfy Model API over a real node:http server (see runcomfy-api.md for every
// shape produced here). One request flows: route -> fault roll -> body (capped while streaming)
// -> auth -> endpoint -> the answer, or the fault's way of not answering. Every request lands in
// the ledger, including the ones whose answer the client never saw.
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { seededRandom, systemClock } from '../util/clock';
import type { Clock, Random } from '../util/clock';
import { EnvironmentPlan, PROXY_404_FAULT, PROXY_404_HTML } from './environment';
import { FaultPlan } from './faults';
import type { RequestFault } from './faults';
import { JobBook } from './jobs';
import type { Job } from './jobs';
import { upstreamImageProblem } from './image-info';
import { OutputHasher, outputChunks, outputLayout } from './output-video';
import type { FaultTarget, Ledger, SimulatorHandle, SimulatorOptions, SubmitRecord } from './types';
import { DEMO_API_KEY } from './types';
import { modelTable } from './models';
import { checkImage, priceUsd, validateInput } from './validation';
import type { DetailEntry } from './validation';

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;
/** An over-cap body is read and discarded up to this much more (so the client can read the
 * 413 instead of a broken pipe), then the connection is cut. Nothing of it is kept. */
const MAX_DISCARD_BYTES = 256 * 1024 * 1024;
/** Pick-up delay of a queued job before the time scale: a job is `in_queue` for a moment. */
const QUEUE_DELAY_MS = 3_000;
const DEFAULT_SLOW_BYTES_PER_SEC = 256 * 1024;

/**
 * Default generation time: about 90 s for 5 s of standard video (runcomfy-api.md), growing with
 * duration (15 s: 180 s), and 1.6x for pro (15 s pro: about 5 minutes).
 */
export function defaultGenerationMs(job: { modelId: string; duration: number }): number {
  const standard = 45_000 + 9_000 * job.duration;
  return job.modelId.includes('/pro/') ? standard * 1.6 : standard;
}

function uuidFrom(random: Random): string {
  const bytes = Buffer.alloc(16);
  for (let i = 0; i < 16; i++) bytes[i] = Math.floor(random() * 256);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

type Body =
  { kind: 'ok'; bytes: Buffer; sha256: string } | { kind: 'too-large'; sha256: null } | { kind: 'aborted' };

/** Reads a request body, keeping at most `max` bytes; hashes as it goes. */
function readBody(req: IncomingMessage, max: number): Promise<Body> {
  return new Promise((resolve) => {
    const declared = Number(req.headers['content-length']);
    let tooLarge = Number.isFinite(declared) && declared > max;
    const chunks: Buffer[] = [];
    const hash: Hash = createHash('sha256');
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (!tooLarge && received > max) {
        tooLarge = true;
        chunks.length = 0;
      }
      if (tooLarge) {
        if (received > max + MAX_DISCARD_BYTES) req.socket.destroy();
        return;
      }
      chunks.push(chunk);
      hash.update(chunk);
    });
    req.on('end', () =>
      resolve(
        tooLarge
          ? { kind: 'too-large', sha256: null }
          : { kind: 'ok', bytes: Buffer.concat(chunks), sha256: hash.digest('hex') },
      ),
    );
    req.on('error', () => resolve({ kind: 'aborted' }));
    req.on('close', () => {
      if (!req.complete) resolve({ kind: 'aborted' });
    });
  });
}

/** Resolves true once `chunk` is flushed (or buffered), false if the response closed first. */
function write(res: ServerResponse, chunk: Buffer): Promise<boolean> {
  if (res.destroyed) return Promise.resolve(false);
  if (res.write(chunk)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      res.off('drain', onDrain);
      res.off('close', onClose);
      resolve(ok);
    };
    const onDrain = () => done(true);
    const onClose = () => done(false);
    res.on('drain', onDrain);
    res.on('close', onClose);
  });
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function startSimulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const clock: Clock = options.clock ?? systemClock;
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0)) throw new Error(`Simulator timeScale must be a positive number, got ${timeScale}`);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  const variants = options.variants ?? {};
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const apiKeys = options.apiKeys ?? { [DEMO_API_KEY]: 1000 };
  const models = modelTable(options.extraModels);
  const layout = outputLayout(options.outputBytes);
  const hasher = new OutputHasher();

  // Separate streams so that, e.g., adding a fault rate does not change the request ids.
  const faults = new FaultPlan(seededRandom(seed), options.faults, options.faultTargets);
  const nextId = seededRandom(seed ^ 0x5bd1e995);
  const jitter = seededRandom(seed ^ 0x27d4eb2f);
  const environment = new EnvironmentPlan(
    seededRandom(seed ^ 0x3c6ef372),
    seededRandom(seed ^ 0x78dde6e4),
    options.environment,
    clock.now(),
  );

  const ledger: Ledger = {
    submits: [],
    polls: [],
    cancels: [],
    charges: [],
    downloads: [],
    jobs: new Map(),
    environment: { outage: environment.outageWindow, jobsWithoutOutputUrl: environment.withoutOutputUrl },
  };
  const book = new JobBook({
    clock,
    apiKeys,
    concurrencyCap: Math.max(1, options.concurrencyCap ?? 5),
    queueDelayMs: QUEUE_DELAY_MS,
    timeScale,
    generationMs: options.generationMs ?? defaultGenerationMs,
    jitter: options.generationMs ? null : jitter,
    ledger,
    onSucceeded: (job) => {
      job.outputSha256 = hasher.sha256(layout, job.requestId);
    },
  });

  const sockets = new Set<Socket>();
  let baseUrl = '';

  // ---- answering ----------------------------------------------------------------------------

  /** An answer computed before it is sent, so a late fault can still swallow it. */
  interface Reply {
    status: number;
    body: unknown;
    headers?: Record<string, string>;
  }

  function send(res: ServerResponse, reply: Reply): number {
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
  function answer(res: ServerResponse, reply: Reply, fault: RequestFault | null): number | null {
    if (fault === 'reset-after-body') {
      res.socket?.destroy();
      return null;
    }
    if (fault === 'hang') return null;
    return send(res, reply);
  }

  /** An API error body; the errorsAsHttp200 variant answers it with HTTP 200, like some gateways. */
  function apiError(status: number, code: number, message: string, detail?: DetailEntry[]): Reply {
    const body = detail
      ? { error_code: code, error_message: message, detail }
      : { error_code: code, error_message: message };
    return { status: variants.errorsAsHttp200 ? 200 : status, body };
  }

  /** The answer of a 429 or a 5xx fault. */
  function transportFault(fault: '429' | '5xx'): Reply {
    if (fault === '429') {
      const seconds = Math.max(1, Math.ceil(2 * timeScale));
      const retryAfter =
        faults.current.retryAfter === 'http-date'
          ? new Date(clock.now() + seconds * 1000).toUTCString()
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
    const status = [500, 502, 503, 504][Math.floor(faults.draw() * 4)] ?? 502;
    return {
      status,
      body: { error_code: 500001, error_message: `Upstream error (simulated HTTP ${status})` },
    };
  }

  function authorize(req: IncomingMessage): string | null {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    const key = match?.[1];
    return key && book.hasKey(key) ? key : null;
  }

  const unauthorized = (): Reply =>
    apiError(
      401,
      400004,
      'Invalid or missing API key: send "Authorization: Bearer <key>" with an active key',
    );

  function requestUrls(requestId: string) {
    const base = `${baseUrl}/v1/requests/${requestId}`;
    return { status_url: `${base}/status`, result_url: `${base}/result`, cancel_url: `${base}/cancel` };
  }

  function isExpired(job: Job, ttl: number | undefined): boolean {
    return ttl !== undefined && job.finishedAt !== null && clock.now() - job.finishedAt >= ttl;
  }

  /** The job a status/result/cancel call is about, or the error to answer. */
  function lookUp(req: IncomingMessage, requestId: string): Job | Reply {
    const key = authorize(req);
    if (!key) return unauthorized();
    const job = book.get(requestId);
    if (!job || isExpired(job, options.requestTtlMs))
      return apiError(
        404,
        404001,
        `Request ${requestId} not found: it never existed, was deleted or expired`,
      );
    if (job.apiKey !== key) return apiError(403, 403001, `Request ${requestId} belongs to another account`);
    return job;
  }

  function statusWord(job: Job): string {
    switch (job.status) {
      case 'in_queue':
      case 'in_progress':
      case 'cancelled':
        return job.status;
      case 'succeeded':
        return variants.successOnStatus === 'succeeded' ? 'succeeded' : 'completed';
      case 'failed':
        return variants.failureOnStatus === 'failed' ? 'failed' : 'completed';
      default: {
        const never: never = job.status;
        return never;
      }
    }
  }

  function outputUrl(job: Job): string {
    return `${baseUrl}/outputs/${job.requestId}.mp4`;
  }

  const iso = (ms: number) => new Date(ms).toISOString();

  function failureError(job: Job): unknown {
    const message =
      job.rejectReason ??
      `Generation failed for request ${job.requestId}: the model could not animate this image (simulated upstream failure)`;
    return variants.errorShape === 'object'
      ? {
          code: job.rejectReason ? 'INPUT_REJECTED' : 'GENERATION_FAILED',
          message,
          request_id: job.requestId,
        }
      : message;
  }

  // ---- endpoints ----------------------------------------------------------------------------

  async function submit(req: IncomingMessage, res: ServerResponse, modelId: string): Promise<void> {
    const record: SubmitRecord = {
      at: clock.now(),
      modelId,
      payloadHash: '',
      imageHash: null,
      prompt: null,
      duration: null,
      generateAudio: null,
      httpStatus: null,
      created: false,
      requestId: null,
      fault: null,
    };
    ledger.submits.push(record);
    const fault = faults.requestFault('submit');
    record.fault = fault;
    if (fault === 'reset-before-body') {
      // Cut before the body is read: provably no job.
      req.socket.destroy();
      return;
    }
    const body = await readBody(req, maxBodyBytes);
    if (body.kind === 'aborted') {
      record.fault ??= 'client-aborted';
      return;
    }
    if (body.kind === 'too-large') {
      record.httpStatus = send(res, {
        status: 413,
        body: {
          error_code: 413001,
          error_message: `Request body is larger than ${maxBodyBytes} bytes; send images as https URLs or as smaller data URIs`,
        },
        headers: { Connection: 'close' },
      });
      return;
    }
    record.payloadHash = body.sha256;
    // A 429 and half of the 5xx are refused before any work; the other 5xx half fail after the
    // job was created (a gateway timeout): the client cannot tell which, the ledger can.
    const fiveXxAfterCreate = fault === '5xx' && faults.draw() < 0.5;
    if (fault === '429' || (fault === '5xx' && !fiveXxAfterCreate)) {
      record.httpStatus = send(res, transportFault(fault));
      return;
    }
    const outcome = accept(req, modelId, body.bytes, record);
    if (outcome.job) {
      record.created = true;
      record.requestId = outcome.job.requestId;
      environment.decideOutputUrl(outcome.job.requestId);
    }
    record.httpStatus = answer(res, fault === '5xx' ? transportFault('5xx') : outcome.reply, fault);
  }

  /** Everything a submit does once its body is in: the job (if any) and the answer. */
  function accept(
    req: IncomingMessage,
    modelId: string,
    bytes: Buffer,
    record: SubmitRecord,
  ): { job: Job | null; reply: Reply } {
    let parsed: unknown;
    let parseError: string | null = null;
    try {
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      parseError = error instanceof Error ? error.message : String(error);
    }
    const fields =
      typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : null;
    const model = models.get(modelId);
    if (fields && model) {
      // The ledger records what was asked, in this model's own field names.
      const { prompt, duration, audio } = model.fields;
      if (typeof fields[prompt] === 'string') record.prompt = fields[prompt];
      if (duration && typeof fields[duration] === 'number') record.duration = fields[duration];
      if (audio && typeof fields[audio] === 'boolean') record.generateAudio = fields[audio];
    }
    const key = authorize(req);
    if (!key) return { job: null, reply: unauthorized() };
    if (!model)
      return {
        job: null,
        reply: apiError(
          400,
          400001,
          `Unknown model_id '${modelId}'; expected one of: ${[...models.keys()].join(', ')}`,
        ),
      };
    if (parseError !== null)
      return {
        job: null,
        reply: apiError(422, 422001, `Request body is not valid JSON: ${parseError}`, [
          { loc: ['body'], msg: `JSON decode error: ${parseError}`, type: 'json_invalid' },
        ]),
      };
    const result = validateInput(model, parsed);
    if (!result.ok) {
      const image = checkImage(fields?.[model.fields.startImage]);
      if (image.ok) record.imageHash = image.value.hash;
      const summary = result.detail.map((d) => `${d.loc.slice(1).join('.') || 'body'}: ${d.msg}`).join('; ');
      return { job: null, reply: apiError(422, 422001, `Invalid input: ${summary}`, result.detail) };
    }
    const { input } = result;
    record.imageHash = input.startImageHash;
    record.duration = input.duration;
    record.generateAudio = input.generateAudio;
    if (options.maxActivePerAccount !== undefined && book.activeCount(key) >= options.maxActivePerAccount) {
      const limited = transportFault('429');
      limited.body = {
        error_code: 429002,
        error_message: `Too many concurrent requests: the account already has ${book.activeCount(key)} queued or running (limit ${options.maxActivePerAccount}); retry after one finishes`,
      };
      return { job: null, reply: limited };
    }
    const price = priceUsd(model, input.duration, input.generateAudio);
    const available = book.availableUsd(key);
    if (available < price - 1e-9)
      return {
        job: null,
        reply: apiError(
          402,
          400002,
          `Insufficient balance: this generation costs $${price.toFixed(3)} and the account has $${Math.max(0, available).toFixed(3)} available; top up to continue`,
        ),
      };
    const job = book.create({
      requestId: uuidFrom(nextId),
      apiKey: key,
      model,
      duration: input.duration,
      generateAudio: input.generateAudio,
      priceUsd: price,
      imageHash: input.startImageHash,
      willFail: faults.generationFails(),
      rejectReason:
        options.upstreamImageLimits && input.startImageBytes
          ? upstreamImageProblem(input.startImageBytes)
          : null,
    });
    return {
      job,
      reply: { status: 200, body: { request_id: job.requestId, ...requestUrls(job.requestId) } },
    };
  }

  /**
   * The start every request about one job shares (status, result, cancel): an injected
   * transport fault, or the key check and the lookup. Returns the job, or null once answered
   * (the answer's HTTP status, if any, goes into the ledger record).
   */
  function faultOrJob(
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
      record.httpStatus = send(res, transportFault(fault));
      return null;
    }
    const job = lookUp(req, requestId);
    if (!('requestId' in job)) {
      record.httpStatus = answer(res, job, fault);
      return null;
    }
    return job;
  }

  function poll(
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    endpoint: 'status' | 'result',
    query: URLSearchParams,
  ): void {
    const record: Ledger['polls'][number] = {
      at: clock.now(),
      requestId,
      endpoint,
      httpStatus: null,
      fault: null,
    };
    ledger.polls.push(record);
    const fault = faults.requestFault(endpoint);
    record.fault = fault;
    if (fault === null && environment.proxy404()) {
      // A proxy in front of the API that does not route this path: its own page, no JSON.
      req.resume();
      record.fault = PROXY_404_FAULT;
      record.httpStatus = 404;
      res.writeHead(404, { 'Content-Type': 'text/html', 'Content-Length': String(PROXY_404_HTML.length) });
      res.end(PROXY_404_HTML);
      return;
    }
    const job = faultOrJob(req, res, requestId, fault, record);
    if (!job) return;
    if (endpoint === 'status') {
      const position = book.queuePosition(job);
      const { status_url, result_url } = requestUrls(job.requestId);
      record.httpStatus = answer(
        res,
        {
          status: 200,
          body: {
            request_id: job.requestId,
            status: statusWord(job),
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
      body.output = environment.withoutOutputUrl.has(job.requestId)
        ? {}
        : variants.outputShape === 'videos'
          ? { videos: [outputUrl(job)] }
          : { video: outputUrl(job) };
    if (job.status === 'failed') body.error = failureError(job);
    if (query.get('include_cost') === 'true') body.cost = job.chargedUsd;
    record.httpStatus = answer(res, { status: 200, body }, fault);
  }

  function cancel(req: IncomingMessage, res: ServerResponse, requestId: string): void {
    const record: Ledger['cancels'][number] = { at: clock.now(), requestId, outcome: null, httpStatus: null };
    ledger.cancels.push(record);
    const fault = faults.requestFault('cancel');
    const job = faultOrJob(req, res, requestId, fault, record);
    if (!job) return;
    const cancelled = book.cancel(job);
    // The variant only changes what the client is told, never what happened (the ledger's
    // job status says that).
    const outcome = variants.cancelOutcome ?? (cancelled ? 'cancelled' : 'not_cancellable');
    record.outcome = outcome;
    record.httpStatus = answer(
      res,
      { status: 202, body: { request_id: job.requestId, status: statusWord(job), outcome } },
      fault,
    );
  }

  function model(req: IncomingMessage, res: ServerResponse, modelId: string): void {
    const fault = faults.requestFault('model');
    if (fault === 'reset-before-body') {
      req.socket.destroy();
      return;
    }
    req.resume();
    if (fault === '429' || fault === '5xx') {
      send(res, transportFault(fault));
      return;
    }
    if (!authorize(req)) {
      answer(res, unauthorized(), fault);
      return;
    }
    const entry = models.get(modelId);
    if (!entry) {
      answer(res, apiError(400, 400001, `Unknown model_id '${modelId}'`), fault);
      return;
    }
    answer(
      res,
      {
        status: 200,
        body: {
          model_id: entry.modelId,
          display_name: entry.displayName,
          base_price_usd: entry.usdPerSecond.silent,
          price_unit: 'second',
          pricing: {
            currency: 'USD',
            unit: 'second',
            without_audio_usd: entry.usdPerSecond.silent,
            with_audio_usd: entry.usdPerSecond.audio,
          },
          category: 'image-to-video',
        },
      },
      fault,
    );
  }

  async function download(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const record: Ledger['downloads'][number] = {
      at: clock.now(),
      requestId,
      bytesSent: 0,
      httpStatus: 0,
      range: req.headers.range ?? null,
      fault: null,
    };
    ledger.downloads.push(record);
    const fault = faults.requestFault('download');
    record.fault = fault;
    if (fault === 'reset-before-body') {
      req.socket.destroy();
      return;
    }
    if (fault === '429' || fault === '5xx') {
      record.httpStatus = send(res, transportFault(fault));
      return;
    }
    if (fault === 'hang') return;
    if (fault === 'reset-after-body') {
      req.socket.destroy();
      return;
    }
    const job = book.get(requestId);
    const environmentFault = environment.downloadFault(
      clock.now(),
      job?.status === 'succeeded' ? job : undefined,
    );
    if (environmentFault === 'outage-reset') {
      record.fault = environmentFault;
      req.socket.destroy();
      return;
    }
    if (environmentFault === 'outage-503') {
      record.fault = environmentFault;
      record.httpStatus = 503;
      res.writeHead(503, { 'Content-Type': 'text/plain' });
      res.end('Service Unavailable');
      return;
    }
    // CDN lag answers exactly like an expired link: only the timing tells them apart.
    if (!job || job.status !== 'succeeded' || isExpired(job, options.outputTtlMs) || environmentFault) {
      record.fault = environmentFault;
      record.httpStatus = 404;
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('Not Found');
      return;
    }

    const size = layout.size;
    let start = 0;
    let end = size - 1;
    let status = 200;
    const range = req.headers.range;
    if (range) {
      const match = /^bytes=(\d*)-(\d*)$/.exec(range.trim());
      // Multi-range and malformed headers are ignored (the whole file), as RFC 9110 allows.
      if (match && (match[1] !== '' || match[2] !== '')) {
        if (match[1] === '') {
          const suffix = Number(match[2]);
          start = Math.max(0, size - suffix);
        } else {
          start = Number(match[1]);
          if (match[2] !== '') end = Math.min(size - 1, Number(match[2]));
        }
        if (start >= size || start > end || (match[1] === '' && Number(match[2]) === 0)) {
          record.httpStatus = 416;
          res.writeHead(416, { 'Content-Range': `bytes */${size}`, 'Content-Length': '0' });
          res.end();
          return;
        }
        status = 206;
      }
    }
    const length = end - start + 1;
    const headers: Record<string, string> = {
      'Content-Type': 'video/mp4',
      'Content-Length': String(length),
      'Accept-Ranges': 'bytes',
      'Cache-Control': 'public, max-age=3600',
    };
    if (job.outputSha256) headers.ETag = `"${job.outputSha256}"`;
    if (status === 206) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
    res.writeHead(status, headers);
    record.httpStatus = status;
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    const downloadFault = faults.downloadFault();
    record.fault = downloadFault;
    // A truncated download stops somewhere in the middle (never at 0 or the full length).
    const stopAfter =
      downloadFault === 'truncated' ? Math.max(1, Math.floor(length * (0.1 + 0.8 * faults.draw()))) : length;
    const bytesPerSec = faults.current.slowDownloadBytesPerSec ?? DEFAULT_SLOW_BYTES_PER_SEC;
    for (const chunk of outputChunks(layout, job.requestId, start, end)) {
      const piece = chunk.subarray(0, Math.min(chunk.length, stopAfter - record.bytesSent));
      if (downloadFault === 'slow') {
        // Throttled in real time: it models the network, not the generation.
        for (let offset = 0; offset < piece.length; offset += 16 * 1024) {
          const slice = piece.subarray(offset, offset + 16 * 1024);
          if (!(await write(res, slice))) return;
          record.bytesSent += slice.length;
          await realSleep((slice.length / bytesPerSec) * 1000);
        }
      } else {
        if (!(await write(res, piece))) return;
        record.bytesSent += piece.length;
      }
      if (record.bytesSent >= stopAfter) break;
    }
    if (record.bytesSent < length) {
      // Let what was written reach the client, then cut the connection mid-body.
      res.socket?.end();
      setImmediate(() => res.socket?.destroy());
      return;
    }
    res.end();
  }

  // ---- routing ------------------------------------------------------------------------------

  async function route(req: IncomingMessage, res: ServerResponse): Promise<void> {
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
    book.advance(clock.now());

    let match = /^\/v1\/models\/(.+)$/.exec(path);
    if (match) {
      const modelId = match[1]!.replace(/\/+$/, '');
      if (method === 'POST') return submit(req, res, modelId);
      if (method === 'GET') return model(req, res, modelId);
      return notAllowed(req, res);
    }
    match = /^\/v1\/requests\/([^/]+)\/(status|result|cancel)$/.exec(path);
    if (match) {
      const requestId = match[1]!;
      const action = match[2] as 'status' | 'result' | 'cancel';
      if (action === 'cancel') return method === 'POST' ? cancel(req, res, requestId) : notAllowed(req, res);
      return method === 'GET' ? poll(req, res, requestId, action, url.searchParams) : notAllowed(req, res);
    }
    match = /^\/outputs\/([^/]+)\.mp4$/.exec(path);
    if (match) {
      if (method === 'GET' || method === 'HEAD') return download(req, res, match[1]!);
      return notAllowed(req, res);
    }
    req.resume();
    send(res, { status: 404, body: { detail: 'Not Found' } });
  }

  function notAllowed(req: IncomingMessage, res: ServerResponse): void {
    req.resume();
    send(res, { status: 405, body: { detail: 'Method Not Allowed' } });
  }

  const server = createServer((req, res) => {
    route(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed)
        send(res, {
          status: 500,
          body: { error_code: 500000, error_message: `Simulator bug: ${String(error)}` },
        });
      else res.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A client that cuts a connection must not crash the simulator.
  server.on('clientError', (_error, socket) => socket.destroy());

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  // Listening on every interface still hands out loopback URLs that a client can dial.
  const reachable =
    address.address === '0.0.0.0' ? '127.0.0.1' : address.address === '::' ? '::1' : address.address;
  baseUrl = `http://${address.family === 'IPv6' ? `[${reachable}]` : reachable}:${address.port}`;

  const stopLoop = new AbortController();
  const loop = book.run(stopLoop.signal);

  let closing: Promise<void> | null = null;
  return {
    url: baseUrl,
    // A getter, so a test reading the ledger sees every start and finish already due.
    get ledger() {
      book.advance(clock.now());
      return ledger;
    },
    setFaults(rates, targets?: FaultTarget[]) {
      faults.set(rates, targets);
    },
    setEnvironment(environmentFaults) {
      environment.set(environmentFaults);
      ledger.environment!.outage = environment.outageWindow;
    },
    setKeyCredit(key, usd) {
      book.setCredit(key, usd);
    },
    revokeKey(key) {
      book.revoke(key);
    },
    close() {
      closing ??= (async () => {
        stopLoop.abort();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        for (const socket of sockets) socket.destroy();
        await closed;
        await loop;
      })();
      return closing;
    },
  };
}
