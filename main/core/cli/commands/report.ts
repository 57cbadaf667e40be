// `stillmotion report [batch] [--csv|--json]` prints every item of a batch (the latest one when
// none is named) with its state, reason, cost and output, as text, CSV (the app's report) or JSON.
import { eachItem } from '../../app/all-items';
import type { BatchView } from '../../domain';
import type { Engine } from '../../engine';
import { EXIT, ExitError, parseId, type CliIo, type Common } from '../io';
import { namedBatch, withEngine } from '../open-core';
import { UsageError } from '../usage-error';
import { cliLanguage, itemLine, statusBlock } from '../progress';

export interface ReportOptions extends Common {
  csv?: boolean;
  /** Starts the CSV with a UTF-8 byte-order mark. */
  bom?: boolean;
  json?: boolean;
}

/**
 * Excel reads a CSV without a byte-order mark in the system's legacy code page, which turns
 * Chinese (or any non-Latin) file names and prompts into mojibake; with it, as UTF-8. Not the
 * default: a mark at the start of the output gets in the way of cut, grep and most scripts.
 */
const UTF8_BOM = '\uFEFF';

/** The batch created last (`report` without an id): the list is newest first (ids only grow). */
function latestBatch(engine: Engine): BatchView {
  const latest = engine.listBatches()[0];
  if (!latest)
    throw new ExitError(
      EXIT.usage,
      'No batches yet, so there is nothing to report. Start one with: stillmotion run <folder> --template "..."',
    );
  return latest;
}

export async function reportCommand(
  batchArg: string | undefined,
  opts: ReportOptions,
  io: CliIo,
): Promise<void> {
  await withEngine(opts, io, (engine) => {
    const batch =
      batchArg === undefined ? latestBatch(engine) : namedBatch(engine, parseId(batchArg, 'batch'));
    const id = batch.id;
    // Said on stderr, so the CSV or JSON on stdout stays clean to pipe.
    if (batchArg === undefined)
      io.err.write(
        `Reporting the latest batch: ${batch.id} "${batch.name}" (name another with: stillmotion report <batch>)\n`,
      );
    if (opts.bom && !opts.csv)
      throw new UsageError('--bom goes with --csv (it marks the CSV as UTF-8 for Excel).');
    if (opts.csv) io.out.write((opts.bom ? UTF8_BOM : '') + engine.reportCsv(id, cliLanguage()));
    else if (opts.json) {
      const items = [...eachItem(engine, { batchId: id })];
      io.out.write(JSON.stringify({ batch, items }, null, 2) + '\n');
    } else {
      io.out.write(statusBlock(batch) + '\n');
      for (const item of eachItem(engine, { batchId: id }))
        io.out.write(itemLine(item, item.stateChangedAt) + '\n');
    }
  });
}
