// Bench 3: intake of 10,000 small images in nested folders: scan (walk, sniff, check, hash),
// plan (templates, requests, estimates) and enqueue (createBatch: one SQLite transaction), as
// the app does after a drop. Baseline: a bare walk that only stats each file and reads its
// first 64 bytes (the least any intake must do).
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { createCoreServices } from '../main/core/index';
import { DEFAULT_SETTINGS } from '../main/core/domain';
import { ratio, tempDir, type Row } from './lib';

const COUNT = 10_000;
const CACHE = join(tmpdir(), 'stillmotion-bench-intake-10k-v1');

/**
 * 10,000 distinct 320x320 JPEGs in 100 folders of 100 (shoot-NN/set-N/img-NNNNN.jpg), made
 * once and kept: four sharp-made pictures, each copy made unique by a JPEG comment segment
 * (so the intake sees 10,000 different images, not duplicates).
 */
async function ensureImages(): Promise<string> {
  const marker = join(CACHE, '.complete');
  if (existsSync(marker)) return CACHE;
  const bases = await Promise.all(
    [0, 1, 2, 3].map((i) =>
      sharp({
        create: { width: 320, height: 320, channels: 3, background: { r: 40 * i, g: 120, b: 200 - 30 * i } },
      })
        .jpeg({ quality: 80 })
        .toBuffer(),
    ),
  );
  for (let i = 0; i < COUNT; i++) {
    const folder = join(
      CACHE,
      `shoot-${String(Math.floor(i / 100)).padStart(2, '0')}`,
      `set-${Math.floor(i / 20) % 5}`,
    );
    if (i % 20 === 0) mkdirSync(folder, { recursive: true });
    const base = bases[i % 4]!;
    const text = Buffer.from(`stillmotion bench ${i}`);
    const comment = Buffer.alloc(4);
    comment.writeUInt16BE(0xfffe, 0);
    comment.writeUInt16BE(text.length + 2, 2);
    writeFileSync(
      join(folder, `img-${String(i).padStart(5, '0')}.jpg`),
      Buffer.concat([base.subarray(0, 2), comment, text, base.subarray(2)]),
    );
  }
  writeFileSync(marker, '');
  return CACHE;
}

async function bareWalk(root: string): Promise<number> {
  let files = 0;
  const head = Buffer.alloc(64);
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && !entry.name.startsWith('.')) {
        await stat(path);
        const handle = await open(path, 'r');
        await handle.read(head, 0, 64, 0);
        await handle.close();
        files++;
      }
    }
  };
  await walk(root);
  return files;
}

export async function benchIntake(): Promise<Row[]> {
  const root = await ensureImages();
  // Warm the page cache for both, so neither pays for the first disk read.
  await bareWalk(root);
  const t0 = performance.now();
  const bareFiles = await bareWalk(root);
  const bareMs = performance.now() - t0;

  const dir = tempDir('sm-bench-intake-');
  const { engine, intake } = createCoreServices({
    dbPath: join(dir.path, 'jobs.sqlite'),
    adoptBatches: false,
  });
  try {
    const settings = {
      ...DEFAULT_SETTINGS,
      outputDir: join(dir.path, 'out'),
      promptTemplate: 'A slow pan over {name} in {folder}',
    };
    const t1 = performance.now();
    const scan = await intake.scan([root]);
    const t2 = performance.now();
    const plan = intake.plan(scan, settings);
    const t3 = performance.now();
    const batchId = engine.createBatch(settings, plan.items);
    const t4 = performance.now();
    const batch = engine.getBatch(batchId)!;
    if (scan.images.length !== COUNT || plan.toSend !== COUNT || batch.total !== COUNT)
      throw new Error(
        `intake saw ${scan.images.length} images, ${plan.toSend} to send, batch of ${batch.total}`,
      );
    if (bareFiles !== COUNT) throw new Error(`bare walk saw ${bareFiles} files`);
    const totalMs = t4 - t1;
    console.log(JSON.stringify({ bareMs, scanMs: t2 - t1, planMs: t3 - t2, enqueueMs: t4 - t3 }));
    return [
      {
        bench: '3 intake',
        name: `scan+plan+enqueue ${COUNT} JPEGs (scan ${Math.round(t2 - t1)} / plan ${Math.round(t3 - t2)} / enqueue ${Math.round(t4 - t3)} ms)`,
        figure: `${(totalMs / 1000).toFixed(2)} s (${Math.round(COUNT / (totalMs / 1000))} images/s)`,
        baseline: `bare stat + 64-byte read: ${(bareMs / 1000).toFixed(2)} s`,
        ratio: ratio(totalMs, bareMs, 1),
      },
    ];
  } finally {
    await engine.close();
    dir.remove();
  }
}
