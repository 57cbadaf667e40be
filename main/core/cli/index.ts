// `stillmotion`: the headless CLI over the same engine, intake and database as the app.
//   run <paths...>   scan, preview, ask, then drive a new batch to its end
//   run --from <batch> [--only failed|rejected]   the same, from an earlier batch's images
//   status [batch]   what the database says
//   resume [batch]   continue after a crash, a reboot or a pause
//   cancel <batch> | --item <id>
//   report <batch> [--csv|--json]
//   retry <batch> [--failed | --item <id>]   retry failed items (asks, showing the cost)
//   simulator        the RunComfy simulator in the foreground
// Exit codes: 0 all done, 1 some items failed, 2 bad usage or input, 3 paused and needs you.
//
// Start-up time is part of the product here (`stillmotion status` in a cron job or a shell
// prompt): only light modules are imported at the top. The engine, the database and the intake
// (sharp) are loaded by the commands that open them, the simulator only with --simulate, so
// `--help`, `--version` and usage errors never pay for them (see bench 7 in bench/README.md).
import { Command, CommanderError } from 'commander';
import { mkdirSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { readStoredKey } from '../app/key-file';
import { dataFiles, defaultDataDir, defaultOutputDir } from '../app/paths';
import type { BatchView, ItemState } from '../domain';
import type { IntakeApi } from '../core-api';
import type { Engine } from '../engine';
import type { SimulatorHandle } from '../simulator';
import { clockFromEnv, scaledClock, type Clock } from '../util/clock';
import { APP_VERSION } from '../version';
import { reasonLanguageFor } from '../../../preload/reasons';
import {
  countsLine,
  duration,
  itemLine,
  LiveBlock,
  cliLanguage,
  pauseText,
  setCliLanguage,
  statusBlock,
  usd,
} from './progress';
import { startNotices } from './notices';
import type { RunFlags } from './settings-from-flags';
import { UsageError } from './usage-error';
import type { Catalog } from '../catalog/catalog';

export const EXIT = { ok: 0, someFailed: 1, usage: 2, needsUser: 3 } as const;

/** Where output goes; injectable so tests capture it. */
export interface CliIo {
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
  stdin: NodeJS.ReadStream;
  env: Record<string, string | undefined>;
  cwd: string;
}

const FAILED_STATES: ItemState[] = ['failed', 'expired', 'unknown_submit', 'rejected', 'cancelled'];

class ExitError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

interface Common {
  db?: string;
}

function dbPathOf(opts: Common, io: CliIo): string {
  if (opts.db) return opts.db;
  return dataFiles(defaultDataDir(process.platform, io.env, homedir())).database;
}

/** The key: RUNCOMFY_API_KEY, else the app's stored key where the CLI can read it. */
async function credentialsOf(
  io: CliIo,
): Promise<{ apiBaseUrl: string; apiKey: string | null; keyHint: string }> {
  const { DEFAULT_API_BASE_URL } = await import('../engine');
  const apiBaseUrl = (io.env.RUNCOMFY_API_BASE || DEFAULT_API_BASE_URL).replace(/\/+$/, '');
  const fromEnv = io.env.RUNCOMFY_API_KEY?.trim();
  if (fromEnv) return { apiBaseUrl, apiKey: fromEnv, keyHint: '' };
  const stored = readStoredKey(dataFiles(defaultDataDir(process.platform, io.env, homedir())).apiKey);
  const keyHint =
    stored.kind === 'encrypted'
      ? ' (the app keeps its key encrypted by the OS keychain, which only the app can read)'
      : '';
  return { apiBaseUrl, apiKey: stored.kind === 'plain' ? stored.key : null, keyHint };
}

async function openCore(
  dbPath: string,
  credentials: { apiBaseUrl: string; apiKey: string | null },
  clock?: Clock,
  simulated = false,
  catalog?: Catalog,
): Promise<{ engine: Engine; intake: IntakeApi }> {
  mkdirSync(dirname(dbPath), { recursive: true });
  const { createCoreServices } = await import('../index');
  return createCoreServices({
    catalog,
    dbPath,
    clock: clock ?? clockFromEnv(process.env),
    simulated,
    owner: `cli:${hostname()}:${process.pid}`,
    apiBaseUrl: credentials.apiBaseUrl,
    apiKey: credentials.apiKey,
    // The CLI drives only the batches it is told to.
    adoptBatches: false,
  });
}

async function openEngine(
  dbPath: string,
  credentials: { apiBaseUrl: string; apiKey: string | null },
): Promise<Engine> {
  return (await openCore(dbPath, credentials)).engine;
}

function finishedExit(batch: BatchView): { code: number; reason: string } {
  if (batch.state === 'paused' && batch.pauseReason && batch.pauseReason !== 'user')
    return { code: EXIT.needsUser, reason: `paused: ${pauseText(batch) ?? batch.pauseReason}` };
  if (batch.state === 'paused')
    return { code: EXIT.needsUser, reason: `paused; continue with: stillmotion resume ${batch.id}` };
  const failed = FAILED_STATES.reduce((n, s) => n + (batch.counts[s] ?? 0), 0);
  if (failed > 0)
    return {
      code: EXIT.someFailed,
      reason: `${failed} of ${batch.total} items did not produce a video (${countsLine(batch)}); see: stillmotion report ${batch.id}`,
    };
  return { code: EXIT.ok, reason: `all ${batch.total} items done` };
}

/**
 * Follows a batch until it finishes or pauses for the user. Drives it when `drive` (this
 * process holds the lease), otherwise only watches what another process writes.
 */
async function follow(engine: Engine, batchId: number, io: CliIo, drive: boolean): Promise<BatchView> {
  const tty = Boolean(io.out.isTTY);
  const live = tty ? new LiveBlock(io.out) : null;
  const seen = new Map<number, ItemState>();
  let interrupted = 0;
  let resolveStop: (() => void) | null = null;
  const stopped = new Promise<void>((resolve) => (resolveStop = resolve));
  const onSigint = () => {
    interrupted++;
    if (interrupted === 1 && drive) {
      io.err.write(
        `\nPausing batch ${batchId}: nothing new is sent; requests already sent stay on record and resume later. ` +
          `Press Ctrl-C again to exit at once (still resumable with: stillmotion resume ${batchId}).\n`,
      );
      engine.pauseBatch(batchId);
      resolveStop?.();
    } else {
      io.err.write(`\nExiting now. Continue later with: stillmotion resume ${batchId}\n`);
      process.exit(EXIT.needsUser);
    }
  };
  process.on('SIGINT', onSigint);
  const off = engine.on((event) => {
    if (tty || event.type !== 'items' || event.batchId !== batchId) return;
    for (const change of event.changes) {
      // Print the state the database holds now (a coalesced event may be behind it), once:
      // a log then reads as one line per state change, never the same state twice.
      const item = engine.getItem(change.id);
      if (!item || seen.get(item.id) === item.state) continue;
      seen.set(item.id, item.state);
      io.out.write(itemLine(item, Date.now()) + '\n');
    }
  });
  try {
    while (true) {
      const batch = engine.getBatch(batchId);
      if (!batch) throw new ExitError(EXIT.usage, `Batch ${batchId} no longer exists.`);
      if (live) live.draw(statusBlock(batch));
      const done =
        batch.state === 'finished' ||
        batch.state === 'cancelled' ||
        (batch.state === 'paused' && (batch.pauseReason !== 'user' || interrupted > 0));
      if (done && (!drive || !engine.hasPendingWork() || batch.state !== 'cancelled')) {
        if (drive) await engine.idle(10 * 60_000).catch(() => undefined);
        const final = engine.getBatch(batchId) ?? batch;
        live?.draw(statusBlock(final));
        return final;
      }
      if (!drive && !engine.leaseHolder(batchId) && batch.state === 'running') {
        // The driver stopped (crashed, killed, closed) without finishing: the caller takes over.
        io.err.write(`The process that ran batch ${batchId} stopped; taking it over.\n`);
        return batch;
      }
      await Promise.race([new Promise((r) => setTimeout(r, tty ? 500 : 1000)), stopped]);
    }
  } finally {
    off();
    process.off('SIGINT', onSigint);
  }
}

/** Notices that could not be delivered: one line on stderr, never fatal. */
function warnLine(io: CliIo): (line: string) => void {
  return (line) => void io.err.write(`${line}\n`);
}

/** The batch's final block, unless the live display on a terminal already shows it. */
function printFinal(io: CliIo, batch: BatchView): void {
  if (!io.out.isTTY) io.out.write(statusBlock(batch) + '\n');
}

async function confirm(io: CliIo, question: string): Promise<boolean> {
  if (!io.stdin.isTTY) return false;
  const rl = createInterface({ input: io.stdin, output: io.err });
  try {
    const answer = await rl.question(question);
    return /^y(es)?$/i.test(answer.trim());
  } finally {
    rl.close();
  }
}

interface RunOptions extends RunFlags, Common {
  from?: string;
  only?: string;
  simulate?: boolean;
  simTimeScale?: string;
  yes?: boolean;
  force?: boolean;
}

async function runCommand(
  paths: string[],
  opts: RunOptions,
  io: CliIo,
): Promise<{ code: number; reason: string }> {
  // Loaded when a command needs models, so --help and status start without ajv (see cli-bundle test).
  const { catalogForCli } = await import('./catalog-for-cli');
  const { settingsFromFlags } = await import('./settings-from-flags');
  const { onlyImages, parseOnly, rerunSelection } = await import('./from-batch');
  const catalog = await catalogForCli(io.env, io.err);
  const { endSuffixesFromFlag } = await import('./settings-from-flags');
  const endSuffixes = endSuffixesFromFlag(opts.endSuffix);
  const flagContext = {
    cwd: io.cwd,
    defaultOutputDir: defaultOutputDir(process.platform, homedir()),
    catalog,
  };
  if (opts.from && paths.length)
    throw new UsageError('Give folders or --from <batch>, not both: --from runs the images of that batch.');
  if (!opts.from && !paths.length)
    throw new UsageError(
      'Name the folders or images to run, or --from <batch> to run an earlier batch again.',
    );
  if (opts.only && !opts.from) throw new UsageError('--only goes with --from <batch>.');
  const fromId = opts.from ? parseId(opts.from, 'batch') : null;
  const only = parseOnly(opts.only);
  // With --from the settings start from that batch's, read once the database is open.
  const flagSettings = fromId === null ? settingsFromFlags(opts, flagContext) : null;
  if (flagSettings?.shots) {
    // Before the scan: shots that cannot be sent are a usage error of --shots.
    const { shotsProblem } = await import('../intake/shots');
    const wrong = shotsProblem(flagSettings.shots, flagSettings.duration, catalog.get(flagSettings.modelId));
    if (wrong) throw new UsageError(`--shots: ${wrong}.`);
  }
  let simulator: SimulatorHandle | null = null;
  let clock: Clock | undefined;
  let credentials = await credentialsOf(io);
  if (opts.simulate) {
    const timeScale = opts.simTimeScale === undefined ? 0.02 : Number(opts.simTimeScale);
    if (!(timeScale > 0 && timeScale <= 1))
      throw new UsageError(
        `--sim-time-scale must be a number above 0 and at most 1, got "${opts.simTimeScale}".`,
      );
    // Simulator and engine share one fast clock, so the engine's polling (aimed at the
    // expected finish time) and the simulated generations agree on what "two minutes" is.
    clock = scaledClock(1 / timeScale);
    const { DEMO_API_KEY, startSimulator } = await import('../simulator');
    simulator = await startSimulator({ clock });
    credentials = { apiBaseUrl: simulator.url, apiKey: DEMO_API_KEY, keyHint: '' };
    io.err.write(`Simulated: a built-in RunComfy simulator at ${simulator.url} (no key, no cost).\n`);
  } else if (!credentials.apiKey) {
    throw new ExitError(
      EXIT.needsUser,
      `No API key: set RUNCOMFY_API_KEY to your RunComfy key${credentials.keyHint}, ` +
        'or add --simulate to try it with the built-in simulator.',
    );
  }
  const { engine, intake } = await openCore(
    dbPathOf(opts, io),
    credentials,
    clock,
    Boolean(opts.simulate),
    catalog,
  );
  const notices = await startNotices(engine, io.env, credentials.apiKey, warnLine(io));
  try {
    const selection = fromId === null ? null : rerunSelection(engine, fromId, only);
    const settings = selection
      ? settingsFromFlags(opts, { ...flagContext, defaults: selection.batch.settings })
      : flagSettings!;
    if (selection) {
      io.out.write(
        `From batch ${selection.batch.id} ("${selection.batch.name}"): ${selection.what}` +
          (selection.force ? ', generated again as new takes (each paid again).' : '.') +
          '\n',
      );
    }
    let lastProgress = 0;
    // The scan itself, with the end-frame suffixes of --end-suffix (intake.scan has the defaults).
    const { scanPaths } = await import('../intake/scan');
    const walked = await scanPaths(
      (selection ? selection.roots : paths).map((p) => (p.startsWith('/') ? p : `${io.cwd}/${p}`)),
      (p) => {
        if (io.err.isTTY && Date.now() - lastProgress > 200) {
          lastProgress = Date.now();
          io.err.write(`\r\x1b[2KScanning: ${p.checked}/${p.found} images checked`);
        }
      },
      undefined,
      { endSuffixes },
    );
    // Reference element images (--element, prompts.csv elements cells) are checked like start images.
    const scanned = await intake.checkElementImages(walked, settings.elements);
    if (io.err.isTTY) io.err.write('\r\x1b[2K');
    const scan = selection ? onlyImages(scanned, selection.sourcePaths) : scanned;
    const plan = intake.plan(scan, settings, { force: Boolean(opts.force) || Boolean(selection?.force) });
    io.out.write(
      `Found ${scan.images.length + scan.rejected.length + (scan.endFramePairs?.length ?? 0)} files` +
        `${(settings.takes ?? 1) > 1 ? ` (${settings.takes} takes each)` : ''}: ${plan.toSend} to send, ` +
        `${plan.rejected} rejected, ${plan.skipped} already generated.\n`,
    );
    const pairs = scan.endFramePairs ?? [];
    if (pairs.length > 0)
      io.out.write(
        `  ${pairs.length} end frame${pairs.length === 1 ? '' : 's'} paired by name: ` +
          `${pairs
            .slice(0, 5)
            .map((p) => `${p.start} + ${p.end}`)
            .join(', ')}${pairs.length > 5 ? ', …' : ''}\n`,
      );
    for (const problem of [...scan.problems, ...plan.problems])
      io.err.write(`  problem: ${problem.message}\n`);
    const verdicts = plan.items.filter((i) => i.verdict);
    for (const item of verdicts.slice(0, 20))
      io.out.write(`  ${item.verdict!.state}: ${item.relativePath}: ${item.verdict!.message}\n`);
    for (const r of scan.rejected.slice(0, 20)) io.out.write(`  rejected: ${r.path}: ${r.reason}\n`);
    if (verdicts.length + scan.rejected.length > 40)
      io.out.write(`  … and more; the report lists every item.\n`);
    if (plan.problems.length > 0)
      throw new ExitError(
        EXIT.usage,
        `The template or settings have ${plan.problems.length} problem(s); nothing was sent.`,
      );
    if (plan.toSend === 0)
      throw new ExitError(EXIT.usage, 'Nothing to send: no usable image in the given paths.');
    const first = plan.items.find((i) => !i.verdict);
    if (first) io.out.write(`  e.g. ${first.relativePath}: "${first.renderedPrompt}"\n`);
    // An unknown price is said as such, never as $0 (a capped batch was refused by the plan).
    const cost = plan.priceUnknown
      ? `Estimated cost unknown (RunComfy has not told us the price of ${catalog.get(settings.modelId).displayName})`
      : `Estimated cost ${usd(plan.estimatedCostUsd)}${settings.budgetUsd !== null ? ` (cap ${usd(settings.budgetUsd)})` : ''}`;
    io.out.write(
      `${cost}, about ${duration(plan.estimatedDurationMs)}; videos go to ${settings.outputDir}\n`,
    );
    if (!opts.simulate && !opts.yes) {
      const ok = await confirm(
        io,
        plan.priceUnknown
          ? `Spend an unknown amount on ${plan.toSend} videos? [y/N] `
          : `Spend up to ${usd(Math.min(plan.estimatedCostUsd, settings.budgetUsd ?? Infinity))} on ${plan.toSend} videos? [y/N] `,
      );
      if (!ok)
        throw new ExitError(
          EXIT.usage,
          io.stdin.isTTY
            ? 'Not started: you said no.'
            : 'Not started: add --yes to spend without being asked.',
        );
    }
    mkdirSync(settings.outputDir, { recursive: true });
    const batchId = engine.createBatch(settings, plan.items);
    io.out.write(`Batch ${batchId} started. Progress: stillmotion status ${batchId}\n`);
    engine.startBatch(batchId);
    const batch = await follow(engine, batchId, io, true);
    printFinal(io, batch);
    return finishedExit(batch);
  } finally {
    await notices.settled();
    notices.close();
    await engine.close();
    await simulator?.close();
  }
}

async function resumeCommand(batchArg: string | undefined, opts: Common, io: CliIo) {
  const credentials = await credentialsOf(io);
  const engine = await openEngine(dbPathOf(opts, io), credentials);
  const notices = await startNotices(engine, io.env, credentials.apiKey, warnLine(io));
  try {
    const ids = batchArg
      ? [parseId(batchArg, 'batch')]
      : engine
          .listBatches()
          .filter((b) => b.state === 'running' || b.state === 'paused')
          .map((b) => b.id);
    if (ids.length === 0) return { code: EXIT.ok, reason: 'Nothing to resume: every batch has finished.' };
    if (!(await credentialsOf(io)).apiKey)
      throw new ExitError(
        EXIT.needsUser,
        'No API key: set RUNCOMFY_API_KEY (and RUNCOMFY_API_BASE for a simulator or proxy).',
      );
    let worst = { code: EXIT.ok as number, reason: '' };
    for (const id of ids) {
      const batch = engine.getBatch(id);
      if (!batch) throw new ExitError(EXIT.usage, `There is no batch ${id}; see: stillmotion status`);
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
      if (current.state === 'paused') engine.resumeBatch(id);
      else engine.startBatch(id);
      io.out.write(`Resuming batch ${id}.\n`);
      const end = await follow(engine, id, io, true);
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

function parseId(value: string, what: string): number {
  const n = Number(value.replace(/^[bi#]/i, ''));
  if (!Number.isInteger(n) || n <= 0)
    throw new UsageError(`A ${what} id is a positive whole number, got "${value}".`);
  return n;
}

export async function main(argv: string[], ioOverride: Partial<CliIo> = {}): Promise<number> {
  const io: CliIo = {
    out: process.stdout,
    err: process.stderr,
    stdin: process.stdin,
    env: process.env,
    cwd: process.cwd(),
    ...ioOverride,
  };
  let result: { code: number; reason: string } = { code: EXIT.ok, reason: '' };
  const program = new Command()
    .name('stillmotion')
    .description('Turn folders of still images into videos through RunComfy (Kling 3.0 by default).')
    .version(APP_VERSION, '-V, --version', 'print the version')
    .option('--lang <language>', 'language of failure and pause reasons: en (default) or zh-CN')
    .hook('preAction', (command) => {
      const given = (command.opts() as { lang?: string }).lang ?? io.env.STILLMOTION_LANG;
      if (given !== undefined && !/^(en|zh)([-_].*)?$/i.test(given))
        throw new UsageError(`--lang must be en or zh-CN, got "${given}".`);
      setCliLanguage(reasonLanguageFor(given));
    })
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out.write(s), writeErr: (s) => io.err.write(s) })
    .showHelpAfterError('(run stillmotion --help for usage)');

  program
    .command('run')
    .description('scan images, show the preview and cost, then generate a video for each')
    .argument('[paths...]', 'folders and image files')
    .option('--from <batch>', "run an earlier batch's images again, with its settings (flags override them)")
    .option(
      '--only <which>',
      'with --from: "failed" (failed or expired items) or "rejected" (videos rejected in the review)',
    )
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
      '--url-prefix <https-url>',
      'send images as <prefix>/<relative path> instead of uploading them inline',
    )
    .option('--force', 'generate images again even if the same request was already generated')
    .option('--simulate', 'run against the built-in simulator: no key, no cost')
    .option('--sim-time-scale <factor>', 'with --simulate: how fast simulated time runs (default 0.02)')
    .option('-y, --yes', 'do not ask before spending')
    .option('--db <file>', "job database (default: the app's)")
    .action(async (paths: string[], opts: RunOptions) => {
      result = await runCommand(paths, opts, io);
    });

  program
    .command('models')
    .description('list the models: ids, aliases for --model, prices, and entries from your models folder')
    .action(async () => {
      const { catalogForCli, describeModels } = await import('./catalog-for-cli');
      io.out.write(`${describeModels(await catalogForCli(io.env, io.err))}\n`);
    });

  program
    .command('status')
    .description('show batches and their progress')
    .argument('[batch]', 'one batch id')
    .option('--db <file>', "job database (default: the app's)")
    .action(async (batchArg: string | undefined, opts: Common) => {
      const engine = await openEngine(dbPathOf(opts, io), await credentialsOf(io));
      try {
        const batches = batchArg
          ? [engine.getBatch(parseId(batchArg, 'batch'))]
          : engine.listBatches().slice(0, 20);
        if (batches.length === 0)
          io.out.write('No batches yet. Start one with: stillmotion run <folder> --template "..."\n');
        for (const batch of batches) {
          if (!batch)
            throw new ExitError(EXIT.usage, `There is no batch ${batchArg}; see: stillmotion status`);
          const holder = engine.leaseHolder(batch.id);
          io.out.write(statusBlock(batch) + (holder ? `\n  run by ${holder.owner}` : '') + '\n');
        }
      } finally {
        await engine.close();
      }
    });

  program
    .command('resume')
    .description('continue batches after a crash, a reboot or a pause')
    .argument('[batch]', 'one batch id (default: every unfinished batch)')
    .option('--db <file>', "job database (default: the app's)")
    .action(async (batchArg: string | undefined, opts: Common) => {
      result = await resumeCommand(batchArg, opts, io);
    });

  program
    .command('cancel')
    .description('cancel a batch, or one item with --item')
    .argument('[batch]', 'batch id')
    .option('--item <id>', 'cancel one item instead')
    .option('--db <file>', "job database (default: the app's)")
    .action(async (batchArg: string | undefined, opts: Common & { item?: string }) => {
      const engine = await openEngine(dbPathOf(opts, io), await credentialsOf(io));
      try {
        if (opts.item) {
          const outcome = await engine.cancelItem(parseId(opts.item, 'item'));
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
          const r = await engine.cancelBatch(parseId(batchArg, 'batch'));
          io.out.write(
            `Cancelled ${r.cancelledLocally}; cancel requested for ${r.cancelRequested}; ${r.running} already generating (cannot be stopped, will be billed and downloaded).\n`,
          );
        } else throw new UsageError('Name a batch id, or an item with --item <id>.');
      } finally {
        await engine.close();
      }
    });

  program
    .command('report')
    .description('every item of a batch with its state, reason, cost and output')
    .argument('<batch>', 'batch id')
    .option('--csv', 'as CSV')
    .option('--json', 'as JSON')
    .option('--db <file>', "job database (default: the app's)")
    .action(async (batchArg: string, opts: Common & { csv?: boolean; json?: boolean }) => {
      const engine = await openEngine(dbPathOf(opts, io), await credentialsOf(io));
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
    });

  program
    .command('retry')
    .description('retry the failed items of a batch (or one item), showing the cost first, then run it')
    .argument('<batch>', 'batch id')
    .option('--failed', 'every failed or expired item (the default)')
    .option('--item <id>', 'one item instead (failed, expired or cancelled)')
    .option('-y, --yes', 'do not ask before spending')
    .option('--db <file>', "job database (default: the app's)")
    .action(async (batchArg: string, opts: Common & { failed?: boolean; item?: string; yes?: boolean }) => {
      const { retryCommand } = await import('./retry');
      result = await retryCommand(batchArg, opts, {
        openEngine: async () => openEngine(dbPathOf(opts, io), await credentialsOf(io)),
        hasKey: async () => Boolean((await credentialsOf(io)).apiKey),
        parseId,
        confirm: (question) => confirm(io, question),
        drive: async (engine, batchId) => {
          io.out.write(`Progress: stillmotion status ${batchId}\n`);
          const credentials = await credentialsOf(io);
          const notices = await startNotices(engine, io.env, credentials.apiKey, warnLine(io));
          try {
            const end = await follow(engine, batchId, io, true);
            printFinal(io, end);
            return finishedExit(end);
          } finally {
            await notices.settled();
            notices.close();
          }
        },
        write: (line) => void io.out.write(`${line}\n`),
        exit: (code, message) => new ExitError(code, message),
        codes: EXIT,
      });
    });

  program
    .command('simulator')
    .description('run the RunComfy simulator in the foreground (see --help of npm run simulator)')
    .allowUnknownOption()
    .helpOption(false)
    .argument('[options...]')
    .action(async (args: string[]) => {
      process.argv = [process.argv[0]!, 'simulator', ...args];
      await import('../simulator/cli');
      result = { code: -1, reason: '' }; // the simulator keeps the process alive until Ctrl-C
    });

  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      return EXIT.usage;
    }
    if (error instanceof UsageError) {
      io.err.write(`${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof ExitError) {
      io.err.write(`${error.message}\n`);
      return error.code;
    }
    io.err.write(`${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.usage;
  }
  if (result.code === -1) return new Promise<number>(() => {});
  if (result.reason) (result.code === EXIT.ok ? io.out : io.err).write(`${result.reason}\n`);
  return result.code;
}
