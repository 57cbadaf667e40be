// `npm run soak [-- --seed N --items N --kills N --factor N --parallel N --keep --json]`:
// the night test. Runs the driver (driver.ts), then the checker (checker.ts), prints the
// report and exits non-zero when a guarantee was broken.
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
