// One engine process of bench 12 (queue.ts): opens the shared database on the bench's scaled
// clock (same factor and epoch, see fastClock), sets the account's limit as `stillmotion
// concurrency N` does, runs a warm-up batch when asked, creates its batch of tiny images, says {hashes} (of its images), starts the batch on
// {type:'go'} and answers {startedAt, endedAt} (clock ms) once the batch has finished.
import { join } from 'node:path';
import { scaledClock } from '../main/core/util/clock';
import { benchEngine, prepareImages, runToEnd, tinyBatch, tinyImages } from './lib';

export interface QueueChildConfig {
  /** Folder of this process's images and outputs; the database is `dbDir`'s. */
  dir: string;
  dbDir: string;
  simUrl: string;
  owner: string;
  jobs: number;
  /** A batch of this many runs first (the run time is learned: a warm database); not measured. */
  warmupJobs: number;
  concurrency: number;
  accountLimit: number;
  /** The engine's look for a slot another process freed (EngineOptions.accountRecheckMs); default as shipped. */
  accountRecheckMs?: number;
  clock: { factor: number; epoch: number };
}

export interface QueueChildResult {
  startedAt: number;
  endedAt: number;
}

/** Sends a message and resolves once it is written (exiting sooner could lose it). */
const say = (message: object) =>
  new Promise<void>((resolve, reject) =>
    process.send!(message, (error) => (error ? reject(error) : resolve())),
  );

async function main(): Promise<void> {
  const config = JSON.parse(process.argv[2]!) as QueueChildConfig;
  const clock = scaledClock(config.clock.factor, config.clock.epoch, config.clock.epoch);
  await prepareImages();
  const engine = benchEngine(config.dbDir, clock, config.simUrl, {
    owner: config.owner,
    ...(config.accountRecheckMs ? { accountRecheckMs: config.accountRecheckMs } : {}),
  });
  try {
    engine.queue.setLimit(config.accountLimit);
    const images = tinyImages(config.dir, config.warmupJobs + config.jobs);
    if (config.warmupJobs > 0) {
      const warmup = images.splice(0, config.warmupJobs);
      await runToEnd(engine, tinyBatch(engine, join(config.dir, 'warmup'), warmup, config.concurrency));
    }
    const batchId = tinyBatch(engine, join(config.dir, 'out'), images, config.concurrency);
    const go = new Promise<void>((resolve) =>
      process.on('message', (message: { type: string }) => {
        if (message.type === 'go') resolve();
      }),
    );
    // The measured images' hashes: the bench tells from the simulator's ledger whose job is whose.
    await say({ hashes: images.map((image) => image.hash) });
    await go;
    const startedAt = clock.now();
    await runToEnd(engine, batchId);
    await say({ startedAt, endedAt: clock.now() } satisfies QueueChildResult);
  } finally {
    await engine.close();
  }
}

// The bench process died: do not linger.
process.on('disconnect', () => process.exit(0));
void main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`queue child: ${error instanceof Error ? error.stack : String(error)}`);
    process.exit(1);
  },
);
