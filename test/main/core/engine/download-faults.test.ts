// Downloads against the faults of a real night, beyond paid-once.test.ts and stalls.test.ts:
// each file error through the injectable fileOps ends in a retry, a parked item behind a batch
// condition, or a failure a person can act on (and Retry then downloads the paid video again,
// never pays again); the output folder is never created on the wrong drive; the network and
// link lifetimes decide retry or expiry.
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { EngineOptions } from '../../../../main/core/engine';
import type { EngineEvent, ItemState } from '../../../../main/core/domain';
import { harness, type Harness } from './harness';
import { until } from './helpers';
import { nodeFileOps } from '../../../../main/core/engine/download-files';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const TERMINAL: readonly ItemState[] = ['done', 'failed', 'cancelled', 'expired', 'unknown_submit'];
const isOutput = (url: string) => /\/outputs\/[^/?]+\.mp4/.test(url);
const created = (harnessed: Harness) => harnessed.sim.ledger.submits.filter((s) => s.created);
const fsError = (code: string, syscall: string) =>
  Object.assign(new Error(`${code}: simulated ${syscall} failure`), { code, syscall });

type FileOps = NonNullable<EngineOptions['fileOps']>;

/** Runs one item with `fileOps` failing while `failing()` says so. */
async function oneItem(fileOps: FileOps, engineOptions: Partial<EngineOptions> = {}) {
  h = await harness({}, { fileOps, ...engineOptions });
  const { batchId, itemIds } = h.batch(1);
  h.engine.commands.startBatch(batchId);
  return { batchId, id: itemIds[0]! };
}

async function untilParked(harnessed: Harness, batchId: number, id: number): Promise<void> {
  await until(
    () =>
      harnessed.engine.getBatch(batchId)!.condition?.code === 'output_unavailable' ||
      TERMINAL.includes(harnessed.engine.getItem(id)!.state),
    'the batch to show the output folder as not available',
  );
  const item = harnessed.engine.getItem(id)!;
  expect(item.state, `${item.errorCode}: ${item.errorMessage}`).toBe('downloading');
  const batch = harnessed.engine.getBatch(batchId)!;
  expect(batch.state).toBe('running');
  expect(batch.condition!.message).toContain(`Output folder not available: ${harnessed.outputDir}`);
}

/**
 * The folder disappears at once, as when its drive is pulled: renamed away, then removed. A
 * removal in place races the engine (a sidecar written into it meanwhile makes rmdir fail
 * ENOTEMPTY, seen once in 20 runs); a pulled drive takes everything in one step.
 */
function unplug(folder: string): void {
  const away = `${folder}-unplugged-${Math.random().toString(36).slice(2, 8)}`;
  renameSync(folder, away);
  rmSync(away, { recursive: true });
}
describe('downloads: file errors are classified', () => {
  it('EROFS (a read-only drive) parks the item behind a batch condition; it saves by itself once writable', async () => {
    let readOnly = true;
    const { batchId, id } = await oneItem({
      async open(path, flags) {
        if (readOnly) throw fsError('EROFS', 'open');
        return nodeFileOps.open(path, flags);
      },
    });
    await untilParked(h!, batchId, id);
    readOnly = false;
    await h!.engine.waitForItemState(id, 'done');
    expect(h!.engine.getBatch(batchId)!.condition ?? null).toBeNull();
    expect(created(h!)).toHaveLength(1);
  });

  it('EIO while writing parks the item (the disk is failing) and continues when writes work', async () => {
    let failing = true;
    const { batchId, id } = await oneItem({
      async write(handle, chunks) {
        if (failing) throw fsError('EIO', 'write');
        await handle.writev(chunks);
      },
    });
    await untilParked(h!, batchId, id);
    failing = false;
    await h!.engine.waitForItemState(id, 'done');
    expect(created(h!)).toHaveLength(1);
  });

  it('EBUSY (a file held open by an antivirus) is retried without failing or parking', async () => {
    let busy = 3;
    const { batchId, id } = await oneItem({
      async open(path, flags) {
        if (busy-- > 0) throw fsError('EBUSY', 'open');
        return nodeFileOps.open(path, flags);
      },
    });
    const end = await h!.engine.waitForItemState(id, TERMINAL);
    expect(end.state, end.errorMessage ?? '').toBe('done');
    expect(busy).toBeLessThan(0);
    expect(h!.engine.getBatch(batchId)!.condition ?? null).toBeNull();
  });

  it('EACCES on the file in a writable folder parks the paid video for a person, and saves it once fixed', async () => {
    let denied = true;
    const { batchId, id } = await oneItem(
      {
        async open(path, flags) {
          if (denied) throw fsError('EACCES', 'open');
          return nodeFileOps.open(path, flags);
        },
      },
      { outputRecheckMs: 2_000 },
    );
    const h1 = h!;
    await until(
      () => h1.engine.getBatch(batchId)!.condition?.code === 'output_blocked',
      'the batch to say why',
    );
    expect(h1.engine.getItem(id)!.state).toBe('downloading');
    expect(h1.engine.getBatch(batchId)!.condition!.message).toMatch(
      /cannot be saved as img-0000\.mp4 in .*EACCES.*saved by itself/s,
    );
    // The person fixes the permission; nothing else to click.
    denied = false;
    const end = await h1.engine.waitForItemState(id, TERMINAL);
    expect(end.state, end.errorMessage ?? '').toBe('done');
    expect(created(h1)).toHaveLength(1); // paid once
  });

  it('a rename that fails (no hard links, the name held by another program) is retried, then saved', async () => {
    let renameFailures = 2;
    const { id } = await oneItem({
      async link() {
        throw fsError('EXDEV', 'link'); // a file system without hard links: the rename fallback
      },
      async rename(from, to) {
        if (renameFailures-- > 0) throw fsError('EBUSY', 'rename');
        const { rename } = await import('node:fs/promises');
        await rename(from, to);
      },
    });
    const end = await h!.engine.waitForItemState(id, TERMINAL);
    expect(end.state, end.errorMessage ?? '').toBe('done');
    expect(existsSync(end.outputPath!)).toBe(true);
    expect(renameFailures).toBeLessThan(0);
  });

  it('a rename that keeps failing is never given up: the batch says saving is delayed, and it saves once it works', async () => {
    let failures = 0;
    let failing = true;
    const { batchId, id } = await oneItem(
      {
        async link(from, to) {
          if (failing) {
            failures++;
            throw fsError('EBUSY', 'link');
          }
          await nodeFileOps.link(from, to);
        },
      },
      { maxDownloadAttempts: 3 },
    );
    const h1 = h!;
    // Far more tries than the old limit of a few: a paid video is not given up for a busy file.
    await until(() => failures >= 10, 'many tries');
    expect(h1.engine.getItem(id)!.state).toBe('downloading');
    expect(h1.engine.getBatch(batchId)!.condition).toMatchObject({ code: 'saving_delayed' });
    expect(h1.engine.getBatch(batchId)!.condition!.message).toMatch(/EBUSY/);
    failing = false;
    const end = await h1.engine.waitForItemState(id, TERMINAL);
    expect(end.state, end.errorMessage ?? '').toBe('done');
    expect(h1.engine.getBatch(batchId)!.condition ?? null).toBeNull();
    expect(created(h1)).toHaveLength(1);
  });
});

describe('downloads: Retry after a save failure', () => {
  it('re-asks /result for a usable link and downloads the paid video; it never submits again', async () => {
    let foreign = true;
    const spy: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      if (!foreign || !String(input).includes('/result')) return response;
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
    const failed = await h.engine.waitForItemState(id, TERMINAL);
    expect(failed.state).toBe('failed');
    expect(failed.errorCode).toBe('unsafe_output_url');
    foreign = false; // the API base setting was fixed
    h.engine.commands.retryItem(id);
    expect(h.engine.getItem(id)!.state).toBe('downloading');
    const end = await h.engine.waitForItemState(id, TERMINAL);
    expect(end.state, end.errorMessage ?? '').toBe('done');
    expect(created(h)).toHaveLength(1);
    expect(end.requestId).toBe(created(h)[0]!.requestId);
  });
});

describe('downloads: the output folder', () => {
  it('is not created when the drive it is on is missing; it is once the drive is back', async () => {
    h = await harness();
    const mount = join(h.dir, 'media', 'usb-drive');
    const outputDir = join(mount, 'videos');
    const { batchId, itemIds } = h.batch(1, { outputDir });
    const id = itemIds[0]!;
    h.engine.commands.startBatch(batchId);
    const h1 = h;
    await until(() => h1.engine.getBatch(batchId)!.condition?.code === 'output_unavailable', 'the condition');
    expect(h.engine.getBatch(batchId)!.condition!.message).toContain(
      `Output folder not available: ${outputDir}`,
    );
    expect(h.engine.getItem(id)!.state).toBe('downloading');
    // Nothing was made under the missing mount point (that would be the system disk).
    expect(existsSync(join(h.dir, 'media'))).toBe(false);
    mkdirSync(mount, { recursive: true }); // the drive is plugged back in
    await h.engine.waitForItemState(id, 'done');
    expect(existsSync(join(outputDir, 'img-0000.mp4'))).toBe(true);
  });

  it('that vanished after videos were saved into it is waited for, not made again', async () => {
    // One at a time: the second video is generated (20 simulated minutes, 1.2 s real) after the
    // first is saved, with room for a slow machine between the two.
    h = await harness({ generationMs: () => 1_200_000 });
    const { batchId, itemIds } = h.batch(2, { concurrency: 1 });
    h.engine.commands.startBatch(batchId);
    const h1 = h;
    const doneIds = () => itemIds.filter((id) => h1.engine.getItem(id)!.state === 'done');
    await until(() => doneIds().length > 0, 'the first video to be saved');
    const later = itemIds.find((id) => !doneIds().includes(id))!;
    expect(['queued', 'submitting', 'in_queue', 'in_progress']).toContain(h.engine.getItem(later)!.state);
    unplug(h.outputDir); // the folder is gone, its parent is not
    await until(
      () => h1.engine.getBatch(batchId)!.condition?.code === 'output_unavailable',
      'the second video to wait for the folder',
    );
    expect(existsSync(h.outputDir)).toBe(false);
    mkdirSync(h.outputDir);
    await h.engine.waitForItemState(later, 'done');
    expect(h.engine.getBatch(batchId)!.condition ?? null).toBeNull();
  });
});

describe('downloads: the output folder the batch started with', () => {
  // The folder existed when the user pressed Start (the CLI and the app make it then), so a
  // missing folder later is an unplugged drive or an unmounted share even though no video was
  // saved into it yet: making it again would put the night's videos on the system disk.
  async function startedWithFolder() {
    h = await harness({ generationMs: () => 120_000 });
    mkdirSync(h.outputDir);
    const { batchId, itemIds } = h.batch(1);
    h.engine.commands.startBatch(batchId);
    const h1 = h;
    const id = itemIds[0]!;
    await until(() => ['in_queue', 'in_progress'].includes(h1.engine.getItem(id)!.state), 'the job to run');
    return { batchId, id };
  }

  it('vanished before any video was saved: waited for, not made again', async () => {
    const { batchId, id } = await startedWithFolder();
    unplug(h!.outputDir); // the parent stays: an unmounted share's mount point
    const h1 = h!;
    await until(() => h1.engine.getBatch(batchId)!.condition?.code === 'output_unavailable', 'the condition');
    expect(existsSync(h1.outputDir)).toBe(false);
    expect(h1.engine.getItem(id)!.state).toBe('downloading');
    mkdirSync(h1.outputDir); // mounted again
    await h1.engine.waitForItemState(id, 'done');
    expect(existsSync(join(h1.outputDir, 'img-0000.mp4'))).toBe(true);
  });

  it('vanished while the app was closed, before any video was saved: waited for after the restart', async () => {
    const { batchId, id } = await startedWithFolder();
    const h1 = h!;
    await h1.engine.close();
    unplug(h1.outputDir);
    const engine = h1.restart();
    await until(() => engine.getBatch(batchId)!.condition?.code === 'output_unavailable', 'the condition');
    expect(existsSync(h1.outputDir)).toBe(false);
    mkdirSync(h1.outputDir);
    await engine.waitForItemState(id, 'done');
  });
});

describe('downloads: the network and the link', () => {
  it('shows "waiting for the network" on the batch during an outage and clears it after the next save', async () => {
    let outageEndsAt: number | null = null;
    let sawCondition = false;
    const spy: typeof fetch = async (input, init) => {
      if (isOutput(String(input))) {
        outageEndsAt ??= h!.clock.now() + 5 * 60_000;
        if (h!.clock.now() < outageEndsAt)
          throw new TypeError('fetch failed', { cause: { code: 'ENETUNREACH' } });
      }
      return fetch(input, init);
    };
    h = await harness({}, { fetch: spy });
    const { batchId, itemIds } = h.batch(1);
    h.engine.commands.startBatch(batchId);
    const h1 = h;
    await until(() => {
      const condition = h1.engine.getBatch(batchId)!.condition;
      if (condition?.code === 'network_down') sawCondition = true;
      return sawCondition || TERMINAL.includes(h1.engine.getItem(itemIds[0]!)!.state);
    }, 'the network condition');
    expect(sawCondition).toBe(true);
    expect(h.engine.getBatch(batchId)!.condition!.message).toMatch(/^Waiting for the network/);
    expect(h.engine.getBatch(batchId)!.state).toBe('running');
    const end = await h.engine.waitForItemState(itemIds[0]!, TERMINAL);
    expect(end.state, end.errorMessage ?? '').toBe('done');
    expect(h.engine.getBatch(batchId)!.condition ?? null).toBeNull();
  });

  it('a link that keeps refusing past its likely lifetime is expired (while /result still knows the job)', async () => {
    const refusedAt: number[] = [];
    const spy: typeof fetch = async (input, init) => {
      if (!isOutput(String(input))) return fetch(input, init);
      refusedAt.push(h!.clock.now());
      return new Response('gone', { status: 410 });
    };
    h = await harness({}, { fetch: spy, outputLinkLifetimeMs: 5 * 60_000 });
    const { batchId, itemIds } = h.batch(1);
    h.engine.commands.startBatch(batchId);
    const end = await h.engine.waitForItemState(itemIds[0]!, TERMINAL);
    expect(end.state).toBe('expired');
    expect(end.errorCode).toBe('output_expired');
    expect(end.errorMessage).toContain('HTTP 410 for too long');
    // Tried through the link's lifetime (with back-off), not given up at the first refusal: the
    // lifetime counts from the job's end (measured from there, not from the first try, which a
    // busy machine may start late).
    expect(refusedAt.length).toBeGreaterThanOrEqual(3);
    const generatedAt = h.engine.itemEvents(end.id).find((e) => e.toState === 'downloading')!.at;
    // (Less the few simulated seconds between the last try and the decision, at 1 s per real ms.)
    expect(refusedAt.at(-1)! - generatedAt).toBeGreaterThanOrEqual(4.5 * 60_000);
    expect(created(h)).toHaveLength(1);
    // Its temporary file, and the item's record of it, are gone once it ended.
    await h.engine.idle();
    const raw = new Database(h.dbPath, { readonly: true });
    expect(raw.prepare('SELECT part_path FROM items WHERE id = ?').get(end.id)).toEqual({ part_path: null });
    expect(raw.prepare('SELECT count(*) AS n FROM temp_files').get()).toEqual({ n: 0 });
    raw.close();
  });

  it('a link refused in a row for longer than a CDN needs to catch up is expired within its lifetime', async () => {
    const refusedAt: number[] = [];
    const spy: typeof fetch = async (input, init) => {
      if (!isOutput(String(input))) return fetch(input, init);
      refusedAt.push(h!.clock.now());
      return new Response('<html>Not Found</html>', { status: 404 });
    };
    h = await harness({}, { fetch: spy, linkRefusalGraceMs: 3 * 60_000 }); // lifetime: 1 h default
    const { batchId, itemIds } = h.batch(1);
    h.engine.commands.startBatch(batchId);
    const end = await h.engine.waitForItemState(itemIds[0]!, TERMINAL);
    expect(end.state).toBe('expired');
    expect(end.errorCode).toBe('output_expired');
    // The engine measures the grace from the moment it decides to ask, this spy when the request
    // reaches fetch; at the harness's speed one real millisecond of load between the two is a
    // simulated second (a CI run saw 179 s), so the check allows 10 s of that.
    const span = refusedAt.at(-1)! - refusedAt[0]!;
    expect(span).toBeGreaterThanOrEqual(3 * 60_000 - 10_000);
    expect(span).toBeLessThan(60 * 60_000);
  });

  // Found by the short soak (3-minute links, 5% 5xx): an expired link's 404s were broken up by
  // the CDN's own 5xx, the "refused in a row" count started over at each, and the first 5xx past
  // the link's likely lifetime ended the paid video `download_failed` instead of `expired`.
  it('a link that refuses, broken up by 5xx answers, is expired (not download_failed) past its lifetime', async () => {
    const answers: number[] = [];
    const spy: typeof fetch = async (input, init) => {
      if (!isOutput(String(input))) return fetch(input, init);
      const status = answers.length % 2 === 0 ? 404 : 503;
      answers.push(status);
      return new Response(status === 404 ? 'Not Found' : 'busy', { status });
    };
    // No refusal grace inside the lifetime: only the lifetime ends this one.
    h = await harness(
      {},
      { fetch: spy, outputLinkLifetimeMs: 5 * 60_000, linkRefusalGraceMs: 10 * 3_600_000 },
    );
    const { batchId, itemIds } = h.batch(1);
    h.engine.commands.startBatch(batchId);
    const end = await h.engine.waitForItemState(itemIds[0]!, TERMINAL);
    expect(end.state, `${end.errorCode}: ${end.errorMessage}`).toBe('expired');
    expect(end.errorCode).toBe('output_expired');
    expect(answers.filter((s) => s === 404).length).toBeGreaterThanOrEqual(3);
    expect(created(h)).toHaveLength(1);
  });

  it('a network outage longer than the link lifetime holds the download; it saves the video once back', async () => {
    let outageEndsAt: number | null = null;
    const spy: typeof fetch = async (input, init) => {
      if (isOutput(String(input))) {
        outageEndsAt ??= h!.clock.now() + 15 * 60_000;
        if (h!.clock.now() < outageEndsAt)
          throw new TypeError('fetch failed', { cause: { code: 'ENETUNREACH' } });
      }
      return fetch(input, init);
    };
    // The link outlives the engine's guess of its lifetime (RunComfy does not say how long it lives).
    h = await harness({}, { fetch: spy, outputLinkLifetimeMs: 5 * 60_000 });
    const { batchId, itemIds } = h.batch(1);
    h.engine.commands.startBatch(batchId);
    const end = await h.engine.waitForItemState(itemIds[0]!, TERMINAL);
    expect(end.state, `${end.errorCode}: ${end.errorMessage}`).toBe('done');
    expect(h.clock.now()).toBeGreaterThanOrEqual(outageEndsAt!);
    expect(created(h)).toHaveLength(1);
  });

  it('a refused link whose request /result no longer knows (404001) is expired at once', async () => {
    let linkRefused = false;
    const spy: typeof fetch = async (input, init) => {
      const url = String(input);
      if (isOutput(url)) {
        linkRefused = true;
        return new Response('Not Found', { status: 404 });
      }
      // After the link was refused, the download's look at /result finds the request gone.
      if (linkRefused && /\/result\b/.test(url))
        return Response.json({ error_code: 404001, error_message: 'Request not found' }, { status: 404 });
      return fetch(input, init);
    };
    h = await harness({}, { fetch: spy });
    const { batchId, itemIds } = h.batch(1);
    h.engine.commands.startBatch(batchId);
    const end = await h.engine.waitForItemState(itemIds[0]!, TERMINAL);
    expect(end.state).toBe('expired');
    expect(end.errorMessage).toMatch(/no longer knows request/);
    expect(created(h)).toHaveLength(1);
  });
});

describe('downloads: the lease', () => {
  it('stop when another process took the batch over (the held batches are checked before each try)', async () => {
    let outputRequests = 0;
    const spy: typeof fetch = async (input, init) => {
      if (!isOutput(String(input))) return fetch(input, init);
      outputRequests++;
      throw new TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } });
    };
    h = await harness({}, { fetch: spy, leaseMs: 60_000 });
    const { batchId, itemIds } = h.batch(1);
    const events: EngineEvent[] = [];
    h.engine.on((event) => events.push(event));
    h.engine.commands.startBatch(batchId);
    await until(() => outputRequests >= 2, 'the download to be retrying');
    const raw = new Database(h.dbPath);
    raw
      .prepare('UPDATE batches SET lease_owner = ?, lease_expires_at = ? WHERE id = ?')
      .run('other-process', h.clock.now() + 24 * 3_600_000, batchId);
    raw.close();
    await until(
      () => events.some((e) => e.type === 'batch' && e.pauseReason === 'lease_lost'),
      'the engine to notice the lease is lost',
    );
    const before = outputRequests;
    const h1 = h;
    const watchUntil = h.clock.now() + 5 * 60_000;
    await until(() => h1.clock.now() >= watchUntil, 'five simulated minutes');
    // An attempt already past its check when the lease went may still send its one request (on a
    // loaded machine it can start after the event); a driver that kept going would have retried
    // several times in five minutes (the back-off is capped near one minute).
    expect(outputRequests - before).toBeLessThanOrEqual(1);
    expect(h.engine.getItem(itemIds[0]!)!.state).toBe('downloading'); // the new owner's to finish
  });
});
