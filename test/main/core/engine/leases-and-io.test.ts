// Leases between processes, what goes over the wire for downloads, the intake's materializer
// as the default, the CSV report and event coalescing.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { afterEach, describe, expect, it } from 'vitest';
import { parse as parseCsv } from 'csv-parse/sync';
import type { EngineEvent } from '../../../../main/core/domain';
import { EventHub } from '../../../../main/core/engine/events';
import { harness, type Harness } from './harness';
import { plannedItems, settingsFor, until } from './helpers';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

describe('leases', () => {
  it('lets one process drive a batch, reports the holder, and hands over when a lease expires', async () => {
    h = await harness({ generationMs: () => 300_000 });
    const { batchId, itemIds } = h.batch(4, { concurrency: 2 });
    const events: EngineEvent[] = [];
    h.engine.on((e) => events.push(e));
    const app = h.engine;
    app.commands.startBatch(batchId);
    await app.waitForItemState(itemIds[1]!, 'in_queue');
    expect(app.leaseHolder(batchId)).toMatchObject({ owner: 'test-engine', mine: true });

    // A second process (the CLI) cannot start it while the app holds it.
    const cli = h.restart({ owner: 'cli-1', leaseMs: 20_000 });
    expect(() => cli.commands.startBatch(batchId)).toThrow(/being run by test-engine/);
    expect(cli.leaseHolder(batchId)).toMatchObject({ owner: 'test-engine', mine: false });
    await cli.close();

    // Another process grabs it behind our back (as after our lease expired during a sleep):
    // we notice on the next renewal and stop driving it.
    const raw = new Database(h.dbPath);
    raw
      .prepare('UPDATE batches SET lease_owner = ?, lease_expires_at = ? WHERE id = ?')
      .run('ghost', h.clock.now() + 10_000, batchId);
    raw.close();
    await until(() => events.some((e) => e.type === 'batch' && e.pauseReason === 'lease_lost'), 'lease lost');
    await app.close(); // (left running, it would take the batch back itself once the ghost's lease expires)
    // The ghost was killed: its lease runs out and a new process takes over and finishes.
    const heir = h.restart({ owner: 'heir', leaseMs: 20_000 });
    await until(() => heir.leaseHolder(batchId)?.owner === 'heir', 'take-over', 20_000);
    await heir.idle();
    expect(itemIds.map((id) => heir.getItem(id)!.state)).toEqual(Array(4).fill('done'));
    const created = h.sim.ledger.submits.filter((s) => s.created);
    expect(new Set(created.map((s) => s.imageHash)).size).toBe(created.length); // nothing sent twice
  });
});

describe('downloads on the wire', () => {
  it('fetches videos without the API key, and refuses a video URL on a foreign http origin', async () => {
    const calls: { url: string; auth: string | null }[] = [];
    let rewrite = false;
    const spy: typeof fetch = async (input, init) => {
      const url = String(input);
      const headers = new Headers(init?.headers);
      calls.push({ url, auth: headers.get('authorization') });
      const response = await fetch(input, init);
      if (!rewrite || !url.includes('/result')) return response;
      const body = (await response.text()).replace(
        /http:\/\/127\.0\.0\.1:\d+\/outputs/g,
        'http://cdn.evil.example',
      );
      return new Response(body, { status: response.status, headers: response.headers });
    };
    h = await harness({}, { fetch: spy });
    const { batchId, itemIds } = h.batch(1);
    h.engine.commands.startBatch(batchId);
    await h.engine.idle();
    const downloads = calls.filter((c) => c.url.includes('/outputs/'));
    expect(downloads.length).toBeGreaterThan(0);
    expect(downloads.every((c) => c.auth === null)).toBe(true);
    expect(calls.filter((c) => c.url.includes('/v1/')).every((c) => c.auth === 'Bearer sim-demo-key')).toBe(
      true,
    );

    rewrite = true;
    const second = h.batch(1);
    h.engine.commands.startBatch(second.batchId);
    await h.engine.idle();
    const item = h.engine.getItem(second.itemIds[0]!)!;
    expect(item).toMatchObject({ state: 'failed', errorCode: 'unsafe_output_url' });
    expect(item.errorMessage).toMatch(/neither https nor on the API.s own address/);
    expect(calls.some((c) => c.url.includes('evil'))).toBe(false);
    expect(h.engine.getItem(itemIds[0]!)!.state).toBe('done');
  });
});

describe('the intake materializer (default)', () => {
  it('sends a real image, and refuses one changed since the scan, naming the file', async () => {
    h = await harness({}, { materializeRequest: undefined });
    const dir = join(h.dir, 'real');
    mkdirSync(dir, { recursive: true });
    const images = await Promise.all(
      [0, 1].map(async (n) => {
        const bytes = await sharp({
          create: { width: 400, height: 400, channels: 3, background: { r: n * 200, g: 80, b: 40 } },
        })
          .png()
          .toBuffer();
        const path = join(dir, `photo-${n}.png`);
        writeFileSync(path, bytes);
        return {
          path,
          relativePath: `photo-${n}.png`,
          hash: createHash('sha256').update(bytes).digest('hex'),
        };
      }),
    );
    const settings = settingsFor(h.outputDir);
    const batchId = h.engine.createBatch(settings, plannedItems(images, settings));
    // The second picture is replaced after the scan: it must not be sent.
    writeFileSync(
      images[1]!.path,
      await sharp({ create: { width: 300, height: 300, channels: 3, background: 'white' } })
        .png()
        .toBuffer(),
    );
    h.engine.commands.startBatch(batchId);
    await h.engine.idle();
    const [good, changed] = h.engine.pageItems({ batchId, offset: 0, limit: 2 }).items;
    expect(good!.state).toBe('done');
    expect(changed).toMatchObject({ state: 'failed', errorCode: 'input_unreadable' });
    expect(changed!.errorMessage).toContain('photo-1.png');
    expect(h.sim.ledger.submits).toHaveLength(1);
    expect(h.sim.ledger.submits[0]!.imageHash).toBe(images[0]!.hash);
  });
});

describe('report and events', () => {
  it('writes a CSV row per item with state, reason, request id, cost and output path', async () => {
    h = await harness({ faults: { generationFailure: 0.5 }, seed: 4 });
    const { batchId } = h.batch(4);
    h.engine.commands.startBatch(batchId);
    await h.engine.idle();
    const csv = h.engine.reportCsv(batchId).trim().split('\n');
    expect(csv[0]).toBe(
      'file,prompt,state,reason,error_code,provider_message,request_id,cost_actual_usd,cost_estimated_usd,output_path,review',
    );
    expect(csv).toHaveLength(5);
    const items = h.engine.pageItems({ batchId, offset: 0, limit: 4 }).items;
    items.forEach((item, i) => {
      expect(csv[i + 1]).toContain(`${item.relativePath},${item.renderedPrompt},${item.state},`);
      expect(csv[i + 1]).toContain(item.requestId!);
    });
    expect(items.some((i) => i.state === 'failed')).toBe(true);
    expect(csv.some((line) => line.includes('failed') && line.includes('Generation failed'))).toBe(true);
    // The same report for a Chinese reader: the reason in Chinese, RunComfy's own words verbatim.
    const zh = h.engine.reportCsv(batchId, 'zh-CN');
    expect(zh).toMatch(/RunComfy 无法生成此视频：Generation failed/);
  });

  it('keeps error code, provider message, actual and estimated cost, and the verdict in their own columns', async () => {
    h = await harness({ faults: { generationFailure: 0.5 }, seed: 4 });
    const { batchId } = h.batch(4);
    h.engine.commands.startBatch(batchId);
    await h.engine.idle();
    const items = h.engine.pageItems({ batchId, offset: 0, limit: 4 }).items;
    const done = items.find((i) => i.state === 'done')!;
    const failed = items.find((i) => i.state === 'failed')!;
    h.engine.commands.reviewItem(done.id, 'rejected');
    const rows = parseCsv(h.engine.reportCsv(batchId), { columns: true }) as Record<string, string>[];
    const rowOf = (file: string) => rows.find((row) => row.file === file)!;
    expect(rowOf(done.relativePath)).toMatchObject({
      state: 'done',
      error_code: '',
      provider_message: '',
      cost_actual_usd: String(done.costUsd),
      cost_estimated_usd: String(done.estimatedCostUsd),
      review: 'rejected',
    });
    // A failed generation: no charge reported, the estimate still there, RunComfy's words apart.
    expect(rowOf(failed.relativePath)).toMatchObject({
      state: 'failed',
      error_code: failed.errorCode!,
      provider_message: expect.stringMatching(/Generation failed/),
      cost_actual_usd: failed.costUsd === null ? '' : String(failed.costUsd),
      cost_estimated_usd: String(failed.estimatedCostUsd),
      review: '',
    });
    expect(failed.errorCode).toMatch(/^[a-z_]+$/);
  });

  it('coalesces item changes in a short window and sends terminal states and batch changes at once', async () => {
    const hub = new EventHub(30);
    const seen: EngineEvent[] = [];
    hub.on((e) => seen.push(e));
    hub.item(1, 10, 'submitting');
    hub.item(1, 11, 'submitting');
    hub.item(1, 10, 'in_queue');
    expect(seen).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(seen).toEqual([
      {
        type: 'items',
        batchId: 1,
        changes: [
          { id: 10, state: 'in_queue' },
          { id: 11, state: 'submitting' },
        ],
      },
    ]);
    hub.item(1, 12, 'in_progress');
    hub.item(1, 11, 'done'); // terminal: flushes now, with what was pending
    expect(seen[1]).toEqual({
      type: 'items',
      batchId: 1,
      changes: [
        { id: 12, state: 'in_progress' },
        { id: 11, state: 'done' },
      ],
    });
    hub.emit({ type: 'batch', batchId: 1, state: 'paused', pauseReason: 'user' });
    expect(seen).toHaveLength(3);
  });
});
