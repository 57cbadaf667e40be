// The state of one running simulator: its options resolved to values, the seeded random streams,
// the job book, the ledger, and the base URL every answer links to. The routes read and change it;
// the server (server.ts) creates one per startSimulator and hands it to each request.
import { seededRandom, systemClock } from '../util/clock';
import type { Clock, Random } from '../util/clock';
import { EnvironmentPlan } from './environment';
import { FaultPlan } from './faults';
import { JobBook } from './jobs';
import { MotionVideos } from './motion';
import { OutputHasher, outputLayout } from './output-video';
import type { OutputLayout } from './output-video';
import { modelTable } from './simulated-models';
import type { SimulatedModel } from './simulated-models';
import { DEMO_API_KEY } from './types';
import type { Ledger, SimulatorOptions, SimulatorVariants } from './types';

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024 * 1024;
/** Pick-up delay of a queued job before the time scale: a job is `in_queue` for a moment. */
export const QUEUE_DELAY_MS = 3_000;

/**
 * Default generation time: about 90 s for 5 s of standard video (runcomfy-api.md), growing with
 * duration (15 s: 180 s), and 1.6x for pro (15 s pro: about 5 minutes).
 */
export function defaultGenerationMs(job: { modelId: string; duration: number }): number {
  const standard = 45_000 + 9_000 * job.duration;
  return job.modelId.includes('/pro/') ? standard * 1.6 : standard;
}

export interface SimulatorState {
  readonly options: SimulatorOptions;
  readonly clock: Clock;
  readonly timeScale: number;
  readonly variants: SimulatorVariants;
  readonly maxBodyBytes: number;
  readonly models: ReadonlyMap<string, SimulatedModel>;
  readonly layout: OutputLayout;
  /** The clips of the start images (options.motionVideos); null: every job gets the pattern. */
  readonly motion: MotionVideos | null;
  /** The job's file: its clip when it has one, else the shared pattern's layout. */
  layoutFor(requestId: string): Promise<OutputLayout>;
  readonly faults: FaultPlan;
  /** Draws for request ids only. */
  readonly nextId: Random;
  readonly environment: EnvironmentPlan;
  readonly ledger: Ledger;
  readonly book: JobBook;
  /** Set once the server listens; every URL in an answer starts with it. */
  baseUrl: string;
}

export function createState(options: SimulatorOptions): SimulatorState {
  const clock: Clock = options.clock ?? systemClock;
  const timeScale = options.timeScale ?? 1;
  if (!(timeScale > 0)) throw new Error(`Simulator timeScale must be a positive number, got ${timeScale}`);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
  const apiKeys = options.apiKeys ?? { [DEMO_API_KEY]: 1000 };
  const layout = outputLayout(options.outputBytes);
  const hasher = new OutputHasher();
  const motion = options.motionVideos ? new MotionVideos() : null;

  // Separate streams so that, e.g., adding a fault rate does not change the request ids.
  const faults = new FaultPlan(seededRandom(seed), options.faults, options.faultTargets);
  const nextId = seededRandom(seed ^ 0x5bd1e995);
  const jitter = seededRandom(seed ^ 0x27d4eb2f);
  const environment = new EnvironmentPlan(
    seededRandom(seed ^ 0x3c6ef372),
    seededRandom(seed ^ 0x78dde6e4),
    options.environment,
    clock.now(),
    seededRandom(seed ^ 0x1b873593),
  );

  const ledger: Ledger = {
    submits: [],
    polls: [],
    cancels: [],
    charges: [],
    downloads: [],
    jobs: new Map(),
    environment: { outage: environment.outageWindow, jobsWithoutOutputUrl: environment.withoutOutputUrl },
  };
  const layoutFor = async (requestId: string): Promise<OutputLayout> => {
    const clip = motion ? await motion.clip(requestId) : null;
    return clip ? outputLayout(options.outputBytes, clip) : layout;
  };
  const book = new JobBook({
    clock,
    apiKeys,
    concurrencyCap: Math.max(1, options.concurrencyCap ?? 5),
    queueDelayMs: QUEUE_DELAY_MS,
    timeScale,
    generationMs: options.generationMs ?? defaultGenerationMs,
    jitter: options.generationMs ? null : jitter,
    ledger,
    onSucceeded: (job) => {
      if (!motion) {
        job.outputSha256 = hasher.sha256(layout, job.requestId);
        return;
      }
      // The job's clip is made when it is first asked for; its hash (the ETag) follows it.
      void layoutFor(job.requestId).then((own) => {
        job.outputSha256 = hasher.sha256(own, job.requestId);
        const entry = ledger.jobs.get(job.requestId);
        if (entry) entry.outputSha256 = job.outputSha256;
      });
    },
  });

  return {
    options,
    clock,
    timeScale,
    variants: options.variants ?? {},
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    models: modelTable(options.extraModels),
    layout,
    motion,
    layoutFor,
    faults,
    nextId,
    environment,
    ledger,
    book,
    baseUrl: '',
  };
}
