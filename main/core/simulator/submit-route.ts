// POST /v1/models/{model_id}: a submit, from its fault roll through the body (capped while
// streaming) to the job it creates (or the error it answers). Every submit lands in the ledger
// with what was asked and whether a job was created, whatever the client saw.
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Random } from '../util/clock';
import { upstreamImageProblem } from './image-info';
import type { Job } from './jobs';
import { answer, apiError, authorize, requestUrls, send, transportFault, unauthorized } from './replies';
import type { Reply } from './replies';
import type { SimulatorState } from './state';
import type { SubmitRecord } from './types';
import { checkImage } from './field-checks';
import { priceUsd, validateInput } from './validation';

/** An over-cap body is read and discarded up to this much more (so the client can read the
 * 413 instead of a broken pipe), then the connection is cut. Nothing of it is kept. */
const MAX_DISCARD_BYTES = 256 * 1024 * 1024;

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

export async function submit(
  sim: SimulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  modelId: string,
): Promise<void> {
  const record: SubmitRecord = {
    at: sim.clock.now(),
    modelId,
    payloadHash: '',
    imageHash: null,
    imagesReceived: [],
    prompt: null,
    duration: null,
    generateAudio: null,
    httpStatus: null,
    created: false,
    requestId: null,
    fault: null,
  };
  sim.ledger.submits.push(record);
  const fault = sim.faults.requestFault('submit');
  record.fault = fault;
  if (fault === 'reset-before-body') {
    // Cut before the body is read: provably no job.
    req.socket.destroy();
    return;
  }
  const body = await readBody(req, sim.maxBodyBytes);
  if (body.kind === 'aborted') {
    record.fault ??= 'client-aborted';
    return;
  }
  if (body.kind === 'too-large') {
    record.httpStatus = send(res, {
      status: 413,
      body: {
        error_code: 413001,
        error_message: `Request body is larger than ${sim.maxBodyBytes} bytes; send images as https URLs or as smaller data URIs`,
      },
      headers: { Connection: 'close' },
    });
    return;
  }
  record.payloadHash = body.sha256;
  // A 429 and half of the 5xx are refused before any work; the other 5xx half fail after the
  // job was created (a gateway timeout): the client cannot tell which, the ledger can.
  const fiveXxAfterCreate = fault === '5xx' && sim.faults.draw() < 0.5;
  if (fault === '429' || (fault === '5xx' && !fiveXxAfterCreate)) {
    record.httpStatus = send(res, transportFault(sim, fault));
    return;
  }
  const outcome = accept(sim, req, modelId, body.bytes, record);
  if (outcome.job) {
    record.created = true;
    record.requestId = outcome.job.requestId;
    sim.environment.decideOutputUrl(outcome.job.requestId);
  }
  record.httpStatus = answer(res, fault === '5xx' ? transportFault(sim, '5xx') : outcome.reply, fault);
}

/** sha256 of the bytes of every `data:...;base64,` string in a parsed body, depth first. */
function dataUriHashes(value: unknown, found: string[] = []): string[] {
  if (typeof value === 'string') {
    const comma = value.indexOf(',');
    if (value.startsWith('data:') && comma > 0 && value.slice(0, comma).endsWith(';base64'))
      found.push(
        createHash('sha256')
          .update(Buffer.from(value.slice(comma + 1), 'base64'))
          .digest('hex'),
      );
  } else if (Array.isArray(value)) for (const item of value) dataUriHashes(item, found);
  else if (value !== null && typeof value === 'object')
    for (const item of Object.values(value)) dataUriHashes(item, found);
  return found;
}

/** Everything a submit does once its body is in: the job (if any) and the answer. */
function accept(
  sim: SimulatorState,
  req: IncomingMessage,
  modelId: string,
  bytes: Buffer,
  record: SubmitRecord,
): { job: Job | null; reply: Reply } {
  const { options, book, models } = sim;
  let parsed: unknown;
  let parseError: string | null = null;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch (error) {
    parseError = error instanceof Error ? error.message : String(error);
  }
  record.imagesReceived = dataUriHashes(parsed);
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
  const key = authorize(sim, req);
  if (!key) return { job: null, reply: unauthorized(sim) };
  if (!model)
    return {
      job: null,
      reply: apiError(
        sim,
        400,
        400001,
        `Unknown model_id '${modelId}'; expected one of: ${[...models.keys()].join(', ')}`,
      ),
    };
  if (parseError !== null)
    return {
      job: null,
      reply: apiError(sim, 422, 422001, `Request body is not valid JSON: ${parseError}`, [
        { loc: ['body'], msg: `JSON decode error: ${parseError}`, type: 'json_invalid' },
      ]),
    };
  const result = validateInput(model, parsed);
  if (!result.ok) {
    const image = checkImage(fields?.[model.fields.startImage]);
    if (image.ok) record.imageHash = image.value.hash;
    const summary = result.detail.map((d) => `${d.loc.slice(1).join('.') || 'body'}: ${d.msg}`).join('; ');
    return { job: null, reply: apiError(sim, 422, 422001, `Invalid input: ${summary}`, result.detail) };
  }
  const { input } = result;
  record.imageHash = input.startImageHash;
  record.duration = input.duration;
  record.generateAudio = input.generateAudio;
  if (options.maxActivePerAccount !== undefined && book.activeCount(key) >= options.maxActivePerAccount) {
    const limited = transportFault(sim, '429');
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
        sim,
        402,
        400002,
        `Insufficient balance: this generation costs $${price.toFixed(3)} and the account has $${Math.max(0, available).toFixed(3)} available; top up to continue`,
      ),
    };
  const job = book.create({
    requestId: uuidFrom(sim.nextId),
    apiKey: key,
    model,
    duration: input.duration,
    generateAudio: input.generateAudio,
    priceUsd: price,
    imageHash: input.startImageHash,
    willFail: sim.faults.generationFails(),
    rejectReason:
      options.upstreamImageLimits && input.startImageBytes
        ? upstreamImageProblem(input.startImageBytes)
        : null,
  });
  if (sim.motion && input.startImageBytes) sim.motion.prepare(job.requestId, input.startImageBytes);
  return {
    job,
    reply: { status: 200, body: { request_id: job.requestId, ...requestUrls(sim, job.requestId) } },
  };
}
