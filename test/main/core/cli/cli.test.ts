// The headless CLI as a child process against the simulator: runs that finish, a crash and a
// resume without paying twice, exit codes with their one-line reasons, the lease, status,
// report and cancel. Each child costs 1-2 s of tsx start-up, so tests share databases and run
// independent children side by side.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditLedger,
  DEMO_API_KEY,
  startSimulator,
  type SimulatorHandle,
  type SimulatorOptions,
} from '../../../../main/core/simulator';
import { scaledClock } from '../../../../main/core/util/clock';
import { childEnv, cli, ITEM_LINE, startCli, stateLines, tempDir, until, writeImages } from './helpers';

// Simulated time runs 20x faster in the simulators below and in the children (shared epoch):
// a 40 s generation takes 2 s, the engine's 60 s lease lapses 3 s after a crash.
const FACTOR = 20;
const EPOCH = Date.now();
const clock = scaledClock(FACTOR, EPOCH, EPOCH);
const CLOCK_ENV = { STILLMOTION_CLOCK_FACTOR: String(FACTOR), STILLMOTION_CLOCK_EPOCH: String(EPOCH) };

const work = tempDir();
const images = join(work.path, 'images');
const sims: SimulatorHandle[] = [];

async function simulator(options: SimulatorOptions = {}): Promise<SimulatorHandle> {
  const sim = await startSimulator({ clock, generationMs: () => 10_000, ...options });
  sims.push(sim);
  return sim;
}

function envFor(sim: SimulatorHandle, extra: Record<string, string> = {}) {
  return childEnv(join(work.path, 'data'), {
    ...CLOCK_ENV,
    RUNCOMFY_API_BASE: sim.url,
    RUNCOMFY_API_KEY: DEMO_API_KEY,
    ...extra,
  });
}

const lastLine = (text: string) => text.trim().split('\n').pop() ?? '';
const mp4s = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.mp4'))
    : [];

beforeAll(async () => {
  await writeImages(images, 3);
});

afterAll(async () => {
  await Promise.all(sims.map((s) => s.close()));
  work.remove();
});

describe('stillmotion run', () => {
  it('--simulate finishes without asking: videos on disk, exit 0, one plain line per state change; status and report read it', async () => {
    const db = join(work.path, 'simulate.sqlite');
    const out = join(work.path, 'out-simulate');
    const run = await cli(
      [
        'run',
        images,
        '--template',
        'A slow pan over {name}',
        '--simulate',
        '--sim-time-scale',
        '0.01',
        '--out',
        out,
        '--db',
        db,
      ],
      childEnv(join(work.path, 'data')),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/Simulated: a built-in RunComfy simulator/);
    expect(run.stdout).toMatch(/Found 3 images: 3 to send, 0 refused, 0 already generated\./);
    expect(run.stdout).toMatch(/^3 of 3 videos done; \$\d+\.\d\d \(simulated\) spent\.$/m);
    expect(mp4s(out).sort()).toEqual(['day-2/shot-1.mp4', 'shot-0.mp4', 'shot-2.mp4']);
    for (const file of mp4s(out)) expect(statSync(join(out, file)).size).toBeGreaterThan(0);
    // Not a terminal: no cursor movement, and each item's history reads as distinct states.
    expect(run.stdout).not.toContain('\x1b');
    const lines = stateLines(run.stdout);
    expect([...lines.keys()].sort()).toEqual([1, 2, 3]);
    for (const states of lines.values()) {
      expect(states.at(-1)).toBe('done');
      for (let i = 1; i < states.length; i++) expect(states[i]).not.toBe(states[i - 1]);
      expect(new Set(states).size).toBe(states.length);
    }
    const batchId = /Batch (\d+) started/.exec(run.stdout)![1]!;

    const [status, csv, json, plain] = await Promise.all([
      cli(['status', batchId, '--db', db], childEnv(join(work.path, 'data'))),
      cli(['report', batchId, '--csv', '--db', db], childEnv(join(work.path, 'data'))),
      cli(['report', batchId, '--json', '--db', db], childEnv(join(work.path, 'data'))),
      cli(['report', batchId, '--db', db], childEnv(join(work.path, 'data'))),
    ]);
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(new RegExp(`Batch ${batchId} ".*" — finished`));
    expect(status.stdout).toMatch(/3\/3 done\s+3 done/);
    expect(csv.code).toBe(0);
    const rows = csv.stdout.trim().split('\n');
    expect(rows).toHaveLength(4);
    expect(rows.slice(1).every((r) => r.includes('done'))).toBe(true);
    expect(csv.stdout).toContain('shot-1.jpg');
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as {
      batch: { id: number; state: string };
      items: { state: string; outputPath: string }[];
    };
    expect(parsed.batch).toMatchObject({ id: Number(batchId), state: 'finished' });
    expect(parsed.items.map((i) => i.state)).toEqual(['done', 'done', 'done']);
    for (const item of parsed.items) expect(existsSync(item.outputPath)).toBe(true);
    expect(plain.stdout.split('\n').filter((l) => ITEM_LINE.test(l))).toHaveLength(3);
  });

  it('runs against a separately started simulator with RUNCOMFY_API_BASE and --yes', async () => {
    const sim = await simulator();
    const out = join(work.path, 'out-external');
    const run = await cli(
      [
        'run',
        images,
        '-t',
        '{name} at dusk',
        '--yes',
        '--out',
        out,
        '--db',
        join(work.path, 'external.sqlite'),
      ],
      envFor(sim),
    );
    expect(run.code, run.stderr).toBe(0);
    expect(mp4s(out)).toHaveLength(3);
    const audit = auditLedger(sim.ledger);
    expect(audit.jobsCreated).toBe(3);
    expect(audit.duplicateJobs).toBe(0);
    expect(audit.succeededNotDownloaded).toEqual([]);
    expect(sim.ledger.submits.map((s) => s.prompt).sort()).toEqual([
      'shot-0 at dusk',
      'shot-1 at dusk',
      'shot-2 at dusk',
    ]);
  });
});

describe('a crash and a resume', () => {
  it(
    'SIGKILL mid-generation, then resume: nothing submitted twice, every video downloaded; a second resume watches the first',
    { timeout: 90_000 },
    async () => {
      // Jobs run 120 s simulated (6 s real), two at a time, so the kill lands mid-generation and
      // the resumed run is still going when the second resume starts (a child process takes
      // seconds to start on a loaded machine; with 2 s jobs the first resume had often finished).
      const sim = await simulator({ generationMs: () => 120_000, concurrencyCap: 2 });
      const db = join(work.path, 'crash.sqlite');
      const out = join(work.path, 'out-crash');
      const env = envFor(sim);
      const first = startCli(
        ['run', images, '-t', 'crash {name}', '--yes', '-p', '2', '--out', out, '--db', db],
        env,
      );
      // Kill once both slots hold accepted jobs (not mid-submit: a submit cut off after its intent
      // was stored is rightly left as unknown_submit, never resent).
      const accepted = () =>
        [...stateLines(first.stdout()).values()].filter((s) =>
          ['in_queue', 'in_progress'].includes(s.at(-1)!),
        ).length;
      await until(() => accepted() >= 2, 'two items accepted by the API', 30_000);
      first.child.kill('SIGKILL');
      expect(await first.exited).toBeNull();
      const batchId = /Batch (\d+) started/.exec(first.stdout())![1]!;
      const beforeResume = auditLedger(sim.ledger);
      expect(beforeResume.jobsCreated).toBeGreaterThan(0);
      expect(beforeResume.succeededNotDownloaded.length + mp4s(out).length).toBeLessThan(3);

      // The killed process's lease is still on record, but its holder is a dead process of this
      // machine: resume takes the batch over at once instead of waiting for the lease to lapse.
      const resume = startCli(['resume', batchId, '--db', db], env);
      await until(() => /Resuming batch/.test(resume.stdout()), 'the resume to take the batch over', 30_000);
      expect(resume.stderr()).not.toMatch(/is being run by/);
      // While it runs, a second resume says who holds the batch and only watches.
      const second = await cli(['resume', batchId, '--db', db], env);
      const code = await resume.exited;
      expect(code, resume.stderr()).toBe(0);
      expect(second.code, second.stderr).toBe(0);
      expect(second.stderr).toMatch(
        new RegExp(`Batch ${batchId} is being run by cli:[^:]+:${resume.child.pid}; watching`),
      );
      expect(second.stdout).toMatch(/— finished/);

      const audit = auditLedger(sim.ledger);
      expect(audit.duplicateJobs).toBe(0);
      expect(audit.jobsCreated).toBe(3);
      expect(audit.succeededNotDownloaded).toEqual([]);
      expect(mp4s(out)).toHaveLength(3);
      expect(resume.stdout()).toMatch(/3\/3 done\s+3 done/);
    },
  );
});

describe('exit codes and their reasons', () => {
  it('2 for bad usage and for a template that cannot render; nothing is sent', async () => {
    const sim = await simulator();
    const env = envFor(sim);
    // One database per child, so each run's ledger and exit are its own.
    let n = 0;
    const db = () => join(work.path, `usage-${n++}.sqlite`);
    const out = join(work.path, 'out-usage');
    const [unknownFlag, duration, empty, variable, noYes] = await Promise.all([
      cli(['run', images, '--frobnicate', '--db', db()], env),
      cli(['run', images, '-t', '{name}', '--duration', '20', '--yes', '--db', db()], env),
      cli(['run', images, '--template', '  ', '--yes', '--db', db()], env),
      cli(['run', images, '-t', 'A shot of {nmae}', '--yes', '--out', out, '--db', db()], env),
      cli(['run', images, '-t', '{name}', '--out', out, '--db', db()], env),
    ]);
    expect(unknownFlag.code).toBe(2);
    expect(unknownFlag.stderr).toMatch(/unknown option '--frobnicate'/);
    expect(duration.code).toBe(2);
    expect(lastLine(duration.stderr)).toBe(
      '--duration must be a whole number from 3 to 15 seconds for Kling 3.0 Standard, got "20".',
    );
    expect(empty.code).toBe(2);
    expect(lastLine(empty.stderr)).toMatch(/^--template is empty: write the prompt for every image/);
    expect(variable.code).toBe(2);
    expect(variable.stderr).toMatch(/nmae/);
    expect(lastLine(variable.stderr)).toMatch(
      /The template or settings have 1 problem\(s\); nothing was sent\./,
    );
    expect(noYes.code).toBe(2);
    expect(lastLine(noYes.stderr)).toBe('Not started: add --yes to spend without being asked.');
    expect(noYes.stdout).toMatch(/Estimated cost \$/);
    expect(sim.ledger.submits).toHaveLength(0);
    expect(mp4s(out)).toHaveLength(0);
  });

  it('2 for an output folder whose drive is not there: nothing is created on the system disk, nothing sent', async () => {
    const sim = await simulator();
    // An unmounted drive: its mount point's parent is there, the mount point is not.
    const unplugged = join(work.path, 'media', 'usb-drive');
    const out = join(unplugged, 'videos');
    const run = await cli(
      ['run', images, '-t', '{name}', '--yes', '--out', out, '--db', join(work.path, 'unplugged.sqlite')],
      envFor(sim),
    );
    expect(run.code).toBe(2);
    expect(lastLine(run.stderr)).toBe(
      `The output folder ${out} cannot be made: ${unplugged} does not exist. If it is on a drive, connect ` +
        `it; otherwise create ${unplugged} first (only the last folder is made, so that the videos of an ` +
        'unplugged drive never land on the system disk). Nothing was sent.',
    );
    expect(existsSync(unplugged)).toBe(false);
    expect(sim.ledger.submits).toHaveLength(0);
  });

  it('2 for a batch that is not there, in every command that names one, and for report with no batch yet', async () => {
    const sim = await simulator();
    const env = envFor(sim);
    const db = join(work.path, 'no-batch.sqlite');
    const [status, report, retry, resubmit, resume, latest, cancel, from] = await Promise.all([
      cli(['status', '7', '--db', db], env),
      cli(['report', 'b7', '--db', db], env),
      cli(['retry', '7', '--yes', '--db', db], env),
      cli(['resubmit', '7', '--yes', '--db', db], env),
      cli(['resume', '7', '--db', db], env),
      cli(['report', '--db', db], env),
      cli(['cancel', '--db', db], env),
      cli(['run', '--from', '7', '--db', db], env),
    ]);
    for (const child of [status, report, retry, resubmit, resume]) {
      expect(child.code, child.stderr).toBe(2);
      expect(child.stderr.trim()).toBe('There is no batch 7; see: stillmotion status');
    }
    expect(latest.code).toBe(2);
    expect(latest.stderr.trim()).toBe(
      'No batches yet, so there is nothing to report. Start one with: stillmotion run <folder> --template "..."',
    );
    expect(cancel.code).toBe(2);
    expect(cancel.stderr.trim()).toBe('Name a batch id, or an item with --item <id>.');
    expect(from.code).toBe(2);
    expect(from.stderr.trim()).toBe('There is no batch 7 to run again; see: stillmotion status');
    expect(sim.ledger.submits).toHaveLength(0);
  });

  it('1 when some items failed, with the count and where to read why', async () => {
    const sim = await simulator({ faults: { generationFailure: 1 } });
    const run = await cli(
      [
        'run',
        images,
        '-t',
        '{name}',
        '--yes',
        '--out',
        join(work.path, 'out-fail'),
        '--db',
        join(work.path, 'fail.sqlite'),
      ],
      envFor(sim),
    );
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(
      /^0 of 3 videos done, 3 need attention; \$\d+\.\d\d spent\. See: stillmotion report \d+$/m,
    );
    // ...and then the command that acts on them.
    expect(lastLine(run.stderr)).toMatch(
      /^ {2}retry the 3 failed \(asks, showing the cost\): stillmotion retry \d+$/,
    );
    expect(stateLines(run.stdout).get(1)?.at(-1)).toBe('failed');
  });

  it('3 when paused for the user (bad key, budget below one video, no key); cancel reports what it did', async () => {
    const sim = await simulator();
    const db = join(work.path, 'paused.sqlite');
    const args = ['run', images, '-t', '{name}', '--yes', '--out', join(work.path, 'out-paused')];
    const [badKey, budget, noKey] = await Promise.all([
      cli([...args, '--db', join(work.path, 'badkey.sqlite')], envFor(sim, { RUNCOMFY_API_KEY: 'wrong' })),
      cli([...args, '--budget', '0.10', '--db', db], envFor(sim)),
      cli(args, childEnv(join(work.path, 'data-nokey'), CLOCK_ENV)),
    ]);
    expect(badKey.code, badKey.stderr).toBe(3);
    expect(lastLine(badKey.stderr)).toMatch(/^paused: .*key/i);
    expect(badKey.stdout).toMatch(/paused \(bad_key\)/);
    expect(budget.code, budget.stderr).toBe(3);
    expect(lastLine(budget.stderr)).toMatch(/^paused: .*(budget|cap)/i);
    expect(budget.stdout).toMatch(/paused \(budget_reached\)/);
    expect(noKey.code).toBe(3);
    expect(lastLine(noKey.stderr)).toMatch(/^No API key: set RUNCOMFY_API_KEY/);
    // Only the bad key reached the simulator (refused); the budget stopped before any submit.
    expect(sim.ledger.submits.filter((s) => s.created)).toHaveLength(0);

    const batchId = /Batch (\d+) started/.exec(budget.stdout)![1]!;
    const one = await cli(['cancel', '--item', '1', '--db', db], envFor(sim));
    expect(one.code, one.stderr).toBe(0);
    expect(one.stdout.trim()).toBe('Cancelled.');
    const all = await cli(['cancel', batchId, '--db', db], envFor(sim));
    expect(all.code, all.stderr).toBe(0);
    expect(all.stdout.trim()).toBe(
      'Cancelled 2; cancel requested for 0; 0 already generating (cannot be stopped, will be billed and downloaded).',
    );
    const again = await cli(['cancel', '--item', '1', '--db', db], envFor(sim));
    expect(again.stdout.trim()).toBe('It had already finished.');
  });
});
