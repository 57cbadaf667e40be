// `stillmotion status [batch]` prints what the database says about the latest batches (or one)
// and which process runs each, and (without a batch) today's spend against the daily cap.
import { parseId, type CliIo, type Common } from '../io';
import { namedBatch, withEngine } from '../open-core';
import { statusBlock } from '../progress';

export async function statusCommand(batchArg: string | undefined, opts: Common, io: CliIo): Promise<void> {
  await withEngine(opts, io, async (engine) => {
    const batches = batchArg
      ? [namedBatch(engine, parseId(batchArg, 'batch'))]
      : engine.listBatches().slice(0, 20);
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
