// Run-time learning: how long a generation of a model and duration takes, from the jobs this
// database saw finish, so the poller asks near the expected finish instead of every few
// seconds. Learned per API: the demo simulator runs far faster than RunComfy, and its timings
// must not make the poller ask the real API too early (or the reverse).
import type { ItemRecord } from '../db/rows';
import type { EngineContext } from './context';
import { pollingPriorMs } from '../catalog/engine-facts';
import { videoSeconds } from '../catalog/catalog';
import { learnedRunMs, type RunTimeEstimate } from './poll-policy';

const SAMPLES = 20;

export class RunTimes {
  private readonly samples = new Map<string, number[]>();

  constructor(private readonly ctx: EngineContext) {}

  modelOf(item: ItemRecord): string {
    return this.ctx.store.batches.batchFixed(item.batchId)?.modelId ?? 'unknown';
  }

  /** The video's seconds, read from the field the model keeps its duration in (catalog roles). */
  durationOf(item: ItemRecord): number {
    const fixed = this.ctx.store.batches.batchFixed(item.batchId);
    const fallback = fixed?.duration ?? 5;
    const model = fixed ? this.ctx.catalog.find(fixed.modelId) : undefined;
    return model ? videoSeconds(model, item.request, fallback) : fallback;
  }

  estimate(modelId: string, duration: number): RunTimeEstimate {
    const key = this.timingModel(modelId);
    const samples = this.cached(key, duration);
    const learned = learnedRunMs(samples);
    return learned === null
      ? {
          runMs: pollingPriorMs(this.ctx.catalog, modelId, duration) * this.ctx.credentials().timeScale,
          learned: false,
        }
      : { runMs: learned, learned: true };
  }

  estimateFor(item: ItemRecord): RunTimeEstimate {
    return this.estimate(this.modelOf(item), this.durationOf(item));
  }

  /**
   * How long this job ran, as an upper bound: from the last time it was seen queued (or its
   * submit) to now, or the server's own created->finished time when that is shorter (it does
   * not include our polling delay).
   */
  observedRunMs(item: ItemRecord, now: number, serverElapsedMs: number | null): number {
    const observed = now - (item.lastQueuedSeenAt ?? item.submittedAt ?? now);
    return serverElapsedMs === null ? observed : Math.min(observed, serverElapsedMs);
  }

  /** Records a run time; true when it is the first one for this model and duration (the prior ends). */
  learn(item: ItemRecord, runMs: number, now: number): boolean {
    const key = this.timingModel(this.modelOf(item));
    const duration = this.durationOf(item);
    const samples = this.cached(key, duration); // loaded before the new row is written: no double count
    const first = samples.length === 0;
    this.ctx.store.runTimings.addRunTiming(key, duration, runMs, now);
    samples.unshift(runMs);
    samples.length = Math.min(samples.length, SAMPLES);
    return first;
  }

  private timingModel(modelId: string): string {
    return this.ctx.credentials().simulated ? `simulated:${modelId}` : modelId;
  }

  private cached(timingModel: string, duration: number): number[] {
    const key = `${timingModel}|${duration}`;
    let samples = this.samples.get(key);
    if (!samples) {
      samples = this.ctx.store.runTimings.recentRunTimings(timingModel, duration, SAMPLES);
      this.samples.set(key, samples);
    }
    return samples;
  }
}
