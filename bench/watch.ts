// Bench 13, watch folders: how soon a watching batch takes a new complete image. A running
// watching batch (engine.createBatch(..., { watchFolders })) and the app's folder watch
// (main/core/app/folder-watch.ts) on the real clock, a simulator in this process; 10 images
// copied into the watched folder one by one at uneven moments (so they fall at every phase of
// the watch's timer), each timed from its last write (the file's mtime) to its item's creation
// and to its submit (the item's createdAt and submittedAt). Baseline: the design's floor, the
// watch's look interval plus the time a file must stay unchanged before it is taken. Run with
// the shipped timing (a look every 2 s, 5 s unchanged), then with a short one (0.5 s, 1.5 s)
// to show what the watch itself adds beyond its waits.
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { watchFolders } from '../main/core/app/folder-watch';
import { createIntake } from '../main/core/intake';
import { DEMO_API_KEY, startSimulator } from '../main/core/simulator';
import { systemClock } from '../main/core/util/clock';
import { settingsFor } from '../test/main/core/engine/helpers';
import { benchEngine, percentile, ratio, tempDir, tinyImages, type Row } from './lib';

const IMAGES = 10;
/** Real ms between two copies: not a multiple of any look interval, so the phases spread. */
const SPACING_MS = 730;

interface WatchTiming {
  pollMs: number;
  stableMs: number;
}

interface WatchRun {
  /** Per image, real ms from its mtime to its item's creation. */
  taken: number[];
  /** Per image, real ms from its mtime to its item's submit. */
  submitted: number[];
}

async function runWatch(timing: WatchTiming): Promise<WatchRun> {
  const dir = tempDir('sm-bench-watch-');
  const sim = await startSimulator({
    concurrencyCap: IMAGES,
    generationMs: () => 1_000,
    apiKeys: { [DEMO_API_KEY]: 1_000 },
  });
  const engine = benchEngine(dir.path, systemClock, sim.url);
  const watched = join(dir.path, 'incoming');
  mkdirSync(watched);
  const sources = tinyImages(join(dir.path, 'sources'), IMAGES);
  // As many at once as images: a submit never waits for a slot, only for the watch.
  const settings = settingsFor(join(dir.path, 'out'), { concurrency: IMAGES });
  const batchId = engine.createBatch(settings, [], 'watch bench', {
    watchFolders: [watched],
  });
  engine.commands.startBatch(batchId);
  const intake = createIntake({ findDone: (hash, fingerprint) => engine.findDone(hash, fingerprint) });
  const submittedAll = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not every image was submitted within 60 s`)), 60_000);
    const off = engine.on(() => {
      const items = engine.pageItems({ batchId, offset: 0, limit: IMAGES }).items;
      if (items.length === IMAGES && items.every((item) => item.submittedAt !== null)) {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
  });
  const watch = watchFolders({
    engine: {
      queue: engine.queue,
      getBatch: (id) => engine.getBatch(id),
      leaseHolder: (id) => engine.leaseHolder(id),
    },
    intake,
    clock: systemClock,
    ...timing,
    log: (level, message) => level !== 'info' && console.warn(`watch: ${message}`),
  });
  try {
    const lastWrite = new Map<string, number>();
    for (const source of sources) {
      const target = join(watched, source.relativePath);
      copyFileSync(source.path, target);
      lastWrite.set(target, statSync(target).mtimeMs);
      await systemClock.sleep(SPACING_MS);
    }
    await submittedAll;
    const items = engine.pageItems({ batchId, offset: 0, limit: IMAGES }).items;
    const since = (item: (typeof items)[number]) => {
      const written = lastWrite.get(item.sourcePath);
      if (written === undefined)
        throw new Error(`item ${item.id} is of a file the bench did not copy: ${item.sourcePath}`);
      return written;
    };
    return {
      taken: items.map((item) => item.createdAt - since(item)),
      submitted: items.map((item) => item.submittedAt! - since(item)),
    };
  } finally {
    watch.close();
    await engine.close();
    await sim.close();
    dir.remove();
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

export async function benchWatch(): Promise<Row[]> {
  const shipped = await runWatch({ pollMs: 2_000, stableMs: 5_000 });
  const short = await runWatch({ pollMs: 500, stableMs: 1_500 });
  console.log(JSON.stringify({ shipped, short }));
  const row = (run: WatchRun, timing: WatchTiming, what: string): Row => {
    const floor = timing.pollMs + timing.stableMs;
    const median = percentile(run.taken, 0.5);
    return {
      bench: '13 watch',
      name: `${what}: last write (mtime) -> item created, median (max); -> submitted, median; ${IMAGES} images copied in one by one`,
      figure: `${seconds(median)} (${seconds(Math.max(...run.taken))}); ${seconds(percentile(run.submitted, 0.5))}`,
      baseline: `floor: look every ${seconds(timing.pollMs)} + ${seconds(timing.stableMs)} unchanged = ${seconds(floor)}`,
      ratio: ratio(median, floor),
    };
  };
  return [
    row(shipped, { pollMs: 2_000, stableMs: 5_000 }, 'watch folder as shipped'),
    row(short, { pollMs: 500, stableMs: 1_500 }, 'the same watch with a 0.5 s look and 1.5 s unchanged'),
  ];
}
