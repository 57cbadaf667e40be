// A video is paid for once and never lost: a save failure is retried by downloading again, a job
// is asked about where it was submitted, a key-less start pauses nothing, a 2xx answer with an
// error_code keeps its job, nothing is sent after close begins, the end image is verified at
// submit, and an answer that arrives after the lease was lost is kept. Each test goes through public interfaces only (createEngine options, the
// Engine methods, the simulator over loopback HTTP and its ledger, real SQLite and folders), so
// it survives the engine's restructure. Faults the simulator lacks come from a wrapping fetch.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { createCoreServices, type CoreServices } from '../../../../main/core/index';
import type { Engine } from '../../../../main/core/engine';
import { startSimulator } from '../../../../main/core/simulator';
import { DEMO_API_KEY, type SimulatorHandle } from '../../../../main/core/simulator/types';
import { scaledClock } from '../../../../main/core/util/clock';
import { harness, type Harness } from './harness';
import { settingsFor, tempDir, until } from './helpers';

let h: Harness | undefined;
const extra: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.allSettled(extra.splice(0).map((e) => e.close()));
  await h?.close();
  h = undefined;
});

const created = (sim: SimulatorHandle) => sim.ledger.submits.filter((s) => s.created);

describe('a save failure never leads to paying again', () => {
  it('Retry of a paid video whose save failed re-downloads (re-asking /result for a usable URL), never resubmits', async () => {
    // The first /result answer carries a video URL on a foreign http origin, so the save fails
    // (unsafe_output_url) although the video is paid. Later /result answers are fine.
    let rewriteResults = 1;
    const spy: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!String(input).includes('/result') || rewriteResults <= 0) return response;
      rewriteResults--;
      const body = (await response.text()).replace(
        /http:\/\/127\.0\.0\.1:\d+\/outputs/g,
        'http://cdn.elsewhere',
      );
      return new Response(body, { status: response.status, headers: response.headers });
    };
    h = await harness({}, { fetch: spy });
    const { batchId, itemIds } = h.batch(1);
    const id = itemIds[0]!;
    h.engine.commands.startBatch(batchId);
    const failed = await h.engine.waitForItemState(id, ['failed', 'done', 'expired']);
    expect(created(h.sim)).toHaveLength(1);
    if (failed.state === 'failed') h.engine.commands.retryItem(id); // what the user does in the morning
    await h.engine.waitForItemState(id, 'done');
    // The one paid job, downloaded: nothing submitted a second time.
    expect(created(h.sim)).toHaveLength(1);
    expect(h.engine.getItem(id)!.requestId).toBe(created(h.sim)[0]!.requestId);
  });

  it('an unavailable output folder parks the download with a batch reason and continues by itself when it is back', async () => {
    h = await harness({ generationMs: () => 20_000 });
    // A file where the output folder should be (a drive unplugged, a share gone).
    writeFileSync(h.outputDir, 'not a folder');
    const { batchId, itemIds } = h.batch(2, { concurrency: 2 });
    h.engine.commands.startBatch(batchId);
    const h1 = h;
    const settled = () =>
      itemIds.some((id) => ['failed', 'expired'].includes(h1.engine.getItem(id)!.state)) ||
      /Output folder not available/.test(h1.engine.getBatch(batchId)!.condition?.message ?? '');
    await until(settled, 'the batch to say the output folder is not available (or an item to fail)', 15_000);
    // Not an item failure: nothing paid is marked failed or expired ...
    for (const id of itemIds) {
      const item = h.engine.getItem(id)!;
      expect(['failed', 'expired'], `${item.errorCode}: ${item.errorMessage}`).not.toContain(item.state);
    }
    // ... the batch says why it waits, as a condition: it keeps running (polling the paid jobs)
    // and nobody has to resume it.
    const waiting = h.engine.getBatch(batchId)!;
    expect(waiting.state).toBe('running');
    expect(waiting.condition?.code).toBe('output_unavailable');
    expect(waiting.condition?.message).toContain(`Output folder not available: ${h.outputDir}`);
    // The folder comes back; no click: the engine re-checks on a timer and saves both videos.
    rmSync(h.outputDir);
    mkdirSync(h.outputDir);
    for (const id of itemIds) await h.engine.waitForItemState(id, 'done', 20_000);
    expect(created(h.sim)).toHaveLength(2);
    expect(h.engine.getBatch(batchId)!.condition ?? null).toBeNull();
  });
});

describe('a job is polled and downloaded where it was submitted', () => {
  it('switching to simulated mode while a real paid job runs does not expire it', async () => {
    h = await harness({ generationMs: () => 60_000 });
    const demo = await startSimulator({ clock: h.clock, seed: 4 });
    extra.push(demo);
    const { batchId, itemIds } = h.batch(1);
    const id = itemIds[0]!;
    h.engine.commands.startBatch(batchId);
    await h.engine.waitForItemState(id, ['in_queue', 'in_progress']);
    // The user tries the demo while the real job runs (or the switch is refused: also fine).
    try {
      h.engine.setCredentials({ apiBaseUrl: demo.url, apiKey: DEMO_API_KEY, simulated: true });
    } catch {
      // refused while real jobs are in flight
    }
    const end = await h.engine.waitForItemState(id, ['done', 'expired', 'failed'], 20_000);
    expect(end.state, end.errorMessage ?? '').toBe('done');
    // Never asked the demo simulator about the real job.
    expect(demo.ledger.polls.filter((p) => p.requestId === end.requestId)).toEqual([]);
  });
});

describe('start-up before the stored key is applied', () => {
  it('a key-less 401 pauses nothing, and a user pause stays a user pause when the key arrives', async () => {
    const keyless: string[] = [];
    const spy: typeof fetch = async (input, init) => {
      if (!new Headers(init?.headers).get('authorization')) keyless.push(String(input));
      return fetch(input, init);
    };
    h = await harness({ generationMs: () => 120_000 }, { fetch: spy });
    const running = h.batch(1);
    // Two items, one at a time: when its first job is done, the paused batch still has one to
    // keep (a batch with nothing left finishes, paused or not).
    const userPaused = h.batch(2, { concurrency: 1 });
    h.engine.commands.startBatch(running.batchId);
    h.engine.commands.startBatch(userPaused.batchId);
    await h.engine.waitForItemState(running.itemIds[0]!, ['in_queue', 'in_progress']);
    await h.engine.waitForItemState(userPaused.itemIds[0]!, ['in_queue', 'in_progress']);
    h.engine.commands.pauseBatch(userPaused.batchId);
    await h.engine.close();
    // The app starts: the engine adopts both batches before the stored key is applied.
    const engine: Engine = h.restart({ apiKey: null });
    // Wait until each job was asked about twice without a key (so the first 401 was handled),
    // or a minute passed on the clock (an engine that waits for the key sends nothing).
    const restartedAt = h.clock.now();
    const keylessPolls = (itemId: number) => {
      const requestId = engine.getItem(itemId)!.requestId!;
      return keyless.filter((url) => url.includes(requestId)).length;
    };
    await until(
      () =>
        (keylessPolls(running.itemIds[0]!) >= 2 && keylessPolls(userPaused.itemIds[0]!) >= 2) ||
        h!.clock.now() > restartedAt + 60_000,
      'key-less polls answered, or a minute',
    );
    expect(engine.getBatch(running.batchId)).toMatchObject({ state: 'running', pauseReason: null });
    expect(engine.getBatch(userPaused.batchId)).toMatchObject({ state: 'paused', pauseReason: 'user' });
    // The stored key is applied: the running batch finishes, the user's pause stays.
    engine.setCredentials({ apiBaseUrl: h.sim.url, apiKey: DEMO_API_KEY });
    await engine.waitForItemState(running.itemIds[0]!, 'done', 20_000);
    await engine.waitForItemState(userPaused.itemIds[0]!, 'done', 20_000);
    await engine.idle();
    expect(engine.getBatch(userPaused.batchId)).toMatchObject({ state: 'paused', pauseReason: 'user' });
    expect(engine.getItem(userPaused.itemIds[1]!)!.state).toBe('queued');
  });
});

describe('a 2xx submit answer with an error_code', () => {
  it('keeps a valid request_id (the job is tracked and downloaded); an unknown code alone is unknown_submit', async () => {
    // A gateway adds an error_code to the first submit answer (request_id kept), and answers the
    // second with an undocumented code and no request_id.
    let submits = 0;
    const spy: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (init?.method !== 'POST' || !String(input).includes('/v1/models/')) return response;
      const body = (await response.json()) as Record<string, unknown>;
      submits++;
      if (submits === 1) return Response.json({ ...body, error_code: 400001, error_message: 'odd gateway' });
      return Response.json({ error_code: 500123, error_message: 'upstream hiccup' });
    };
    h = await harness({}, { fetch: spy });
    const { batchId, itemIds } = h.batch(2, { concurrency: 1 });
    h.engine.commands.startBatch(batchId);
    const first = await h.engine.waitForItemState(itemIds[0]!, [
      'done',
      'failed',
      'expired',
      'unknown_submit',
    ]);
    expect(first.state, first.errorMessage ?? '').toBe('done');
    expect(first.requestId).toBe(created(h.sim)[0]!.requestId);
    const second = await h.engine.waitForItemState(itemIds[1]!, [
      'done',
      'failed',
      'expired',
      'unknown_submit',
    ]);
    // It was created at the simulator: "refused, not billed" would be a lie.
    expect(second.state).toBe('unknown_submit');
  });
});

describe('nothing is sent after close begins', () => {
  it('a submit being prepared when the app closes is neither stored as sent nor sent', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let preparing = 0;
    h = await harness(
      {},
      {
        materializeRequest: async (request) => {
          preparing++;
          await gate; // a large image being read and shrunk
          return { ...request, start_image_url: 'data:image/png;base64,iVBORw0KGgoAAAAAAAAAAAAAAAAAAAAAAAA' };
        },
      },
    );
    const { batchId, itemIds } = h.batch(1);
    h.engine.commands.startBatch(batchId);
    await until(() => preparing > 0, 'the submit to be prepared');
    const closing = h.engine.close();
    release();
    await closing;
    expect(h.sim.ledger.submits).toEqual([]);
    const after = h.restart();
    expect(after.getItem(itemIds[0]!)!.state).toBe('queued');
  });
});

describe('the end image is verified at submit like the start image', () => {
  it('refuses to send a pro request whose end image changed since the scan, naming the file', async () => {
    const dir = tempDir('sm-end-image-');
    extra.push({ close: async () => dir.remove() });
    const clock = scaledClock(1000);
    const sim = await startSimulator({ clock, seed: 8 });
    extra.push(sim);
    const core: CoreServices = createCoreServices({
      dbPath: join(dir.path, 'jobs.sqlite'),
      clock,
      apiBaseUrl: sim.url,
      apiKey: DEMO_API_KEY,
    });
    extra.unshift({ close: () => core.engine.close() });
    const folder = join(dir.path, 'shoot');
    mkdirSync(folder, { recursive: true });
    const picture = (r: number) =>
      sharp({ create: { width: 640, height: 480, channels: 3, background: { r, g: 90, b: 60 } } })
        .jpeg()
        .toBuffer();
    writeFileSync(join(folder, 'start.jpg'), await picture(10));
    writeFileSync(join(folder, 'end.jpg'), await picture(200));
    writeFileSync(join(folder, 'prompts.csv'), 'file,prompt,end_image\nstart.jpg,a slow push in,end.jpg\n');
    const settings = {
      ...settingsFor(join(dir.path, 'out')),
      modelId: 'kling/kling-3.0/pro/image-to-video' as const,
    };
    const plan = core.intake.plan(await core.intake.scan([folder]), settings);
    const sendable = plan.items.filter((item) => item.verdict === null);
    expect(sendable.map((item) => item.relativePath)).toEqual(['start.jpg']);
    expect(String(sendable[0]!.request.end_image_url)).toContain('end.jpg');
    const batchId = core.engine.createBatch(settings, plan.items);
    // The end picture is replaced after the scan: a different picture must not be paid for.
    writeFileSync(join(folder, 'end.jpg'), await picture(250));
    core.engine.commands.startBatch(batchId);
    const itemId = core.engine
      .pageItems({ batchId, offset: 0, limit: 10 })
      .items.find((item) => item.relativePath === 'start.jpg')!.id;
    const end = await core.engine.waitForItemState(itemId, ['failed', 'in_queue', 'in_progress', 'done']);
    expect(sim.ledger.submits).toEqual([]);
    expect(end.state).toBe('failed');
    expect(end.errorMessage).toMatch(/end\.jpg changed since it was scanned/);
  });
});

describe('a submit answer that arrives after the lease was lost', () => {
  it('is kept: unknown_submit -> in_queue, and the paid video is downloaded once', async () => {
    let holdSubmit = true;
    let answerHeld!: () => void;
    const submitAnswered = new Promise<void>((resolve) => (answerHeld = resolve));
    let releaseSubmit!: () => void;
    const submitGate = new Promise<void>((resolve) => (releaseSubmit = resolve));
    const slowSubmit: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (holdSubmit && init?.method === 'POST' && String(input).includes('/v1/models/')) {
        holdSubmit = false;
        answerHeld();
        await submitGate; // the answer is on its way while the machine sleeps
      }
      return response;
    };
    h = await harness({ generationMs: () => 20_000 }, { fetch: slowSubmit });
    const first = h.engine;
    const { batchId, itemIds } = h.batch(1);
    const id = itemIds[0]!;
    first.commands.startBatch(batchId);
    await submitAnswered;
    expect(created(h.sim)).toHaveLength(1);
    // The first process's lease lapses (asleep); another process takes the batch over and
    // rightly calls the submit unknown.
    const raw = new Database(h.dbPath);
    raw.prepare('UPDATE batches SET lease_expires_at = ? WHERE id = ?').run(h.clock.now() - 1, batchId);
    raw.close();
    const heir = h.restart({ owner: 'heir', fetch: undefined });
    await heir.waitForItemState(id, 'unknown_submit');
    // The late answer arrives: the job exists and is paid, so it is tracked and downloaded.
    releaseSubmit();
    const end = await heir.waitForItemState(id, ['done', 'in_queue', 'in_progress', 'downloading'], 20_000);
    expect(end.requestId).toBe(created(h.sim)[0]!.requestId);
    await until(
      () => heir.getItem(id)!.state === 'done' || first.getItem(id)!.state === 'done',
      'the video saved',
      20_000,
    );
    expect(created(h.sim)).toHaveLength(1);
    expect(
      h.sim.ledger.downloads.filter((d) => d.httpStatus === 200 || d.httpStatus === 206).length,
    ).toBeGreaterThan(0);
    await first.close();
  });
});
