// Hostile API answers. Two levels:
//  1. The client's parsers (RunComfyClient over an injected fetch): 10,000 random answers per
//     endpoint (submit, status, result, cancel). Never a throw, always a classified value, and
//     the money rules hold: a submit answer is "never sent" (safe to send again) only for a
//     429, an `error_code` is never read as success (except beside a submit's valid request_id:
//     that job exists), a video URL is only ever http(s).
//  2. A whole engine against a tiny loopback server (not the simulator) that answers every
//     request with a random status and body (300 per endpoint), then, as a person would after
//     a broken night, answers every request with a final refusal. No task may crash (the engine
//     logs those as errors), no unhandled rejection, no item `done` (the server never serves an
//     mp4), and every item ends in a state a person can act on, with a reason.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunComfyClient, type ApiFailure, type FailureKind } from '../../main/core/api/client';
import { REQUEST_ID_PATTERN } from '../../main/core/api/schemas';
import { createEngine, readImageRefsAsDataUris, type Engine } from '../../main/core/engine';
import { actionFor } from '../../main/core/domain/states';
import type { BatchView } from '../../main/core/domain';
import { closeDatabase, openDatabase } from '../../main/core/db/connection';
import { scaledClock, seededRandom } from '../../main/core/util/clock';
import { makeImages, plannedItems, settingsFor, tempDir } from '../main/core/engine/helpers';
import { notAnMp4, randomAnswer, type Endpoint, type RandomAnswer } from './random-bodies';

const KEY = 'sk-fuzz-canary-4b1d';
const ORIGIN = 'http://127.0.0.1:9';
const KINDS: FailureKind[] = [
  'bad_key',
  'no_balance',
  'rate_limited',
  'not_found',
  'forbidden',
  'rejected',
  'server',
  'network',
  'timeout',
  'garbage',
];
/** Share of well-formed successes in the end-to-end run, so items get as far as downloading. */
const PLAUSIBLE_SHARE = 0.35;
const JOB_STATUSES = ['in_queue', 'in_progress', 'completed', 'failed', 'cancelled'];

function hasErrorCode(json: unknown): boolean {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return false;
  const code = (json as Record<string, unknown>).error_code;
  return typeof code === 'number' || typeof code === 'string';
}

function checkFailure(failure: ApiFailure, answer: RandomAnswer, problems: string[], what: string): void {
  if (!KINDS.includes(failure.kind)) problems.push(`${what}: unknown kind ${failure.kind}`);
  if (typeof failure.message !== 'string' || !failure.message) problems.push(`${what}: no message`);
  if (failure.message.includes(KEY)) problems.push(`${what}: the key leaked into a message`);
  // Money: only a refusal that provably created nothing may be sent again.
  if (failure.neverSent && answer.status !== 429)
    problems.push(`${what}: HTTP ${answer.status} classified as never sent (would be resubmitted)`);
}

describe('the client against 10,000 random answers per endpoint', () => {
  const PER_ENDPOINT = 10_000;

  for (const endpoint of ['submit', 'status', 'result', 'cancel'] as const) {
    it(`${endpoint}: never throws, classifies every answer, never reads an error as success`, async () => {
      const random = seededRandom(0xf00d + endpoint.length);
      let answer: RandomAnswer = randomAnswer(random, endpoint, ORIGIN);
      const client = new RunComfyClient({
        baseUrl: ORIGIN,
        apiKey: KEY,
        fetch: async () =>
          new Response(answer.body === '' ? null : answer.body, {
            status: answer.status,
            headers: answer.headers,
          }),
      });
      const problems: string[] = [];
      const outcomes = new Map<string, number>();
      for (let i = 0; i < PER_ENDPOINT; i++) {
        answer = randomAnswer(random, endpoint, ORIGIN);
        const what = `#${i} HTTP ${answer.status} ${answer.body.slice(0, 80)}`;
        let result;
        try {
          result =
            endpoint === 'submit'
              ? await client.submit('kling/kling-3.0/standard/image-to-video', { prompt: 'p' })
              : endpoint === 'status'
                ? await client.status('req_1')
                : endpoint === 'result'
                  ? await client.result('req_1')
                  : await client.cancel('req_1');
        } catch (error) {
          problems.push(`${what}: threw ${(error as Error).message}`);
          continue;
        }
        const label = result.ok ? 'ok' : result.failure.kind;
        outcomes.set(label, (outcomes.get(label) ?? 0) + 1);
        if (!result.ok) {
          checkFailure(result.failure, answer, problems, what);
          continue;
        }
        if (answer.status < 200 || answer.status > 299) problems.push(`${what}: a non-2xx read as success`);
        // Except a 2xx submit answer with a valid request_id beside its error_code: the job
        // exists and may be billed, so it must be tracked.
        const jobExists =
          endpoint === 'submit' &&
          REQUEST_ID_PATTERN.test(String((answer.json as Record<string, unknown>)?.request_id));
        if (hasErrorCode(answer.json) && !jobExists)
          problems.push(`${what}: an error_code body read as success`);
        const value = result.value as Record<string, unknown>;
        if (endpoint === 'submit' && !REQUEST_ID_PATTERN.test(String(value.requestId)))
          problems.push(`${what}: accepted request id ${JSON.stringify(value.requestId)}`);
        if ((endpoint === 'status' || endpoint === 'result') && !JOB_STATUSES.includes(String(value.status)))
          problems.push(`${what}: status ${JSON.stringify(value.status)}`);
        if (endpoint === 'status') {
          const position = value.queuePosition;
          if (position !== null && typeof position !== 'number')
            problems.push(`${what}: queue position ${position}`);
        }
        if (endpoint === 'result') {
          const url = value.videoUrl;
          if (url !== null && (typeof url !== 'string' || !/^https?:\/\//i.test(url)))
            problems.push(`${what}: video URL ${JSON.stringify(url)}`);
          if (url !== null && value.status !== 'completed') problems.push(`${what}: a URL without success`);
          if (value.costUsd !== null && !Number.isFinite(value.costUsd))
            problems.push(`${what}: cost ${value.costUsd}`);
        }
        if (
          endpoint === 'cancel' &&
          !['cancelled', 'not_cancellable', 'not_confirmed'].includes(String(value.outcome))
        )
          problems.push(`${what}: outcome ${JSON.stringify(value.outcome)}`);
      }
      expect(problems.slice(0, 10)).toEqual([]);
      // The fuzz reached both sides: successes and several kinds of failure.
      expect(outcomes.get('ok') ?? 0).toBeGreaterThan(100);
      expect(outcomes.size).toBeGreaterThan(4);
    });
  }
});

// ---- end to end ----------------------------------------------------------------------------

interface RandomServer {
  url: string;
  served: Record<Endpoint | 'download', number>;
  /** After this many random answers per endpoint, every answer is a final refusal. */
  budget: number;
  close(): Promise<void>;
}

async function startRandomServer(seed: number, budget: number): Promise<RandomServer> {
  const random = seededRandom(seed);
  const served: RandomServer['served'] = { submit: 0, status: 0, result: 0, cancel: 0, download: 0 };
  let origin = '';
  const server: Server = createServer((req, res) => {
    // Read (and drop) the body first: an answer sent mid-upload would make the test about TCP.
    req.resume();
    req.on('end', () => {
      const path = (req.url ?? '/').split('?')[0]!;
      const endpoint: Endpoint | 'download' = path.startsWith('/v1/models/')
        ? 'submit'
        : path.endsWith('/status')
          ? 'status'
          : path.endsWith('/result')
            ? 'result'
            : path.endsWith('/cancel')
              ? 'cancel'
              : 'download';
      served[endpoint]++;
      const final = served[endpoint] > budget;
      if (endpoint === 'download') {
        if (final || random() < 0.3) {
          res.writeHead(final ? 404 : 503);
          res.end();
          return;
        }
        const bytes = notAnMp4(random);
        res.writeHead(random() < 0.8 ? 200 : 206, {
          'content-type': 'video/mp4',
          'content-length': String(bytes.length),
        });
        res.end(bytes);
        return;
      }
      if (final) {
        // The night is over: the API refuses what is left, the way it documents it.
        const body =
          endpoint === 'submit'
            ? { error_code: 400001, error_message: 'unknown model (fuzz: final answer)' }
            : endpoint === 'cancel'
              ? { request_id: 'x', outcome: 'not_cancellable' }
              : { error_code: 404001, error_message: 'request not found (fuzz: final answer)' };
        res.writeHead(endpoint === 'cancel' ? 202 : endpoint === 'submit' ? 400 : 404, {
          'content-type': 'application/json',
        });
        res.end(JSON.stringify(body));
        return;
      }
      const answer = randomAnswer(random, endpoint, origin, PLAUSIBLE_SHARE);
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    served,
    budget,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('an engine against a server that answers at random', () => {
  const BUDGET = 300;
  const ITEMS = 330;
  const dir = tempDir('sm-hostile-api-');
  const errors: string[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  let server: RandomServer;
  let engine: Engine;

  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUnhandled);
    server = await startRandomServer(0xbad, BUDGET);
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
    await engine?.close();
    await server?.close();
    dir.remove();
  });

  /**
   * A random success may name a video on https://127.0.0.1:1 (nothing listens there): the engine
   * keeps a paid video waiting for the network, as it must (the network may come back), and the
   * batch says so. That is the one way the batch may stay unfinished: every item left is such a
   * download, and the batch shows the network as down.
   */
  const waitsOnlyForTheNetwork = (batch: BatchView): boolean => {
    const { counts } = batch;
    if (batch.condition?.code !== 'network_down' || counts.downloading === 0) return false;
    if (counts.queued + counts.submitting + counts.in_queue + counts.in_progress > 0) return false;
    const db = openDatabase(join(dir.path, 'jobs.sqlite'));
    try {
      const links = db
        .prepare(`SELECT result_url FROM items WHERE batch_id = ? AND state = 'downloading'`)
        .pluck()
        .all(batch.id) as string[];
      return links.every((link) => link.startsWith('https://127.0.0.1:1/'));
    } finally {
      closeDatabase(db);
    }
  };

  it(`survives ${BUDGET} random answers per endpoint and leaves every item actionable, none done`, async () => {
    const clock = scaledClock(2000);
    engine = createEngine({
      dbPath: join(dir.path, 'jobs.sqlite'),
      owner: 'fuzz',
      clock,
      random: seededRandom(3),
      apiBaseUrl: server.url,
      apiKey: KEY,
      leaseMs: 3_600_000,
      requestTimeoutMs: 3000,
      submitTimeoutMs: 3000,
      downloadTimeoutMs: 3000,
      materializeRequest: readImageRefsAsDataUris,
      // An engine task that throws is logged as an error: under fuzz, that is a crash.
      log: (level, message) => {
        if (level === 'error') errors.push(message);
      },
    });
    const settings = settingsFor(join(dir.path, 'out'), { concurrency: 10 });
    const items = plannedItems(makeImages(join(dir.path, 'in'), ITEMS), settings);
    const batchId = engine.createBatch(settings, items, 'fuzz');
    engine.commands.startBatch(batchId);

    const deadline = Date.now() + 60_000;
    let resumes = 0;
    for (;;) {
      const batch = engine.getBatch(batchId)!;
      if (batch.state === 'finished' || waitsOnlyForTheNetwork(batch)) break;
      if (Date.now() > deadline)
        throw new Error(
          `not finished after 60 s: ${JSON.stringify(batch.counts)}; engine errors: ${errors.slice(0, 3).join(' | ')}`,
        );
      // Someone cancels a waiting item now and then, so cancel answers are fuzzed too.
      const waiting = engine.pageItems({ batchId, offset: 0, limit: 5, states: ['in_queue'] }).items[0];
      if (waiting && server.served.cancel < BUDGET + 20) await engine.commands.cancelItem(waiting.id);
      // A person reads the pause reason and carries on (new key, top-up, or "retry anyway").
      if (batch.state === 'paused') {
        resumes++;
        if (batch.pauseReason === 'bad_key') engine.setCredentials({ apiBaseUrl: server.url, apiKey: KEY });
        else engine.commands.resumeBatch(batchId);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    // Downloads waiting for the network keep the engine busy: it is idle only once finished.
    if (engine.getBatch(batchId)!.state === 'finished') await engine.idle(10_000);

    // Every endpoint got a real share of random answers before the final refusals.
    expect(server.served.submit).toBeGreaterThan(BUDGET);
    // A job is asked /status until a run time is learned (here, from the first random success
    // with times in it) and /result after that: between them the two use up their random
    // answers. The parsers of each had 10,000 of their own above.
    expect(server.served.status + server.served.result).toBeGreaterThan(BUDGET);
    expect(server.served.status).toBeGreaterThan(0);
    expect(server.served.result).toBeGreaterThan(50);
    expect(server.served.cancel).toBeGreaterThan(50);
    expect(server.served.download).toBeGreaterThan(50);
    expect(errors.slice(0, 5)).toEqual([]);
    expect(unhandled).toEqual([]);
    const all = engine.pageItems({ batchId, offset: 0, limit: ITEMS }).items;
    expect(all.filter((i) => i.state === 'done').map((i) => i.relativePath)).toEqual([]);
    // Still downloading: only paid videos whose link nothing answers, with the batch saying so.
    const downloading = all.filter((i) => i.state === 'downloading');
    if (downloading.length > 0) expect(waitsOnlyForTheNetwork(engine.getBatch(batchId)!)).toBe(true);
    for (const item of all.filter((i) => i.state !== 'downloading')) {
      expect(['retry', 'resubmit']).toContain(actionFor(item.state));
      // A cancelled item was cancelled by the person themselves; every other one says why.
      if (item.state !== 'cancelled')
        expect(item.errorMessage ?? '', `item ${item.id} (${item.state})`).toMatch(/\w{3,}/);
    }
    // Sanity for the reader: what the random night did.
    const states = new Map<string, number>();
    for (const item of all) states.set(item.state, (states.get(item.state) ?? 0) + 1);
    console.info(
      `fuzz end to end: ${JSON.stringify(Object.fromEntries(states))}, served ${JSON.stringify(server.served)}, ${resumes} resumes`,
    );
  }, 90_000);
});

// Was an engine bug (requests.md; fixed in 26de2ff): a status answer with queue_position 1e308
// passed the client's schema, SQLite refused it in the STRICT INTEGER column, the item's poll
// task died ("engine task failed") and nothing polled that item again, so the batch never
// finished.
describe('one absurd number in a status answer', () => {
  it('does not stop the engine from polling the item', async () => {
    const dir = tempDir('sm-hostile-qp-');
    let polls = 0;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const body = req.url!.startsWith('/v1/models/')
          ? { request_id: 'req_huge' }
          : { request_id: 'req_huge', status: 'in_queue', queue_position: (polls++, 1e308) };
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const errors: string[] = [];
    const engine = createEngine({
      dbPath: join(dir.path, 'jobs.sqlite'),
      clock: scaledClock(2000),
      apiBaseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      apiKey: KEY,
      leaseMs: 3_600_000,
      materializeRequest: readImageRefsAsDataUris,
      log: (level, message) => {
        if (level === 'error') errors.push(message);
      },
    });
    try {
      const settings = settingsFor(join(dir.path, 'out'), { concurrency: 1 });
      const batchId = engine.createBatch(
        settings,
        plannedItems(makeImages(join(dir.path, 'in'), 1), settings),
      );
      engine.commands.startBatch(batchId);
      // In-queue polls come every few simulated minutes: 3 s real is hours at this speed.
      const deadline = Date.now() + 3000;
      while (polls < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      expect(errors).toEqual([]);
      expect(polls).toBeGreaterThanOrEqual(3);
    } finally {
      await engine.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      dir.remove();
    }
  });
});
