// A paid video is saved with its own job's bytes, once, whatever the machine does: a partial
// file is only ever continued by the attempt (request and writer) that began it, a process
// that lost its lease (suspended, or the clock stepped past it) stops writing at once, and a
// video server that goes silent is cut and asked again instead of holding a download slot.
import { copyFileSync, existsSync, readdirSync, rmSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { partPathFor } from '../../../../main/core/engine/download-files';
import { attemptTag } from '../../../../main/core/engine/temp-files';
import { scaledClock, type Clock } from '../../../../main/core/util/clock';
import { harness, SPEED, type Harness } from './harness';
import { partFiles, until } from './helpers';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const sidecarOf = (video: string) => video.replace(/\.mp4$/, '.json');

describe('a partial file belongs to one attempt', () => {
  it('a new paid attempt never continues an earlier attempt’s partial file (even one whose delete failed)', async () => {
    h = await harness({ outputBytes: 256 * 1024 });
    const { batchId, itemIds } = h.batch(1);
    const id = itemIds[0]!;
    h.engine.commands.startBatch(batchId);
    const first = await h.engine.waitForItemState(id, 'done');
    await h.engine.idle();
    // The first attempt is judged failed and retried (a new, paid generation); its partial file
    // was left behind, under the names releases gave it, as if its delete had failed.
    const target = join(h.outputDir, first.outputRelativePath!);
    const stale = [
      partPathFor(target, id),
      partPathFor(target, id, attemptTag(first.requestId, 'test-engine')),
    ];
    for (const part of stale) {
      copyFileSync(first.outputPath!, part);
      truncateSync(part, 128 * 1024);
    }
    rmSync(first.outputPath!);
    rmSync(sidecarOf(first.outputPath!));
    const raw = new Database(h.dbPath);
    raw
      .prepare(
        `UPDATE items SET state = 'failed', error_code = 'generation_failed', part_path = ? WHERE id = ?`,
      )
      .run(stale[0], id);
    raw
      .prepare(
        `INSERT INTO temp_files (path, item_id, kind, request_id, owner, created_at) VALUES (?, ?, 'part', ?, 'test-engine', 0)`,
      )
      .run(stale[1], id, first.requestId);
    raw.prepare(`UPDATE batches SET state = 'finished' WHERE id = ?`).run(batchId);
    raw.close();
    h.engine.commands.retryItem(id);
    const second = await h.engine.waitForItemState(id, 'done');
    expect(second.requestId).not.toBe(first.requestId);
    // Its own job's bytes, fetched whole (never a Range on top of the other job's bytes).
    expect(h.sha256(second.outputPath!)).toBe(h.sim.ledger.jobs.get(second.requestId!)!.outputSha256);
    const fetched = h.sim.ledger.downloads.filter((d) => d.requestId === second.requestId);
    expect(fetched.map((d) => d.range)).toEqual([null]);
    await h.engine.idle();
    expect(partFiles(h.outputDir)).toEqual([]);
  });
});

describe('a process that lost its lease mid-download', () => {
  it('stops writing at once; the video saved is its own job’s, once, with nothing left over', async () => {
    // The machine's clock (both processes') can step; the server's cannot.
    let offset = 0;
    const base = scaledClock(SPEED);
    const machine: Clock = { now: () => base.now() + offset, sleep: base.sleep };
    const logged: string[] = [];
    h = await harness(
      {
        generationMs: () => 10_000,
        outputBytes: 1024 * 1024,
        faults: { slowDownload: 1, slowDownloadBytesPerSec: 256 * 1024 },
      },
      { clock: machine, log: (level, message) => void logged.push(`${level}: ${message}`) },
    );
    const { batchId, itemIds } = h.batch(1);
    const id = itemIds[0]!;
    const suspended = h.engine;
    suspended.commands.startBatch(batchId);
    const h1 = h;
    await suspended.waitForItemState(id, 'downloading');
    await until(
      () => existsSync(h1.outputDir) && partFiles(h1.outputDir).length === 1,
      'the first bytes on disk',
    );
    // The laptop slept past the lease (the clock steps 20 minutes), and another process (the
    // CLI, a second window) takes the batch over while the first one wakes up and goes on.
    offset += 20 * 60_000;
    const heir = h.restart({ owner: 'heir' });
    await until(() => heir.leaseHolder(batchId)?.owner === 'heir', 'the takeover');
    const end = await heir.waitForItemState(id, ['done', 'failed', 'expired'], 30_000);
    expect(end.state, end.errorMessage ?? '').toBe('done');
    await until(() => logged.some((line) => /batch \d+: lease lost to heir/.test(line)), 'the first to stop');
    await heir.idle();
    await suspended.close();
    const requestId = end.requestId!;
    expect(h.sha256(end.outputPath!)).toBe(h.sim.ledger.jobs.get(requestId)!.outputSha256);
    // One video and its sidecar: no second copy, no partial file, nothing the database does not name.
    expect(readdirSync(h.outputDir).sort()).toEqual(
      [end.outputRelativePath!, sidecarOf(end.outputRelativePath!)].sort(),
    );
  });
});

describe('a video server that goes silent', () => {
  it('is cut after the idle timeout and asked again; the video is saved', async () => {
    let silences = 1;
    const silentOnce: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!/\/outputs\//.test(String(input)) || silences-- <= 0) return response;
      // The first bytes come, then nothing, with the connection left open.
      const reader = response.body!.getReader();
      const first = await reader.read();
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          if (!first.done) controller.enqueue(first.value);
          init?.signal?.addEventListener('abort', () => controller.error(init.signal!.reason));
        },
      });
      return new Response(body, { status: response.status, headers: response.headers });
    };
    h = await harness({ outputBytes: 256 * 1024 }, { fetch: silentOnce, downloadIdleTimeoutMs: 500 });
    const { batchId, itemIds } = h.batch(1);
    h.engine.commands.startBatch(batchId);
    const end = await h.engine.waitForItemState(itemIds[0]!, ['done', 'failed'], 20_000);
    expect(end.state, end.errorMessage ?? '').toBe('done');
    expect(silences).toBeLessThan(0);
    expect(h.sha256(end.outputPath!)).toBe(h.sim.ledger.jobs.get(end.requestId!)!.outputSha256);
  });
});
