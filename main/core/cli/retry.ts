// `stillmotion retry <batch> [--failed | --item <id>]`: the app's "Retry all failed" for the
// command line. Says how many and what they may cost (and whether that passes the cap), asks
// (or takes --yes), retries through the engine's per-item retry at that confirmed cost, then
// drives the batch like `resume` and exits with the same codes. Loaded only when the command
// runs, so --help never imports it.
import type { Engine } from '../engine';
import type { BatchView } from '../domain';
import { planRetry, retryPlanned } from '../app/retry-failed';
import { usd } from './progress';
import { UsageError } from './usage-error';

export interface RetryOptions {
  failed?: boolean;
  item?: string;
  yes?: boolean;
  db?: string;
}

/** What the command needs from the CLI around it (index.ts), passed in to avoid a cycle. */
export interface RetryContext {
  openEngine(): Promise<Engine>;
  hasKey(): Promise<boolean>;
  parseId(value: string, what: string): number;
  confirm(question: string): Promise<boolean>;
  /** Drives the batch to its end or a pause; answers the exit code and its reason. */
  drive(engine: Engine, batchId: number): Promise<{ code: number; reason: string }>;
  write(line: string): void;
  exit(code: number, message: string): Error;
  codes: { ok: number; usage: number; needsUser: number };
}

export async function retryCommand(
  batchArg: string,
  opts: RetryOptions,
  ctx: RetryContext,
): Promise<{ code: number; reason: string }> {
  if (opts.failed && opts.item)
    throw new UsageError('Choose one: --failed (every failed item) or --item <id> (one item).');
  const batchId = ctx.parseId(batchArg, 'batch');
  const itemIds = opts.item ? [ctx.parseId(opts.item, 'item')] : undefined;
  if (!(await ctx.hasKey()))
    throw ctx.exit(
      ctx.codes.needsUser,
      'No API key: set RUNCOMFY_API_KEY (and RUNCOMFY_API_BASE for a simulator or proxy). Nothing was retried.',
    );
  const engine = await ctx.openEngine();
  try {
    const batch: BatchView | null = engine.getBatch(batchId);
    if (!batch) throw ctx.exit(ctx.codes.usage, `There is no batch ${batchId}; see: stillmotion status`);
    const plan = planRetry(engine, batchId, itemIds);
    for (const item of plan.notRetryable)
      throw ctx.exit(
        ctx.codes.usage,
        `Item ${item.itemId} (${item.fileName}) is ${item.state}; only failed, expired or cancelled items can be retried.`,
      );
    if (itemIds && plan.itemIds.length === 0)
      throw ctx.exit(
        ctx.codes.usage,
        `Batch ${batchId} has no item ${itemIds[0]}; see: stillmotion report ${batchId}`,
      );
    if (plan.itemIds.length === 0)
      return { code: ctx.codes.ok, reason: `Batch ${batchId} has no failed items to retry.` };

    const n = plan.itemIds.length;
    ctx.write(
      `Retry ${n} item${n === 1 ? '' : 's'} of batch ${batchId}: each is a new paid generation, up to ${usd(plan.estimatedCostUsd)} in all.`,
    );
    if (plan.passesBudget && plan.budgetUsd !== null)
      ctx.write(
        `That passes the batch's cap of ${usd(plan.budgetUsd)} (${usd(plan.spentUsd + plan.remainingEstimateUsd)} spent or on its way): ` +
          `it will pause when the cap is reached.`,
      );
    if (!opts.yes && !(await ctx.confirm('Retry them? [y/N] ')))
      throw ctx.exit(ctx.codes.usage, 'Nothing retried: add --yes to retry without being asked.');
    const { retried } = retryPlanned(engine, batchId, plan.estimatedCostUsd, itemIds);
    ctx.write(`Retrying ${retried} item${retried === 1 ? '' : 's'} of batch ${batchId}.`);
    return await ctx.drive(engine, batchId);
  } finally {
    await engine.close();
  }
}
