// A temporary file's record is forgotten only once the file is gone: a delete that did not
// happen (the output folder unplugged at that moment, so the file "does not exist") keeps the
// record, and the file is removed once the folder is back.
import { mkdirSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type Db } from '../../../../main/core/db/connection';
import { JobStore } from '../../../../main/core/db/store';
import { TempFiles } from '../../../../main/core/engine/temp-files';
import type { EngineContext } from '../../../../main/core/engine/context';
import { systemClock } from '../../../../main/core/util/clock';
import { makeImages, plannedItems, settingsFor, tempDir } from './helpers';

let dir: ReturnType<typeof tempDir>;
let db: Db;
let store: JobStore;
let itemId: number;
let temp: TempFiles;
const out = () => join(dir.path, 'out');

beforeEach(() => {
  dir = tempDir('sm-temp-files-');
  db = openDatabase(join(dir.path, 'jobs.sqlite'));
  store = new JobStore(db);
  const settings = settingsFor(out());
  const batchId = store.batches.createBatch(
    settings,
    plannedItems(makeImages(dir.path, 1), settings),
    't',
    1000,
  );
  itemId = store.itemQueries.pageItems({ batchId, offset: 0, limit: 1 }).items[0]!.id;
  const ctx = {
    store,
    owner: 'test',
    clock: systemClock,
    limits: { leaseMs: 60_000 },
    log: () => {},
    closeSignal: new AbortController().signal,
  } as unknown as EngineContext;
  temp = new TempFiles(ctx);
});
afterEach(() => {
  closeDatabase(db);
  dir.remove();
});

describe('a temporary file in an output folder that is unplugged', () => {
  it('stays recorded while its folder is away, and is removed once it is back', async () => {
    mkdirSync(out(), { recursive: true });
    const part = join(out(), '.a.mp4.part-1-abc');
    const item = store.items.getItem(itemId)!;
    temp.record(item, part, 'sidecar');
    writeFileSync(part, 'bytes');
    // The drive is unplugged: the folder is not there, so neither is the file, for now.
    renameSync(out(), `${out()}-away`);
    expect(await temp.removeOf(itemId)).toBe(false);
    expect(store.tempFiles.tempFilesOf(itemId).map((f) => f.path)).toEqual([part]);
    // Plugged back: the next sweep removes it and forgets it.
    renameSync(`${out()}-away`, out());
    expect(existsSync(part)).toBe(true);
    expect(await temp.removeOf(itemId)).toBe(true);
    expect(existsSync(part)).toBe(false);
    expect(store.tempFiles.tempFilesOf(itemId)).toEqual([]);
  });
});
