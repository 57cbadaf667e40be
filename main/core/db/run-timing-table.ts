// The run_timings table: how long a model's generations of one duration took, learned from the
// jobs that ran, so polls are aimed at when a job is likely to be done.
import type { Sql } from './sql';

export class RunTimingTable {
  constructor(private readonly sql: Sql) {}

  /** Not fsync'd: a run time lost in a power cut only aims a few polls by the older ones. */
  addRunTiming(modelId: string, duration: number, runMs: number, now: number): void {
    this.sql.withoutFsync(() =>
      this.sql
        .stmt(
          `INSERT INTO run_timings (model_id, duration, run_ms, at) VALUES (:modelId, :duration, :runMs, :now)`,
        )
        .run({ modelId, duration, runMs: Math.max(0, Math.round(runMs)), now }),
    );
  }

  recentRunTimings(modelId: string, duration: number, limit: number): number[] {
    return (
      this.sql
        .stmt(
          `SELECT run_ms FROM run_timings WHERE model_id = :modelId AND duration = :duration ORDER BY id DESC LIMIT :limit`,
        )
        .all({ modelId, duration, limit }) as { run_ms: number }[]
    ).map((row) => row.run_ms);
  }
}
