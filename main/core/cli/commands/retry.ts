// `stillmotion retry <batch> [--failed | --item <id>]` is the app's "Retry all failed" for the
// command line. It says how many and what they may cost (and whether that passes the batch's cap
// or the daily cap), asks (or takes --yes), retries through the engine's per-item retry at that
// confirmed cost, then drives the batch like `resume` and exits with the same codes. Loaded only
// when the command runs, so --help never imports it.
import { statesAllowing } from '../../domain';
import { statesInWords } from '@common/item-actions';
import { planRetry, retryPlanned } from '../../app/retry-failed';
import { driveToEnd } from '../follow';
import { confirm, EXIT, ExitError, parseId, type CliIo, type CommandResult, type Common } from '../io';
import { namedBatch, requireApiKey, withEngine } from '../open-core';
import { usd } from '../progress';
import { UsageError } from '../usage-error';
import { countOf } from '../../util/count-words';

export interface RetryOptions extends Common {
  failed?: boolean;
  item?: string;
  yes?: boolean;
}

export async function retryCommand(batchArg: string, opts: RetryOptions, io: CliIo): Promise<CommandResult> {
  if (opts.failed && opts.item)
    throw new UsageError('Choose one: --failed (every failed item) or --item <id> (one item).');
  const batchId = parseId(batchArg, 'batch');
  const itemIds = opts.item ? [parseId(opts.item, 'item')] : undefined;
  await requireApiKey(io, 'Nothing was retried.');
  return withEngine(opts, io, async (engine) => {
    namedBatch(engine, batchId);
    const plan = planRetry(engine, batchId, itemIds);
    for (const item of plan.notRetryable)
      throw new ExitError(
        EXIT.usage,
        `Item ${item.itemId} (${item.fileName}) is ${item.state}; only ${statesInWords(statesAllowing('retry'))} items can be retried.`,
      );
    if (itemIds && plan.itemIds.length === 0)
      throw new ExitError(
        EXIT.usage,
        `Batch ${batchId} has no item ${itemIds[0]}; see: stillmotion report ${batchId}`,
      );
    if (plan.itemIds.length === 0)
      return { code: EXIT.ok, reason: `Batch ${batchId} has no failed items to retry.` };

    const n = plan.itemIds.length;
    io.out.write(
      `Retry ${countOf(n, 'item')} of batch ${batchId}: each is a new paid generation, up to ${usd(plan.estimatedCostUsd)} in all.\n`,
    );
    if (plan.passesBudget && plan.budgetUsd !== null)
      io.out.write(
        `That passes the batch's cap of ${usd(plan.budgetUsd)} (${usd(plan.spentUsd + plan.remainingEstimateUsd)} spent or on its way): ` +
          `it will pause when the cap is reached.\n`,
      );
    if (plan.passesDailyCap && plan.dailyCapUsd !== null)
      io.out.write(
        `That passes the daily cap of ${usd(plan.dailyCapUsd)} across all batches (${usd(plan.spentTodayUsd)} spent today): ` +
          `it will pause when the cap is reached and continue tomorrow (or raise it with: stillmotion daily-cap <usd>).\n`,
      );
    if (!opts.yes && !(await confirm(io, 'Retry them? [y/N] ')))
      throw new ExitError(EXIT.usage, 'Nothing retried: add --yes to retry without being asked.');
    const { retried } = retryPlanned(engine, batchId, plan.estimatedCostUsd, itemIds);
    io.out.write(`Retrying ${countOf(retried, 'item')} of batch ${batchId}.\n`);
    return await driveToEnd(engine, batchId, io);
  });
}
