// The `stillmotion` program (commander), the headless CLI over the same engine, intake and database
// as the app. This file only defines the commands and their options; each command's action lives in
// ./commands/<name>.ts:
//   run <paths...>   scan, preview, ask, then drive a new batch to its end
//   run --from <batch> [--only failed|rejected]   the same, from an earlier batch's images
//   models [--refresh] [--json]   the models, aliases, prices and where each comes from
//   models show <model>           one model's fields (what --set takes)
//   balance          the RunComfy account balance
//   status [batch]   what the database says
//   resume [batch]   continue after a crash, a reboot or a pause
//   cancel <batch> | --item <id>
//   report [batch] [--csv|--json]   (default: the latest batch)
//   daily-cap [usd|off]   the account-wide cap per local day, across all batches
//   concurrency [n|off]   the account-wide limit on generations in flight, across all batches
//   queue [--json] | queue move <batch> --top|--up|--down|--bottom   the account's queue
//   watch <folders...>   run, then keep taking new images from the folders until Ctrl-C
//   retry <batch> [--failed | --item <id>]   retry failed items (asks, showing the cost)
//   resubmit <batch> [--item <id>]           send again items whose submit answer was lost
//   simulator        the RunComfy simulator in the foreground
// Exit codes: 0 all done, 1 some items failed, 2 bad usage or input, 3 paused and needs you, 70 a
// fault of the CLI itself (with the log's path), 130 a second Ctrl-C (io.ts: EXIT, signalExit).
//
// Start-up time is part of the product here (`stillmotion status` in a cron job or a shell
// prompt): only light modules are imported at the top. Each command's module is imported when
// the command runs, and the engine, the database and the intake (sharp) with it, the simulator
// only with --simulate, so `--help`, `--version` and usage errors never pay for them (see bench
// 7 in bench/README.md).
import { Command, CommanderError, Option } from 'commander';
import { APP_VERSION } from '../version';
import { statesAllowing, statesInWords } from '@common/item-actions';
import { reasonLanguageFor } from '@common/reasons';
import { CLI_LOG_FILE, EXIT, ExitError, type CliIo, type CommandResult } from './io';
import { setCliLanguage } from './progress';

import { UsageError } from './usage-error';
import type { RunOptions } from './commands/run';

/** `--db`, taken by every command that reads or writes the job database (last in its --help). */
const dbOption = () => new Option('--db <file>', "job database (default: the app's)");

/** The options of `run` and `watch`: how a batch is made, spent and scheduled. */
function withRunOptions(command: Command): Command {
  return command
    .option(
      '-t, --template <text>',
      'prompt template, e.g. "A slow pan over {name}" ({name} {folder} {path} {index} {count} {caption} {take} and prompts.csv columns; {caption|default text})',
    )
    .option('-m, --model <model>', 'model id or alias (default: Kling 3.0 Standard); see stillmotion models')
    .option(
      '-d, --duration <seconds>',
      "video length in seconds, within the model's range (Kling 3.0: 3 to 15)",
    )
    .option(
      '--set <field=value>',
      "a request field by its name in the model's request, e.g. --set resolution=720P (repeatable)",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--audio', 'generate audio')
    .option('--no-audio', 'no audio')
    .option('--negative <text>', 'negative prompt')
    .option('--cfg <number>', 'guidance, 0 to 1')
    .option('-o, --out <folder>', 'output folder')
    .option(
      '--name <template>',
      'output file name template, default "{name}.mp4" ("{name}-take{take}.mp4" with --takes above 1)',
    )
    .option('--takes <n>', 'videos per image, 1 to 10, to pick the best (default 1)')
    .option('--loop', 'each video ends on its start image (models with an end frame)')
    .option(
      '--shots <shots>',
      'a multi-shot video: "3s: a slow pan over {name} | 2s: close on the sign" (seconds add up to --duration)',
    )
    .option(
      '--end-suffix <suffix>',
      'another file-name ending that marks an end frame, e.g. -last (shot.end.jpg, shot_end.jpg and end/shot.jpg always do)',
    )
    .option(
      '--fit <mode>',
      "images outside the model's shape or size limits: crop (centre, the default), pad (blurred fill) or refuse",
    )
    .option(
      '--element <images>',
      'a reference element, @Element1 in the prompt: front.jpg[,ref1.jpg,...] (repeatable; models with elements)',
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('-p, --parallel <n>', 'generations in flight at once (default 3)')
    .option('-b, --budget <usd>', 'spending cap for the batch in US dollars')
    .option(
      '--max-per-video <usd>',
      'a model of unknown price: the most you accept per video; each counts that much against the caps',
    )
    .option(
      '--daily-cap <usd>',
      'set the account-wide cap per local day across all batches ("off" removes it; saved, the app shares it)',
    )
    .option(
      '--url-prefix <https-url>',
      'send images as <prefix>/<relative path> instead of uploading them inline',
    )
    .option(
      '--no-sidecar',
      'do not write a <video name>.json beside each video (model, prompt, request id, cost)',
    )
    .option('--force', 'generate images again even if the same request was already generated')
    .option('--simulate', 'run against the built-in simulator: no key, no cost')
    .option('--sim-time-scale <factor>', 'with --simulate: how fast simulated time runs (default 0.02)')
    .option('-y, --yes', 'do not ask before spending')
    .addOption(dbOption())
    .option('--start-at <time>', 'send nothing before this local time of day, e.g. 01:00 (the next one)')
    .option(
      '--window <from-to>',
      'send only between these local times each day, e.g. 22:00-07:00 (what was sent finishes outside it); "off" for any time',
    );
}

/** The output streams already told to let a closed reader (EPIPE) pass. */
const quietOnEpipe = new WeakSet<NodeJS.WriteStream>();

export async function main(argv: string[], ioOverride: Partial<CliIo> = {}): Promise<number> {
  const io: CliIo = {
    out: process.stdout,
    err: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    ...ioOverride,
  };
  // `stillmotion run ... | head`: the reader may go away while paid generations are in flight.
  // The run goes on writing nowhere (finishing and downloading them) instead of dying on EPIPE.
  for (const stream of [io.out, io.err])
    if (!quietOnEpipe.has(stream)) {
      quietOnEpipe.add(stream);
      // EIO: the terminal closed under it (SIGHUP), which pauses the batch like Ctrl-C.
      stream.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE' && error.code !== 'EIO') throw error;
      });
    }
  let result: CommandResult = { code: EXIT.ok, reason: '' };
  const program = new Command()
    .name('stillmotion')
    .description('Turn folders of still images into videos through RunComfy (Kling 3.0 by default).')
    .version(APP_VERSION, '-V, --version', 'print the version')
    .option('--lang <language>', 'language of failure and pause reasons: en (default) or zh-CN')
    .option('--log <file>', `this run's log file (default: ${CLI_LOG_FILE} in the app's log folder, rotated)`)
    .hook('preAction', async (command, action) => {
      const { openRunLog } = await import('./run-log');
      io.log = openRunLog(io, (command.opts() as { log?: string }).log);
      io.log.log(
        'info',
        `stillmotion ${APP_VERSION} ${action.name()} (pid ${process.pid}): ${argv.join(' ')}`,
      );
      const given = (command.opts() as { lang?: string }).lang ?? io.env.STILLMOTION_LANG;
      if (given !== undefined && !/^(en|zh)([-_].*)?$/i.test(given))
        throw new UsageError(`--lang must be en or zh-CN, got "${given}".`);
      setCliLanguage(reasonLanguageFor(given));
    })
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out.write(s), writeErr: (s) => io.err.write(s) })
    .showHelpAfterError('(run stillmotion --help for usage)');

  /**
   * The action of a command that takes its argument(s) and options: the command's module is
   * imported only when it runs, and what it returns (if anything) is the exit code and reason.
   */
  const loaded =
    <A, O>(load: () => Promise<(arg: A, opts: O, io: CliIo) => Promise<CommandResult | void>>) =>
    async (arg: A, opts: O) => {
      result = (await (await load())(arg, opts, io)) ?? result;
    };

  withRunOptions(
    program
      .command('run')
      .description('scan images, show the preview and cost, then generate a video for each')
      .argument('[paths...]', 'folders and image files')
      .option(
        '--from <batch>',
        "run an earlier batch's images again, with its settings (flags override them)",
      )
      .option(
        '--only <which>',
        'with --from: "failed" (failed or expired items) or "rejected" (videos rejected in the review)',
      ),
  ).action(loaded(async () => (await import('./commands/run')).runCommand));

  withRunOptions(
    program
      .command('watch')
      .description(
        'make a batch of the images in these folders, then keep sending every new image put there, until Ctrl-C',
      )
      .argument('<folders...>', 'folders to watch (their subfolders too)'),
  ).action(
    loaded(async () => {
      const { runCommand } = await import('./commands/run');
      return (paths: string[], opts: RunOptions, io: CliIo) =>
        runCommand(paths, { ...opts, watch: true }, io);
    }),
  );

  const models = program
    .command('models')
    .description(
      "list the models: ids, aliases for --model, prices, and where each comes from (RunComfy's catalog, built in, your entry)",
    )
    .option('--refresh', "fetch RunComfy's catalog again (otherwise the copy cached at the last fetch)")
    .option('--json', 'as JSON')
    .action(async (opts: { refresh?: boolean; json?: boolean }) => {
      const { modelsCommand } = await import('./commands/models');
      await modelsCommand(opts, io);
    });
  models
    .command('show')
    .description("one model's request fields with their types, ranges and defaults (what --set takes)")
    .argument('<model>', 'model id or alias')
    .option('--refresh', "fetch RunComfy's catalog again first")
    .action(loaded(async () => (await import('./commands/models')).showModelCommand));

  program
    .command('balance')
    .description('the RunComfy account balance, and where to top it up')
    .action(async () => {
      const { balanceCommand } = await import('./commands/balance');
      await balanceCommand(io);
    });

  program
    .command('status')
    .description('show batches and their progress')
    .argument('[batch]', 'one batch id')
    .option('--json', 'as one JSON object: {"batches": [...], "dailySpend": {...}}')
    .addOption(dbOption())
    .action(loaded(async () => (await import('./commands/status')).statusCommand));

  program
    .command('daily-cap')
    .description('show or set the account-wide spending cap per local day, across all batches')
    .argument('[usd]', 'the cap in US dollars, or "off" to remove it')
    .addOption(dbOption())
    .action(loaded(async () => (await import('./commands/daily-cap')).dailyCapCommand));

  program
    .command('concurrency')
    .description(
      'show or set how many generations may be in flight at once across all batches (the app and every CLI run share it)',
    )
    .argument('[count]', 'a whole number, or "off" for no account-wide limit (each batch keeps its own)')
    .addOption(dbOption())
    .action(loaded(async () => (await import('./commands/queue')).concurrencyCommand));

  const queue = program
    .command('queue')
    .description(
      'the batches that have not ended, in the order they take the free slots, and what each waits for',
    )
    .option('--json', 'as one JSON object: {"queue": [...], "limit": {...}}')
    .addOption(dbOption())
    .action(async (opts: { json?: boolean; db?: string }) => {
      const { queueCommand } = await import('./commands/queue');
      await queueCommand(opts, io);
    });
  queue
    .command('move')
    .description('move a batch in the queue (its items keep their order)')
    .argument('<batch>', 'batch id')
    .option('--top', 'first')
    .option('--up', 'one place earlier')
    .option('--down', 'one place later')
    .option('--bottom', 'last')
    .addOption(dbOption())
    .action(loaded(async () => (await import('./commands/queue')).queueMoveCommand));

  program
    .command('resume')
    .description('continue batches after a crash, a reboot or a pause')
    .argument('[batch]', 'one batch id (default: every unfinished batch)')
    .addOption(dbOption())
    .action(loaded(async () => (await import('./commands/resume')).resumeCommand));

  program
    .command('cancel')
    .description('cancel a batch, or one item with --item')
    .argument('[batch]', 'batch id')
    .option('--item <id>', 'cancel one item instead')
    .addOption(dbOption())
    .action(loaded(async () => (await import('./commands/cancel')).cancelCommand));

  program
    .command('report')
    .description('every item of a batch with its state, reason, cost and output (default: the latest batch)')
    .argument('[batch]', 'batch id (default: the latest batch)')
    .option('--csv', 'as CSV')
    .option('--bom', 'with --csv: start with a UTF-8 byte-order mark, so Excel shows Chinese names right')
    .option('--json', 'as one JSON object: {"batch": {...}, "items": [...]}')
    .addOption(dbOption())
    .action(loaded(async () => (await import('./commands/report')).reportCommand));

  program
    .command('retry')
    .description('retry the failed items of a batch (or one item), showing the cost first, then run it')
    .argument('<batch>', 'batch id')
    .option('--failed', 'every failed or expired item (the default)')
    .option('--item <id>', `one item instead (${statesInWords(statesAllowing('retry'))})`)
    .option('-y, --yes', 'do not ask before spending')
    .addOption(dbOption())
    .action(loaded(async () => (await import('./commands/retry')).retryCommand));

  program
    .command('resubmit')
    .description(
      'send again the items whose submit answer was lost (they may already be paid: asks, naming them), then run it',
    )
    .argument('<batch>', 'batch id')
    .option('--item <id>', 'one item instead of every one whose answer was lost')
    .option('-y, --yes', 'do not ask (accepting that each may be paid twice)')
    .addOption(dbOption())
    .action(loaded(async () => (await import('./commands/resubmit')).resubmitCommand));

  program
    .command('simulator')
    .description('run the RunComfy simulator in the foreground (see --help of npm run simulator)')
    .allowUnknownOption()
    .helpOption(false)
    .argument('[options...]')
    .action(async (args: string[]) => {
      const { simulatorCommand } = await import('./commands/simulator');
      await simulatorCommand(args);
      result = { code: -1, reason: '' }; // the simulator keeps the process alive until Ctrl-C
    });

  const code = await runProgram(program, argv, io, () => result);
  if (code === -1) return new Promise<number>(() => {});
  return code;
}

/** Parses and runs; answers the exit code after printing its reason (and the log's path on a failure). */
async function runProgram(
  program: Command,
  argv: string[],
  io: CliIo,
  result: () => CommandResult,
): Promise<number> {
  let ended: CommandResult;
  try {
    await program.parseAsync(argv, { from: 'user' });
    ended = result();
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      return EXIT.usage;
    }
    if (error instanceof UsageError) ended = { code: EXIT.usage, reason: error.message };
    else if (error instanceof ExitError) ended = { code: error.code, reason: error.message };
    else {
      // Not the user's doing: a bug (or a fault nobody foresaw), with its stack in the log.
      io.log?.log('error', error);
      const message = error instanceof Error ? error.message : String(error);
      ended = {
        code: EXIT.internal,
        reason: `stillmotion stopped on an unexpected error: ${message}. Details are in the log; unless it names a file of yours to fix, please report it with the log.`,
      };
    }
  }
  if (ended.code === -1) return -1;
  const log = io.log;
  if (log) {
    log.log(
      ended.code === EXIT.ok ? 'info' : 'warn',
      `exit ${ended.code}${ended.reason ? `: ${ended.reason}` : ''}`,
    );
    // Before the reason, which stays the last line (what a script's `tail -1` reads).
    if (ended.code !== EXIT.ok && ended.code !== EXIT.usage)
      io.err.write(`Log: ${log.path}${log.problem ? ` (${log.problem})` : ''}\n`);
  }
  if (ended.reason) (ended.code === EXIT.ok ? io.out : io.err).write(`${ended.reason}\n`);
  return ended.code;
}
