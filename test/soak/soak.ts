// `npm run soak [-- --seed N --items N --kills N --factor N --parallel N --keep --json
// --no-lease-wait]`: the night test. Runs the driver (driver.ts), then the checker
// (checker.ts), prints the report and exits non-zero when a guarantee was broken.
//
// Defaults: 500 images, 20 SIGKILLs, clock x50 (a 90 s generation takes 1.8 s), --parallel 10,
// faults 5% 5xx, 1% + 1% resets before/after the body, 1% 429 with Retry-After, 2% failed
// generations, 3% truncated and 3% slow downloads, output links expiring 20 simulated minutes
// after the job ended. The seed fixes the faults, the request ids and the kill plan; the
// interleaving of two processes is not replayable, so two runs of one seed differ in detail.
//
// The unknown_submit bound: an item may end unknown_submit only when its last submit answer
// was lost, either to a kill (the items the database shows `submitting` right after each
// SIGKILL: intent stored, answer not) or to a fault that loses answers (5xx, resets before or
// after the body, hangs). The checker requires count <= that sum AND explains every such item
// one by one (a recovery event after a kill, or its own lost answer in the ledger).
import { parseArgs } from 'node:util';
import { checkRun, formatReport } from './checker';
import { DEFAULT_SOAK_OPTIONS, runSoak } from './driver';

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      items: { type: 'string' },
      kills: { type: 'string' },
      factor: { type: 'string' },
      parallel: { type: 'string' },
      keep: { type: 'boolean' },
      'no-lease-wait': { type: 'boolean' },
      json: { type: 'boolean' },
      quiet: { type: 'boolean' },
    },
  });
  const number = (name: string, value: string | undefined, fallback: number) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0)
      throw new Error(`--${name} must be a number of 0 or more, got "${value}"`);
    return n;
  };
  const seed = number('seed', values.seed, Math.floor(Math.random() * 1e6));
  const run = await runSoak({
    seed,
    items: number('items', values.items, DEFAULT_SOAK_OPTIONS.items),
    kills: number('kills', values.kills, DEFAULT_SOAK_OPTIONS.kills),
    clockFactor: number('factor', values.factor, DEFAULT_SOAK_OPTIONS.clockFactor),
    parallel: number('parallel', values.parallel, DEFAULT_SOAK_OPTIONS.parallel),
    keep: Boolean(values.keep),
    waitForLease: !values['no-lease-wait'],
    log: values.quiet ? () => {} : (line) => process.stderr.write(`${line}\n`),
  });
  const report = checkRun(run);
  process.stdout.write(formatReport(report) + '\n');
  if (values.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  if (values.keep || !report.ok) process.stdout.write(`  work folder      ${run.dir}\n`);
  // A failed run keeps its folder: the database, the logs and the outputs are the evidence.
  if (report.ok) run.cleanup();
  return report.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `soak: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(2);
  },
);
