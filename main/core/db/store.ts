// The job database's only query layer: prepared statements with named parameters, writes in
// IMMEDIATE transactions, rows mapped through rows.ts. The engine never writes SQL itself.
//
// JobStore is one object for its callers, built in layers of one concern each: store-base.ts
// (statements, event rows) < batch-table.ts < lease-table.ts < item-table.ts (writes) <
// item-queries.ts (reads), and the learned run times here.
import { ItemQueries } from './item-queries';

export { LeaseLostError } from './lease-table';
export type { ItemEventRow } from './item-table';

export class JobStore extends ItemQueries {
  // ---- learned run times ---------------------------------------------------------------

  /** Not fsync'd: a run time lost in a power cut only aims a few polls by the older ones. */
  addRunTiming(modelId: string, duration: number, runMs: number, now: number): void {
    this.withoutFsync(() =>
      this.stmt(
        `INSERT INTO run_timings (model_id, duration, run_ms, at) VALUES (:modelId, :duration, :runMs, :now)`,
      ).run({ modelId, duration, runMs: Math.max(0, Math.round(runMs)), now }),
    );
  }

  recentRunTimings(modelId: string, duration: number, limit: number): number[] {
    return (
      this.stmt(
        `SELECT run_ms FROM run_timings WHERE model_id = :modelId AND duration = :duration ORDER BY id DESC LIMIT :limit`,
      ).all({ modelId, duration, limit }) as { run_ms: number }[]
    ).map((row) => row.run_ms);
  }
}
