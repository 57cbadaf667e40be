// What a power cut may take: the writes committed without an fsync of their own (the final
// `done` move, a job seen running, the lease renewal; a part file's name is recorded durably
// before the file exists, so a crashed writer's part is found and continued). Each test leaves
// the database as the last fsync'd commit did and restarts: the engine must finish the item
// without paying again, without downloading a placed video again, and without losing one.
import { spawnSync } from 'node:child_process';
import { copyFileSync, readdirSync, rmSync, truncateSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../../../main/core/db/connection';
import { JobStore } from '../../../../main/core/db/store';
import { partPathFor } from '../../../../main/core/engine/download-files';
import { attemptTag } from '../../../../main/core/engine/temp-files';
import { harness, type Harness } from './harness';
import { tempDir } from './helpers';

/** A video's file and its sidecar (`<name>.json`, on by default), as readdir sorts them. */
const withSidecar = (video: string) => [video.replace(/\.mp4$/, '.json'), video].sort();

let h: Harness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

/** Runs one item to done, closes the engine, and gives the item and its saved video. */
async function oneDone() {
  h = await harness({ outputBytes: 256 * 1024 });
  const { batchId, itemIds } = h.batch(1);
  h.engine.commands.startBatch(batchId);
  const done = await h.engine.waitForItemState(itemIds[0]!, 'done');
  await h.engine.close();
  const sha = h.sim.ledger.jobs.get(done.requestId!)!.outputSha256;
  return { batchId, done, sha, downloads: h.sim.ledger.downloads.length };
}

/** The pid of a process that has ended (a crashed writer's, as far as this machine can tell). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

/** Edits the database file directly, as if the commits after the last fsync'd one were lost. */
function rewind(dbPath: string, sql: string, params: Record<string, unknown>): void {
  const db = new Database(dbPath);
  db.prepare(sql).run(params);
  db.prepare(`UPDATE batches SET state = 'running' WHERE id = :batchId`).run(params);
  db.close();
}

describe('a power cut that loses the writes made without their own fsync', () => {
  it('ends an item still downloading whose video is in place done, without downloading it again', async () => {
    const { batchId, done, sha, downloads } = await oneDone();
    const h1 = h!;
    // The name and hash were stored (fsync'd) before the file was placed; `done` was not.
    const part = partPathFor(join(h1.outputDir, done.outputRelativePath!), done.id);
    rewind(
      h1.dbPath,
      `UPDATE items SET state = 'downloading', finished_at = NULL, part_path = :part WHERE id = :id`,
      { id: done.id, part, batchId },
    );
    const engine = h1.restart();
    const again = await engine.waitForItemState(done.id, 'done');
    expect(again.outputPath).toBe(done.outputPath);
    expect(h1.sha256(again.outputPath!)).toBe(sha);
    expect(h1.sim.ledger.downloads).toHaveLength(downloads); // not fetched again
    expect(h1.sim.ledger.submits.filter((s) => s.created)).toHaveLength(1);
    // No twin, no .part: the video and its sidecar only.
    expect(readdirSync(h1.outputDir)).toEqual(withSidecar(done.outputRelativePath!));
  });

  it('continues the .part a crashed process left (recorded before it was made) with a Range request', async () => {
    const { batchId, done, sha, downloads } = await oneDone();
    const h1 = h!;
    // Mid-download: half the video in the part file of a process that no longer runs, its
    // name recorded (temporary files are recorded before they exist), nothing placed yet.
    const crashed = `cli:${hostname()}:${deadPid()}`;
    const part = partPathFor(
      join(h1.outputDir, done.outputRelativePath!),
      done.id,
      attemptTag(done.requestId, crashed),
    );
    copyFileSync(done.outputPath!, part);
    truncateSync(part, 128 * 1024);
    rmSync(done.outputPath!);
    rewind(
      h1.dbPath,
      `UPDATE items SET state = 'downloading', finished_at = NULL, part_path = NULL, output_path = NULL,
         output_sha256 = NULL, output_bytes = NULL WHERE id = :id`,
      { id: done.id, batchId },
    );
    rewind(
      h1.dbPath,
      `INSERT INTO temp_files (path, item_id, kind, request_id, owner, created_at)
         VALUES (:part, :id, 'part', :requestId, :crashed, 0)`,
      { part, id: done.id, requestId: done.requestId, crashed, batchId },
    );
    const engine = h1.restart();
    const again = await engine.waitForItemState(done.id, 'done');
    expect(h1.sha256(again.outputPath!)).toBe(sha);
    const fetched = h1.sim.ledger.downloads.slice(downloads);
    expect(fetched).toHaveLength(1);
    expect(fetched[0]).toMatchObject({ httpStatus: 206, range: 'bytes=131072-' });
    await engine.idle();
    expect(readdirSync(h1.outputDir)).toEqual(withSidecar(done.outputRelativePath!));
  });

  it('never continues the .part of a writer that may still run; it starts over and removes it after', async () => {
    const { batchId, done, sha, downloads } = await oneDone();
    const h1 = h!;
    // Another machine's process (a shared folder): it may only be asleep, so its bytes are its own.
    const elsewhere = 'cli:another-host:4242';
    const part = partPathFor(
      join(h1.outputDir, done.outputRelativePath!),
      done.id,
      attemptTag(done.requestId, elsewhere),
    );
    copyFileSync(done.outputPath!, part);
    truncateSync(part, 128 * 1024);
    rmSync(done.outputPath!);
    rewind(
      h1.dbPath,
      `UPDATE items SET state = 'downloading', finished_at = NULL, part_path = NULL, output_path = NULL,
         output_sha256 = NULL, output_bytes = NULL WHERE id = :id`,
      { id: done.id, batchId },
    );
    rewind(
      h1.dbPath,
      `INSERT INTO temp_files (path, item_id, kind, request_id, owner, created_at)
         VALUES (:part, :id, 'part', :requestId, :elsewhere, 0)`,
      { part, id: done.id, requestId: done.requestId, elsewhere, batchId },
    );
    const engine = h1.restart();
    const again = await engine.waitForItemState(done.id, 'done');
    expect(h1.sha256(again.outputPath!)).toBe(sha);
    expect(h1.sim.ledger.downloads.slice(downloads)).toMatchObject([{ httpStatus: 200, range: null }]);
    await engine.idle();
    expect(readdirSync(h1.outputDir)).toEqual(withSidecar(done.outputRelativePath!));
  });

  it('polls a job whose "running" was lost and downloads it once, never submitting it again', async () => {
    const { batchId, done, sha, downloads } = await oneDone();
    const h1 = h!;
    rmSync(done.outputPath!);
    rewind(
      h1.dbPath,
      `UPDATE items SET state = 'in_queue', running_seen_at = NULL, finished_at = NULL, part_path = NULL,
         output_path = NULL, output_sha256 = NULL, output_bytes = NULL WHERE id = :id`,
      { id: done.id, batchId },
    );
    const engine = h1.restart();
    const again = await engine.waitForItemState(done.id, 'done');
    expect(again.requestId).toBe(done.requestId);
    expect(h1.sha256(again.outputPath!)).toBe(sha);
    expect(h1.sim.ledger.submits.filter((s) => s.created)).toHaveLength(1);
    expect(h1.sim.ledger.downloads.length).toBe(downloads + 1);
  });
});

describe('writes without their own fsync', () => {
  it('are made with synchronous = NORMAL and put FULL back after, also when they throw', () => {
    const dir = tempDir('sm-nofsync-');
    const db = openDatabase(join(dir.path, 'jobs.sqlite'));
    const store = new JobStore(db);
    const level = () => db.pragma('synchronous', { simple: true });
    expect(level()).toBe(2);
    // Twice: a prepared PRAGMA applied its setting once, when prepared, not on every run.
    for (let i = 0; i < 2; i++) {
      expect(store.sql.withoutFsync(level)).toBe(1);
      expect(level()).toBe(2);
    }
    expect(() =>
      store.sql.withoutFsync(() => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(level()).toBe(2);
    // Inside a transaction SQLite cannot change it: the write joins the (fsync'd) commit.
    expect(db.transaction(() => store.sql.withoutFsync(level))()).toBe(2);
    closeDatabase(db);
    dir.remove();
  });
});
