// `stillmotion resubmit <batch> [--item <id>]`: sends again the items whose submit answer was
// lost (unknown_submit), which the item's message tells the user to do once they accept it may
// be paid twice. The one command that may pay twice, so it says so in the question, names each
// item, and never runs without a yes (or --yes). Loaded only when the command runs.
import { eachItem } from '../../app/all-items';
import { actionFor, statesAllowing, type ItemView } from '../../domain';
import type { Engine } from '../../engine';
import { driveToEnd } from '../follow';
import { confirm, EXIT, ExitError, parseId, type CliIo, type CommandResult, type Common } from '../io';
import { namedBatch, requireApiKey, withEngine } from '../open-core';
import { usd } from '../progress';
import { countOf } from '../../util/count-words';

export interface ResubmitOptions extends Common {
  item?: string;
  yes?: boolean;
}

function lostItems(engine: Engine, batchId: number): ItemView[] {
  return [...eachItem(engine, { batchId, states: statesAllowing('resubmit') })];
}

export async function resubmitCommand(
  batchArg: string,
  opts: ResubmitOptions,
  io: CliIo,
): Promise<CommandResult> {
  const batchId = parseId(batchArg, 'batch');
  const itemId = opts.item ? parseId(opts.item, 'item') : null;
  await requireApiKey(io, 'Nothing was resubmitted.');
  return withEngine(opts, io, async (engine) => {
    namedBatch(engine, batchId);
    let items: ItemView[];
    if (itemId === null) items = lostItems(engine, batchId);
    else {
      const item = engine.getItem(itemId);
      if (!item || item.batchId !== batchId)
        throw new ExitError(
          EXIT.usage,
          `Batch ${batchId} has no item ${itemId}; see: stillmotion report ${batchId}`,
        );
      if (actionFor(item.state) !== 'resubmit')
        throw new ExitError(
          EXIT.usage,
          `Item ${itemId} (${item.relativePath}) is ${item.state}; only items whose submit answer was lost ` +
            `(unknown_submit) are resubmitted. For failed items: stillmotion retry ${batchId} --item ${itemId}`,
        );
      items = [item];
    }
    if (items.length === 0)
      return { code: EXIT.ok, reason: `Batch ${batchId} has no items whose submit answer was lost.` };
    const cost = items.reduce((sum, item) => sum + item.estimatedCostUsd, 0);
    const n = items.length;
    io.out.write(
      `Resubmit ${countOf(n, 'item')} of batch ${batchId} whose submit answer was lost:\n` +
        items.map((item) => `  item ${item.id} ${item.relativePath}\n`).join('') +
        `Each was sent once and may already be paid for: sending it again may pay twice, up to ${usd(cost)} in all.\n` +
        `Check your RunComfy requests first; resubmit only what is missing there.\n`,
    );
    if (!opts.yes && !(await confirm(io, 'Resubmit, accepting they may be paid twice? [y/N] ')))
      throw new ExitError(EXIT.usage, 'Nothing resubmitted: add --yes to resubmit without being asked.');
    for (const item of items) engine.commands.resubmitItem(item.id);
    io.out.write(`Resubmitting ${countOf(n, 'item')} of batch ${batchId}.\n`);
    return await driveToEnd(engine, batchId, io);
  });
}
