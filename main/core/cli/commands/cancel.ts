// `stillmotion cancel <batch>` (or `--item <id>`) cancels what has not started generating and says
// plainly what can no longer be stopped (it will be billed and downloaded).
import { parseId, type CliIo, type Common } from '../io';
import { withEngine } from '../open-core';
import { UsageError } from '../usage-error';

export interface CancelOptions extends Common {
  item?: string;
}

export async function cancelCommand(
  batchArg: string | undefined,
  opts: CancelOptions,
  io: CliIo,
): Promise<void> {
  await withEngine(opts, io, async (engine) => {
    if (opts.item) {
      const outcome = await engine.commands.cancelItem(parseId(opts.item, 'item'));
      io.out.write(
        {
          cancelled: 'Cancelled.',
          cancel_requested: 'Cancel requested; RunComfy has not confirmed it yet.',
          running_cannot_stop:
            'It is already generating: it cannot be stopped, will be billed and downloaded.',
          already_finished: 'It had already finished.',
        }[outcome] + '\n',
      );
    } else if (batchArg) {
      const r = await engine.commands.cancelBatch(parseId(batchArg, 'batch'));
      io.out.write(
        `Cancelled ${r.cancelledLocally}; cancel requested for ${r.cancelRequested}; ${r.running} already generating (cannot be stopped, will be billed and downloaded).\n`,
      );
    } else throw new UsageError('Name a batch id, or an item with --item <id>.');
  });
}
