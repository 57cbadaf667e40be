// `stillmotion report <batch> [--csv|--json]` prints every item of a batch with its state,
// reason, cost and output, as text, CSV (the app's report) or JSON.
import { EXIT, ExitError, parseId, type CliIo, type Common } from '../io';
import { openEngine } from '../open-core';
import { cliLanguage, itemLine, statusBlock } from '../progress';

export interface ReportOptions extends Common {
  csv?: boolean;
  json?: boolean;
}

export async function reportCommand(batchArg: string, opts: ReportOptions, io: CliIo): Promise<void> {
  const engine = await openEngine(opts, io);
  try {
    const id = parseId(batchArg, 'batch');
    const batch = engine.getBatch(id);
    if (!batch) throw new ExitError(EXIT.usage, `There is no batch ${id}; see: stillmotion status`);
    if (opts.csv) io.out.write(engine.reportCsv(id, cliLanguage()));
    else if (opts.json) {
      const items = [];
      for (let offset = 0; ; offset += 500) {
        const page = engine.pageItems({ batchId: id, offset, limit: 500 });
        items.push(...page.items);
        if (offset + 500 >= page.total) break;
      }
      io.out.write(JSON.stringify({ batch, items }, null, 2) + '\n');
    } else {
      io.out.write(statusBlock(batch) + '\n');
      for (let offset = 0; ; offset += 500) {
        const page = engine.pageItems({ batchId: id, offset, limit: 500 });
        for (const item of page.items) io.out.write(itemLine(item, item.stateChangedAt) + '\n');
        if (offset + 500 >= page.total) break;
      }
    }
  } finally {
    await engine.close();
  }
}
