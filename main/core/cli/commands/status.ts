// `stillmotion status [batch] [--json]` prints what the database says about the latest batches
// (or one) and which process runs each, and (without a batch) today's spend against the daily
// cap; with --json, the same as one JSON object for scripts.
import { parseId, type CliIo, type Common } from '../io';
import { namedBatch, withEngine } from '../open-core';
import { statusBlock } from '../progress';

export interface StatusOptions extends Common {
  json?: boolean;
}

export async function statusCommand(
  batchArg: string | undefined,
  opts: StatusOptions,
  io: CliIo,
): Promise<void> {
  await withEngine(opts, io, async (engine) => {
    const batches = batchArg
      ? [namedBatch(engine, parseId(batchArg, 'batch'))]
      : engine.listBatches().slice(0, 20);
    if (opts.json) {
      // The batch views as the app sees them, with the process that runs each (null: none).
      const shown = batches.map((batch) => ({
        ...batch,
        runBy: engine.leaseHolder(batch.id)?.owner ?? null,
      }));
      io.out.write(
        JSON.stringify(batchArg ? { batches: shown } : { batches: shown, dailySpend: engine.dailySpend() }) +
          '\n',
      );
      return;
    }
    if (batches.length === 0)
      io.out.write('No batches yet. Start one with: stillmotion run <folder> --template "..."\n');
    for (const batch of batches) {
      const holder = engine.leaseHolder(batch.id);
      io.out.write(statusBlock(batch) + (holder ? `\n  run by ${holder.owner}` : '') + '\n');
    }
    if (!batchArg) {
      const { describeDailySpend } = await import('../daily-cap');
      io.out.write(`${describeDailySpend(engine.dailySpend())}\n`);
    }
  });
}
