// `stillmotion run <paths...>` (or `--from <batch> [--only failed|rejected]`) scans, previews,
// shows the cost, asks, then drives a new batch to its end. Loaded only when the command runs.
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { homedir } from 'node:os';
import { defaultOutputDir } from '../../app/paths';
import type { SimulatorHandle } from '../../simulator';
import { clockFromEnv, scaledClock, type Clock } from '../../util/clock';
import { followToExit } from '../follow';
import {
  confirm,
  EXIT,
  ExitError,
  parseId,
  redrawsInPlace,
  warnLine,
  type CliIo,
  type CommandResult,
  type Common,
} from '../io';
import { startNotices } from '../notices';
import { exampleText, foundLine, verdictLines } from '../plan-lines';
import { credentialsOf, dbPathOf, openCore, type CliCredentials } from '../open-core';
import { waitOutMachineTrouble } from '../../util/machine-trouble';
import { directNetwork } from '../../util/network';
import type { Catalog } from '../../catalog/catalog';
import type { parseOnly as ParseOnly } from '../from-batch';

type RerunOnly = ReturnType<typeof ParseOnly>;
import { duration, usd } from '../progress';
import type { RunFlags } from '../settings-from-flags';
import type { ScheduleFlags } from '../schedule-flags';
import { UsageError } from '../usage-error';
import { formatReason } from '@common/reasons';
import { countOf } from '../../util/count-words';

export interface RunOptions extends RunFlags, Common, ScheduleFlags {
  /** `stillmotion watch`: the batch stays open and takes in new images from its folders. */
  watch?: boolean;
  from?: string;
  only?: string;
  simulate?: boolean;
  simTimeScale?: string;
  yes?: boolean;
  force?: boolean;
  dailyCap?: string;
}

export async function runCommand(paths: string[], opts: RunOptions, io: CliIo): Promise<CommandResult> {
  // Loaded when a command needs models, so --help and status start without ajv (see cli-bundle test).
  const { catalogForCli } = await import('../catalog-for-cli');
  const { parseOnly } = await import('../from-batch');
  const { endSuffixesFromFlag } = await import('../settings-from-flags');
  const endSuffixes = endSuffixesFromFlag(opts.endSuffix);
  if (opts.from && paths.length)
    throw new UsageError('Give folders or --from <batch>, not both: --from runs the images of that batch.');
  if (!opts.from && !paths.length)
    throw new UsageError(
      'Name the folders or images to run, or --from <batch> to run an earlier batch again.',
    );
  if (opts.only && !opts.from) throw new UsageError('--only goes with --from <batch>.');
  const fromId = opts.from ? parseId(opts.from, 'batch') : null;
  const only = parseOnly(opts.only);
  let simulator: SimulatorHandle | null = null;
  let clock: Clock | undefined;
  let credentials = await credentialsOf(io);
  if (opts.simulate) {
    const timeScale = opts.simTimeScale === undefined ? 0.02 : Number(opts.simTimeScale);
    if (!(timeScale > 0 && timeScale <= 1))
      throw new UsageError(
        `--sim-time-scale must be a number above 0 and at most 1, got "${opts.simTimeScale}".`,
      );
  } else if (!credentials.apiKey) {
    throw new ExitError(
      EXIT.needsUser,
      `No API key: set RUNCOMFY_API_KEY to your RunComfy key${credentials.keyHint}, ` +
        'or add --simulate to try it with the built-in simulator.',
    );
  }
  if (opts.simulate) {
    // Simulator and engine share one fast clock, so the engine's polling (aimed at the
    // expected finish time) and the simulated generations agree on what "two minutes" is.
    clock = scaledClock(1 / (opts.simTimeScale === undefined ? 0.02 : Number(opts.simTimeScale)));
    const { DEMO_API_KEY, startSimulator } = await import('../../simulator');
    // Each video shows its start image moving, as in the app's simulated mode.
    simulator = await startSimulator({ clock, motionVideos: true });
    credentials = { apiBaseUrl: simulator.url, apiKey: DEMO_API_KEY, keyHint: '' };
    io.err.write(`Simulated: a built-in RunComfy simulator at ${simulator.url} (no key, no cost).\n`);
  }
  try {
    // RunComfy's catalog as it is now (its cached copy offline): the models, fields and prices.
    const catalog = await catalogForCli(io, {
      credentials: { ...credentials, simulated: Boolean(opts.simulate) },
      fetch: true,
      say: 'when-offline',
      // The built-in simulator listens in this very process: a proxy could never reach it.
      network: opts.simulate ? directNetwork() : undefined,
    });
    return await runWith(catalog, { paths, opts, io, fromId, only, endSuffixes, clock, credentials });
  } finally {
    await simulator?.close();
  }
}

async function runWith(
  catalog: Catalog,
  context: {
    paths: string[];
    opts: RunOptions;
    io: CliIo;
    fromId: number | null;
    only: RerunOnly;
    endSuffixes: string[] | undefined;
    clock: Clock | undefined;
    credentials: CliCredentials;
  },
): Promise<CommandResult> {
  const { paths, opts, io, fromId, only, endSuffixes, clock, credentials } = context;
  const watchFolders = opts.watch ? (await import('../watching')).foldersToWatch(paths, io.cwd) : [];
  const { settingsFromFlags } = await import('../settings-from-flags');
  const { onlyImages, rerunSelection } = await import('../from-batch');
  const flagContext = {
    cwd: io.cwd,
    defaultOutputDir: defaultOutputDir(process.platform, homedir()),
    catalog,
  };
  // With --from the settings start from that batch's, read once the database is open.
  const flagSettings = fromId === null ? settingsFromFlags(opts, flagContext) : null;
  if (flagSettings?.shots) {
    // Before the scan: shots that cannot be sent are a usage error of --shots.
    const { shotsProblem } = await import('../../intake/shots');
    const wrong = shotsProblem(flagSettings.shots, flagSettings.duration, catalog.get(flagSettings.modelId));
    if (wrong) throw new UsageError(`--shots: ${wrong}.`);
  }
  const waitLine = (message: string) => io.err.write(`${message}\n`);
  const { engine, intake } = await openCore(
    io,
    dbPathOf(opts, io),
    credentials,
    clock,
    Boolean(opts.simulate),
    catalog,
  );
  const notices = await startNotices(engine, io.env, credentials.apiKey, warnLine(io));
  try {
    if (opts.dailyCap !== undefined) {
      const { describeDailySpend, parseDailyCap } = await import('../daily-cap');
      engine.commands.setDailyCap(parseDailyCap(opts.dailyCap, '--daily-cap'));
      io.err.write(`${describeDailySpend(engine.dailySpend())}\n`);
    }
    const selection = fromId === null ? null : rerunSelection(engine, fromId, only);
    const settings = selection
      ? settingsFromFlags(opts, { ...flagContext, defaults: selection.settings })
      : flagSettings!;
    if (selection) {
      io.out.write(
        `From batch ${selection.batchId} ("${selection.batchName}"): ${selection.what}` +
          (selection.force ? ', generated again as new takes (each paid again).' : '.') +
          '\n',
      );
    }
    // What a watch must not take again: listed before the scan, so nothing arriving meanwhile is missed.
    const { filesInFolders } = await import('../../app/folder-watch');
    const present = opts.watch ? await filesInFolders(watchFolders, settings.outputDir) : [];
    let lastProgress = 0;
    // The scan itself, with the end-frame suffixes of --end-suffix (intake.scan has the defaults).
    const { scanPaths } = await import('../../intake/scan');
    const walked = await scanPaths(
      (selection ? selection.roots : paths).map((p) => (p.startsWith('/') ? p : `${io.cwd}/${p}`)),
      (p) => {
        if (redrawsInPlace(io.err, io.env) && Date.now() - lastProgress > 200) {
          lastProgress = Date.now();
          io.err.write(`\r\x1b[2KScanning: ${p.checked}/${p.found} images checked`);
        }
      },
      undefined,
      { endSuffixes },
    );
    // Reference element images (--element, prompts.csv elements cells) are checked like start images.
    const scanned = await intake.checkElementImages(walked, settings.elements);
    if (redrawsInPlace(io.err, io.env)) io.err.write('\r\x1b[2K');
    const scan = selection ? onlyImages(scanned, selection.sourcePaths) : scanned;
    const plan = intake.plan(scan, settings, {
      force: Boolean(opts.force) || Boolean(selection?.force),
      dailyCapUsd: engine.dailySpend().capUsd,
    });
    io.out.write(foundLine(scan, plan, settings.takes ?? 1));
    const pairs = scan.endFramePairs ?? [];
    if (pairs.length > 0)
      io.out.write(
        `  ${countOf(pairs.length, 'end frame')} paired by name: ` +
          `${pairs
            .slice(0, 5)
            .map((p) => `${p.start} + ${p.end}`)
            .join(', ')}${pairs.length > 5 ? ', …' : ''}\n`,
      );
    // A pair on a model without an end-frame field: its start image goes alone, and says so.
    const ignored = new Map<string, string>();
    for (const item of plan.items)
      for (const note of item.notes)
        if (typeof note !== 'string' && note.code === 'plan_end_frame_ignored')
          ignored.set(item.relativePath, formatReason(note));
    for (const [path, note] of [...ignored].slice(0, 5)) io.out.write(`  note: ${path}: ${note}\n`);
    for (const problem of [...scan.problems, ...plan.problems])
      io.err.write(`  problem: ${problem.message}\n`);
    for (const line of verdictLines(plan.items, scan.rejected)) io.out.write(`${line}\n`);
    if (plan.problems.length > 0)
      throw new ExitError(
        EXIT.usage,
        `The template or settings have ${plan.problems.length} problem(s); nothing was sent.`,
      );
    if (plan.toSend === 0 && !opts.watch) {
      // --force is offered only when all is made: for a video still on its way, or a submit whose
      // answer was lost, it would pay a second time (their lines above say what to do instead).
      const onItsWay = plan.items.some((i) => i.verdict?.code === 'already_in_progress');
      throw new ExitError(
        EXIT.usage,
        plan.skipped > 0
          ? `Nothing to send: every usable image is already generated or on its way (see above${onItsWay ? '' : '; --force makes them again'}).`
          : 'Nothing to send: no usable image in the given paths.',
      );
    }
    const makeOutputFolder = checkOutputFolder(settings.outputDir);
    const first = plan.items.find((i) => !i.verdict);
    if (first)
      io.out.write(`  e.g. ${first.relativePath}: ${exampleText(first, catalog.get(settings.modelId))}\n`);
    // An unknown price is said as such, never as $0 (a capped batch without a ceiling was
    // refused by the plan); with a ceiling, the estimate is what the videos count for.
    const capWords = settings.budgetUsd !== null ? ` (cap ${usd(settings.budgetUsd)})` : '';
    const modelName = catalog.get(settings.modelId).displayName;
    const cost =
      plan.priceUnknown && plan.perVideoCeilingUsd !== null
        ? `Price of ${modelName} unknown: each video counts as your ceiling of ${usd(plan.perVideoCeilingUsd)}, at most ${usd(plan.estimatedCostUsd)} in all${capWords}`
        : plan.priceUnknown
          ? `Estimated cost unknown (RunComfy has not told us the price of ${modelName})`
          : `Estimated cost ${usd(plan.estimatedCostUsd)}${capWords}`;
    io.out.write(
      `${cost}, about ${duration(plan.estimatedDurationMs)}; videos go to ${settings.outputDir}\n`,
    );
    const hours = (await import('../schedule-flags')).hoursFromFlags(opts, clock ?? clockFromEnv(io.env));
    if (opts.watch) io.out.write((await import('../watching')).watchIntro(watchFolders, plan));
    await warnIfBalanceShort(io, credentials, Boolean(opts.simulate), plan.estimatedCostUsd);
    if (!opts.simulate && !opts.yes) {
      const ok = await confirm(
        io,
        opts.watch
          ? `Send ${countOf(plan.toSend, 'video')} now and one for every new image? [y/N] `
          : plan.priceUnknown && plan.perVideoCeilingUsd === null
            ? `Spend an unknown amount on ${countOf(plan.toSend, 'video')}? [y/N] `
            : `Spend up to ${usd(Math.min(plan.estimatedCostUsd, settings.budgetUsd ?? Infinity))} on ${countOf(plan.toSend, 'video')}? [y/N] `,
      );
      if (!ok)
        throw new ExitError(
          EXIT.usage,
          io.stdin.isTTY
            ? 'Not started: you said no.'
            : 'Not started: add --yes to spend without being asked.',
        );
    }
    makeOutputFolder();
    // Recording the batch writes to the database: a lock held by another program is waited out.
    const batchId = await waitOutMachineTrouble(
      () => engine.createBatch(settings, plan.items, undefined, { schedule: hours.schedule, watchFolders }),
      'Creating the batch',
      { onWait: waitLine },
    );
    io.out.write(`Batch ${batchId} started. Progress: stillmotion status ${batchId}\n`);
    io.out.write(hours.line(engine.getBatch(batchId)?.schedule));
    await waitOutMachineTrouble(() => engine.commands.startBatch(batchId), `Starting batch ${batchId}`, {
      onWait: waitLine,
    });
    if (!opts.watch) return await followToExit(engine, batchId, io);
    const { followWatching } = await import('../watching');
    return await followWatching(engine, intake, batchId, present, clock ?? clockFromEnv(io.env), io);
  } finally {
    await notices.settled();
    notices.close();
    await engine.close();
  }
}

const isFolder = (path: string) => statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;

/**
 * The engine's rule for a new batch's output folder, checked before anything is asked or paid:
 * an existing folder is used; a missing one is made (once the user said yes) only when its
 * parent exists, the last level alone, because a missing parent is an unplugged drive and
 * `mkdir -p` would put the videos on the system disk and record that as the batch's folder.
 * Returns what makes it.
 */
function checkOutputFolder(outputDir: string): () => void {
  const dir = resolve(outputDir);
  if (isFolder(dir)) return () => {};
  const parent = dirname(dir);
  if (!isFolder(parent))
    throw new ExitError(
      EXIT.usage,
      `The output folder ${dir} cannot be made: ${parent} does not exist. If it is on a drive, connect ` +
        `it; otherwise create ${parent} first (only the last folder is made, so that the videos of an ` +
        'unplugged drive never land on the system disk). Nothing was sent.',
    );
  return () => {
    try {
      mkdirSync(dir);
    } catch (error) {
      if ((error as { code?: string }).code !== 'EEXIST')
        throw new ExitError(
          EXIT.usage,
          `The output folder ${dir} cannot be made (${(error as Error).message}). Choose another folder with --out; nothing was sent.`,
        );
    }
  };
}

async function warnIfBalanceShort(
  io: CliIo,
  credentials: CliCredentials,
  simulated: boolean,
  estimateUsd: number,
): Promise<void> {
  if (!(estimateUsd > 0)) return;
  const { createBalanceService } = await import('../../app/account-balance');
  const balance = await createBalanceService({
    credentials: { current: async () => ({ ...credentials, simulated }) },
    now: Date.now,
    fetch: simulated ? directNetwork().fetch : undefined,
  }).read();
  if (balance.state === 'known' && balance.usd < estimateUsd)
    io.err.write(
      `Warning: the RunComfy balance is ${usd(balance.usd)}, less than the estimate of ${usd(estimateUsd)}: ` +
        `the batch pauses when it runs out; top up${balance.topUpUrl ? ` at ${balance.topUpUrl}` : ''}, then resume it.\n`,
    );
}
