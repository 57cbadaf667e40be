// `stillmotion resume [batch]` continues batches after a crash, a reboot or a pause, and watches a
// batch another live process drives, taking it over if that process stops.
import { finishedExit, follow, printFinal } from '../follow';
import { EXIT, parseId, warnLine, type CliIo, type CommandResult, type Common } from '../io';
import { startNotices } from '../notices';
import { credentialsOf, dbPathOf, namedBatch, openCore, requireApiKey } from '../open-core';
import { clockFromEnv } from '../../util/clock';
import { statusBlock } from '../progress';
import { waitOutMachineTrouble } from '../../util/machine-trouble';

export async function resumeCommand(
  batchArg: string | undefined,
  opts: Common,
  io: CliIo,
): Promise<CommandResult> {
  const credentials = await credentialsOf(io);
  const { engine, intake } = await openCore(io, dbPathOf(opts, io), credentials);
  const notices = await startNotices(engine, io.env, credentials.apiKey, warnLine(io));
  try {
    const ids = batchArg
      ? [parseId(batchArg, 'batch')]
      : engine
          .listBatches()
          .filter((b) => b.state === 'running' || b.state === 'paused')
          .map((b) => b.id);
    if (ids.length === 0) return { code: EXIT.ok, reason: 'Nothing to resume: every batch has finished.' };
    await requireApiKey(io);
    let worst = { code: EXIT.ok as number, reason: '' };
    for (const id of ids) {
      const batch = namedBatch(engine, id);
      const holder = engine.leaseHolder(id);
      let current = batch;
      if (holder && !holder.mine) {
        // Another live process drives it (or a crashed one whose lease has not lapsed yet):
        // watch until it ends, or until its lease lapses, then drive it from here.
        io.err.write(
          `Batch ${id} is being run by ${holder.owner}; watching it (taking over if that process stops).\n`,
        );
        current = await follow(engine, id, io, false);
        if (current.state !== 'running') {
          printFinal(io, current);
          const exit = finishedExit(current);
          if (exit.code > worst.code) worst = exit;
          continue;
        }
      }
      if (current.state === 'finished' || current.state === 'cancelled') {
        io.out.write(statusBlock(batch) + '\n');
        continue;
      }
      const state = current.state;
      // Taking the batch writes to the database: a lock held by another program is waited out.
      await waitOutMachineTrouble(
        () => (state === 'paused' ? engine.commands.resumeBatch(id) : engine.commands.startBatch(id)),
        `Resuming batch ${id}`,
        { onWait: (message) => io.err.write(`${message}\n`) },
      );
      io.out.write(`Resuming batch ${id}.\n`);
      // A watching batch takes in what arrived while nothing ran, then what comes.
      const watching = engine.getBatch(id)?.watch?.active
        ? await (await import('../watching')).startWatching(engine, intake, clockFromEnv(process.env), io)
        : null;
      const end = await follow(engine, id, io, true).finally(() => watching?.close());
      printFinal(io, end);
      const exit = finishedExit(end);
      if (exit.code > worst.code) worst = exit;
    }
    return worst.reason ? worst : { code: EXIT.ok, reason: 'resumed batches finished' };
  } finally {
    await notices.settled();
    notices.close();
    await engine.close();
  }
}
