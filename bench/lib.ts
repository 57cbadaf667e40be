// Shared pieces of the benchmarks: tiny images the simulator accepts, planned items as the
// intake would make them, a batch of them, waiting for a batch, a simulator in a child process
// (so its CPU and memory are not counted against the engine) and engines on its fast clock, and
// the result rows every bench returns.
import { fork, type ChildProcess } from 'node:child_process';
import { crc32 } from 'node:zlib';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// Temp folders, settings and planned items are the engine tests' own fixtures: one definition.
export { tempDir } from '../test/main/core/engine/helpers';
import { plannedItems, settingsFor } from '../test/main/core/engine/helpers';
import { createCoreServices, type CoreOptions } from '../main/core';
import type { Engine } from '../main/core/engine';
import { DEMO_API_KEY, type LedgerAudit, type SimulatorOptions } from '../main/core/simulator';
import { scaledClock, type Clock } from '../main/core/util/clock';

/** One line of the final table: name | figure | baseline | ratio. */
export interface Row {
  bench: string;
  name: string;
  figure: string;
  baseline: string;
  /** figure / baseline, already formatted (e.g. "1.04x"); '—' when there is none. */
  ratio: string;
  note?: string;
}

export const ratio = (figure: number, baseline: number, digits = 2): string =>
  baseline > 0 && Number.isFinite(figure / baseline) ? `${(figure / baseline).toFixed(digits)}x` : '—';

/** A valid 320x320 PNG (about 1 KB) made by sharp (the engine checks images before sending them). */
let basePng: Buffer | null = null;

/** The base PNG with a tEXt chunk after IHDR carrying `text`: a valid, distinct image. */
function uniquePng(text: string): Buffer {
  const base = basePng!;
  const data = Buffer.from(`Comment\0${text}`, 'latin1');
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write('tEXt', 4, 'latin1');
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  const ihdrEnd = 8 + 25; // signature + IHDR (4 length + 4 type + 13 data + 4 crc)
  return Buffer.concat([base.subarray(0, ihdrEnd), chunk, base.subarray(ihdrEnd)]);
}

/** Makes the base PNG once per process (sharp), before tinyImages is used. */
export async function prepareImages(): Promise<void> {
  const { default: sharp } = await import('sharp');
  basePng ??= await sharp({
    create: { width: 320, height: 320, channels: 3, background: { r: 9, g: 99, b: 199 } },
  })
    .png()
    .toBuffer();
}

export interface TinyImage {
  path: string;
  relativePath: string;
  hash: string;
}

/** `count` distinct tiny valid PNGs (call prepareImages() first). */
export function tinyImages(dir: string, count: number): TinyImage[] {
  const root = join(dir, 'images');
  mkdirSync(root, { recursive: true });
  return Array.from({ length: count }, (_, index) => {
    const relativePath = `img-${String(index).padStart(5, '0')}.png`;
    if (!basePng) throw new Error('call prepareImages() before tinyImages()');
    const bytes = uniquePng(`${index} ${randomBytes(8).toString('hex')}`);
    const path = join(root, relativePath);
    writeFileSync(path, bytes);
    return { path, relativePath, hash: createHash('sha256').update(bytes).digest('hex') };
  });
}

/** A batch of `images` writing into `outDir`, `concurrency` at once, created (not started) on `engine`. */
export function tinyBatch(engine: Engine, outDir: string, images: TinyImage[], concurrency: number): number {
  const settings = settingsFor(outDir, { concurrency });
  return engine.createBatch(settings, plannedItems(images, settings));
}

/** An engine with its database in `dir`, on `clock`, talking to the simulator at `simUrl` with the demo key. */
export function benchEngine(
  dir: string,
  clock: Clock,
  simUrl: string,
  options: Partial<CoreOptions> = {},
): Engine {
  // The core's one wiring (main/core/index.ts), as the app and the CLI start.
  return createCoreServices({
    dbPath: join(dir, 'jobs.sqlite'),
    clock,
    apiBaseUrl: simUrl,
    apiKey: DEMO_API_KEY,
    ...options,
  }).engine;
}

/** Resolves when the batch has finished (or stopped for a person) and the engine is idle. */
export async function runToEnd(engine: Engine, batchId: number, timeoutMs = 20 * 60_000): Promise<void> {
  const ended = () => {
    const batch = engine.getBatch(batchId);
    return batch && batch.state !== 'running' && batch.state !== 'draft';
  };
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(
        new Error(
          `Batch ${batchId} did not finish within ${timeoutMs} ms: ${JSON.stringify(engine.getBatch(batchId)?.counts)}`,
        ),
      );
    }, timeoutMs);
    const off = engine.on((event) => {
      if (
        (event.type === 'batch-finished' || event.type === 'batch') &&
        event.batchId === batchId &&
        ended()
      ) {
        clearTimeout(timer);
        off();
        resolve();
      }
    });
    engine.commands.startBatch(batchId);
  });
  await engine.idle(timeoutMs);
  const batch = engine.getBatch(batchId)!;
  if (batch.state !== 'finished' || batch.counts.done !== batch.total) {
    const failed = engine.pageItems({ batchId, offset: 0, limit: 1, states: ['failed'] }).items[0];
    throw new Error(
      `Batch ${batchId} ended ${batch.state} (${batch.pauseMessage ?? ''}) with ${JSON.stringify(batch.counts)}; e.g. ${failed?.state}: ${failed?.errorMessage}`,
    );
  }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))]!;
}

/** What the simulator child answers about its ledger. */
export interface ChildLedger {
  audit: LedgerAudit;
  /** Per job: simulator-clock ms from the job's end to its first download request. */
  downloadLagMs: number[];
  /** Output URL of the first succeeded job (for curl). */
  firstOutputUrl: string | null;
}

export interface SimulatorChild {
  url: string;
  ledger(): Promise<ChildLedger>;
  close(): Promise<void>;
}

/**
 * The simulator in its own Node process, on a scaled clock that agrees with this process's
 * (same factor and epoch, see clockFromEnv), so its CPU time is not counted as the engine's.
 * Options must be JSON (no functions): `generationMs` is given as a constant.
 */
export async function startSimulatorChild(
  options: Omit<SimulatorOptions, 'clock' | 'generationMs'> & { generationMsConstant?: number },
  clock: { factor: number; epoch: number },
): Promise<SimulatorChild> {
  const child: ChildProcess = fork(join(__dirname, 'sim-child.ts'), [JSON.stringify({ options, clock })], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending: ((message: unknown) => void)[] = [];
  child.on('message', (message) => pending.shift()?.(message));
  const next = () => new Promise<unknown>((resolve) => pending.push(resolve));
  const started = (await Promise.race([
    next(),
    new Promise((_, reject) =>
      child.once('exit', (code) => reject(new Error(`simulator child exited ${code}`))),
    ),
  ])) as { url: string };
  return {
    url: started.url,
    ledger: async () => {
      const answer = next();
      child.send({ type: 'ledger' });
      return (await answer) as ChildLedger;
    },
    close: async () => {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.send({ type: 'close' });
      await exited;
    },
  };
}

/**
 * One fast clock (`factor` times real time) for this process and the simulator children it
 * starts: the children get the same factor and epoch, so both agree on what "two minutes" is.
 */
export function fastClock(factor: number) {
  const epoch = Date.now();
  const clock = scaledClock(factor, epoch, epoch);
  return {
    clock,
    simulator: (options: Parameters<typeof startSimulatorChild>[0]) =>
      startSimulatorChild(options, { factor, epoch }),
    engine: (dir: string, sim: { url: string }, options: Partial<CoreOptions> = {}) =>
      benchEngine(dir, clock, sim.url, options),
  };
}

export const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * CPU time (user + system) of this process's finished children, in ms, where Linux tells it
 * (/proc/self/stat cutime + cstime, in 10 ms ticks). Unlike wall time it barely moves when
 * other work shares the machine.
 */
export function childrenCpuMs(): number | null {
  if (!existsSync('/proc/self/stat')) return null;
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ');
  // cutime and cstime are fields 16 and 17 of proc(5); this split starts at field 3.
  return (Number(fields[13]) + Number(fields[14])) * 10;
}

/** CPU time (user + system) this process has used, in ms. */
export const ownCpuMs = () => {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
};

/** What the SQLite statements of this process did while a counter ran. */
export interface StatementCount {
  statements: number;
  /** Commits: a transaction's COMMIT, or a write outside any transaction. */
  commits: number;
}

/**
 * Counts the SQLite statements this process runs (every better-sqlite3 statement's run, get,
 * all and iterate) from now until stop(): a figure the machine's load does not distort.
 */
export async function countStatements(): Promise<{ stop(): StatementCount }> {
  const { default: Database } = await import('better-sqlite3');
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Record<string, unknown>;
  probe.close();
  const count: StatementCount = { statements: 0, commits: 0 };
  const originals = new Map<string, unknown>();
  for (const method of ['run', 'get', 'all', 'iterate']) {
    const original = proto[method] as (...args: unknown[]) => unknown;
    originals.set(method, original);
    proto[method] = function (
      this: { source: string; readonly: boolean; database: { inTransaction: boolean } },
      ...args: unknown[]
    ) {
      count.statements++;
      const write = !this.readonly && !this.source.startsWith('BEGIN');
      if (this.source === 'COMMIT' || (write && !this.database.inTransaction)) count.commits++;
      return original.apply(this, args);
    };
  }
  return {
    stop() {
      for (const [method, original] of originals) proto[method] = original;
      return { ...count };
    },
  };
}
