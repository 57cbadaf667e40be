// `npm run soak [-- --seed N --items N --kills N --factor N --parallel N --keep --json
// --no-lease-wait] [environment faults] [machine faults]`: the night test. Runs the driver
// (driver.ts), then the checker (checker.ts), prints the report and exits non-zero when a
// guarantee was broken.
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
//
// Environment faults (test/soak/environment.ts), off by default, each on its own flag; the
// times are simulated (at x50, 60 s = 1.2 s real) unless they say real:
//   --cdn-lag             video links answer a bare 404 for 60 s after their job ended
//   --download-outage     downloads are reset for 5 minutes, starting at a seeded moment in
//                         the first 30 minutes
//   --proxy-404           2% of status/result requests get a proxy's bare HTML 404
//   --missing-output-url  1% of jobs succeed (and are billed) with no video URL
//   --delete-sources      5 source images of queued items are deleted at 30% settled
//   --output-unplugged    at 25% the output folder is renamed away for 8 s real and back
//                         (what the app wrote meanwhile is hidden, as a remounted drive would)
//   --output-read-only    at 15% the output folder is read-only for 6 s real: a read-only bind
//                         mount (root ignores chmod), or a file in its place where mounts fail
//   --late-key            at 40% Ctrl-C, resume with no key (must refuse), key set 5 s real later
//   --base-switch         at 50% Ctrl-C, resume through a second simulator (another
//                         RUNCOMFY_API_BASE) for 6 s real, then Ctrl-C and back
//   --env-faults          all of the above (alias --all-faults)
// With them the checker also judges: no item expired unless the server's ledger shows its
// link really expired; no paid re-submit of an item whose paid video had succeeded; no stretch
// over 2 simulated minutes with queued items and nothing in flight while a CLI worked; paid
// jobs without a video URL end failed (explained), never done or expired.
//
// Machine faults (test/soak/machine.ts), off by default, each on its own flag; each starts at a
// seeded moment (a settled fraction drawn from its window); times simulated unless they say real:
//   --db-lock            twice, a second connection holds the database's write lock (BEGIN
//                        IMMEDIATE) for 10 s real, past the CLI's 5 s busy timeout: SQLITE_BUSY
//   --db-write-faults    1% of the CLI's job-store writes (the submit answer's among them) fail
//                        with SQLITE_FULL or SQLITE_IOERR (STILLMOTION_DB_FAULTS, logged)
//   --small-disk         the output folder sits on a small tmpfs, filled once by a file beside
//                        it and freed 60 s later (injected ENOSPC where mounting is not allowed)
//   --file-fault-spells  3 spells of 4 minutes in which 70% of the output folder's file
//                        operations fail EBUSY, EMFILE or ETIMEDOUT (STILLMOTION_FILE_FAULTS)
//   --silent-downloads   1% of downloads send their headers (or part of the body), then nothing,
//                        the socket left open; the server cuts them after 15 minutes
//   --suspend            the CLI is stopped (SIGSTOP) for 6 s real (five 60 s leases), a resume
//                        takes the batch over, then it is continued (SIGCONT); both run 8 s real,
//                        then the old one is killed; every file operation is traced meanwhile
//   --clock-steps        the machine's wall clock steps +15 min, later -20 min, in every CLI at
//                        once (STILLMOTION_CLOCK_STEP_FILE); the simulator's clock does not move
//   --machine-faults     all of the above
// With them the checker also judges: every request id the simulator billed is known to the
// database (items, earlier attempts) unless its answer never reached the client; every saved
// video holds its own job's bytes (the simulator tags each file with its request id); no
// temporary file (any name starting with a dot, .part or .tmp) anywhere under the output
// folder; no paid video failed while its link lived; no batch waiting for a person because of
// the disk (a disk_full pause the CLI exits on, or one still there a recheck after the disk
// freed); a process continued without its lease names no file (link, rename) and writes none
// once a lease renewal has passed; no silent download waited on over 5 simulated minutes. The report ends with the
// bottom line: duplicate paid, billed-but-unknown, paid not downloaded, wrong bytes,
// temporary files and stalled batches, each of which must be 0.
import { parseArgs } from 'node:util';
import { checkRun } from './checker';
import { runSoak } from './driver';
import { DEFAULT_SOAK_OPTIONS } from './soak-run';
import { NIGHT_ENVIRONMENT, type SoakEnvironment } from './environment';
import { NIGHT_MACHINE, type MachineFaults } from './machine';
import { formatReport } from './report';

/** Each environment flag and the fault it turns on (NIGHT_ENVIRONMENT's settings). */
const ENVIRONMENT_FLAGS: Record<string, keyof SoakEnvironment> = {
  'cdn-lag': 'cdnLagMs',
  'download-outage': 'downloadOutage',
  'proxy-404': 'proxyHtml404',
  'missing-output-url': 'missingOutputUrl',
  'delete-sources': 'deleteSources',
  'output-unplugged': 'outputUnplugged',
  'output-read-only': 'outputReadOnly',
  'late-key': 'lateKey',
  'base-switch': 'baseSwitch',
};

/** Each machine flag and the fault it turns on (NIGHT_MACHINE's settings). */
const MACHINE_FLAGS: Record<string, keyof MachineFaults> = {
  'db-lock': 'dbLock',
  'db-write-faults': 'dbWriteFaults',
  'small-disk': 'smallDisk',
  'file-fault-spells': 'fileFaultSpells',
  'silent-downloads': 'silentDownloads',
  suspend: 'suspend',
  'clock-steps': 'clockSteps',
};

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
      'env-faults': { type: 'boolean' },
      'all-faults': { type: 'boolean' },
      'machine-faults': { type: 'boolean' },
      ...Object.fromEntries(
        [...Object.keys(ENVIRONMENT_FLAGS), ...Object.keys(MACHINE_FLAGS)].map((flag) => [
          flag,
          { type: 'boolean' as const },
        ]),
      ),
    },
  });
  const all = Boolean(values['env-faults'] || values['all-faults']);
  const environment: SoakEnvironment = {};
  for (const [flag, name] of Object.entries(ENVIRONMENT_FLAGS))
    if (all || (values as Record<string, unknown>)[flag])
      Object.assign(environment, { [name]: NIGHT_ENVIRONMENT[name] });
  const machine: MachineFaults = {};
  for (const [flag, name] of Object.entries(MACHINE_FLAGS))
    if (values['machine-faults'] || (values as Record<string, unknown>)[flag])
      Object.assign(machine, { [name]: NIGHT_MACHINE[name] });
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
    environment,
    machine,
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
