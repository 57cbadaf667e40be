// `stillmotion run <paths...>` (or `--from <batch> [--only failed|rejected]`) scans, previews,
// shows the cost, asks, then drives a new batch to its end. Loaded only when the command runs.
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { defaultOutputDir } from '../../app/paths';
import type { SimulatorHandle } from '../../simulator';
import { scaledClock, type Clock } from '../../util/clock';
import { finishedExit, follow, printFinal } from '../follow';
import {
  confirm,
  EXIT,
  ExitError,
  parseId,
  warnLine,
  type CliIo,
  type CommandResult,
  type Common,
} from '../io';
import { startNotices } from '../notices';
import { credentialsOf, dbPathOf, openCore } from '../open-core';
import { duration, usd } from '../progress';
import type { RunFlags } from '../settings-from-flags';
import { UsageError } from '../usage-error';

export interface RunOptions extends RunFlags, Common {
  from?: string;
  only?: string;
  simulate?: boolean;
  simTimeScale?: string;
  yes?: boolean;
  force?: boolean;
}

export async function runCommand(paths: string[], opts: RunOptions, io: CliIo): Promise<CommandResult> {
  // Loaded when a command needs models, so --help and status start without ajv (see cli-bundle test).
  const { catalogForCli } = await import('../catalog-for-cli');
  const { settingsFromFlags } = await import('../settings-from-flags');
  const { onlyImages, parseOnly, rerunSelection } = await import('../from-batch');
  const catalog = await catalogForCli(io.env, io.err);
  const { endSuffixesFromFlag } = await import('../settings-from-flags');
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
    const { shotsProblem } = await import('../../intake/shots');
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
    const { DEMO_API_KEY, startSimulator } = await import('../../simulator');
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
    const { scanPaths } = await import('../../intake/scan');
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
    // Files, then what they are: the counts after the colon are videos (takes of images), so say
    // how files became images (end frames are no images of their own) and images videos.
    const endFrames = scan.endFramePairs?.length ?? 0;
    const what = [
      ...(endFrames > 0
        ? [
            `${scan.images.length} image${scan.images.length === 1 ? '' : 's'} and ${endFrames} end frame${endFrames === 1 ? '' : 's'}`,
          ]
        : []),
      ...((settings.takes ?? 1) > 1 ? [`${settings.takes} takes of each image`] : []),
    ];
    io.out.write(
      `Found ${scan.images.length + scan.rejected.length + endFrames} files` +
        `${what.length > 0 ? ` (${what.join('; ')})` : ''}: ${plan.toSend} to send, ` +
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
    // One line per image and verdict, however many takes share it (10 takes of a refused image
    // would otherwise say the same thing 10 times).
    const verdicts = new Map<string, { line: string; takes: number }>();
    for (const item of plan.items) {
      if (!item.verdict) continue;
      const line = `  ${item.verdict.state}: ${item.relativePath}: ${item.verdict.message}`;
      const seen = verdicts.get(line);
      if (seen) seen.takes++;
      else verdicts.set(line, { line, takes: 1 });
    }
    for (const { line, takes } of [...verdicts.values()].slice(0, 20))
      io.out.write(`${line}${takes > 1 ? ` (all ${takes} takes)` : ''}\n`);
    for (const r of scan.rejected.slice(0, 20)) io.out.write(`  rejected: ${r.path}: ${r.reason}\n`);
    if (verdicts.size + scan.rejected.length > 40)
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
