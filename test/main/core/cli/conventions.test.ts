// The CLI as scripts and service managers expect it: SIGTERM (systemd, `timeout`) and SIGHUP (a
// closed terminal) pause a batch like the first Ctrl-C, a second Ctrl-C exits 130, a fault of
// the CLI itself exits 70 with the log's path, every command writes its log file (`--log` to
// choose it), `status --json` is one JSON object, `report --csv --bom` opens in Excel with
// Chinese file names, and on a terminal the status block is redrawn unless TERM=dumb.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLedger, startSimulator, type SimulatorHandle } from '../../../../main/core/simulator';
import { spawn } from 'node:child_process';
import { cli, fastWorld, ROOT, simulatedRun, startCli, stateLines, until, writeImages } from './helpers';

const { clock, work, images, out, db, env: envFor, mp4s } = fastWorld('conventions');
let sim: SimulatorHandle;
const env = () => envFor(sim.url);
const defaultLog = join(work.path, 'data', 'logs', 'cli.log');

beforeAll(async () => {
  await writeImages(images, 3);
  // 120 s generations (6 s real), two at a time: a signal lands while jobs are in flight.
  sim = await startSimulator({ clock, generationMs: () => 120_000, concurrencyCap: 2 });
});

afterAll(async () => {
  await sim?.close();
  work.remove();
});

/** Starts a run and resolves once an item is accepted by the API (a job is in flight). */
async function runUntilInFlight(name: string) {
  const run = startCli(
    ['run', images, '-t', `${name} {name}`, '--yes', '-p', '2', '--out', join(out, name), '--db', db],
    env(),
  );
  await until(
    () => [...stateLines(run.stdout()).values()].some((s) => ['in_queue', 'in_progress'].includes(s.at(-1)!)),
    'an item accepted by the API',
    60_000,
  );
  return { run, batchId: /Batch (\d+) started/.exec(run.stdout())![1]! };
}

/** `status <batch> --json`, parsed. */
async function statusOf(batchId: string) {
  const status = await cli(['status', batchId, '--json', '--db', db], env());
  expect(status.code, status.stderr).toBe(0);
  return JSON.parse(status.stdout) as {
    batches: { id: number; state: string; pauseReason: string | null; runBy: string | null }[];
  };
}

describe('signals', () => {
  it.each(['SIGTERM', 'SIGHUP'] as const)(
    '%s pauses the batch like the first Ctrl-C: exit 3, resumable, nothing paid twice',
    async (signal) => {
      const { run, batchId } = await runUntilInFlight(signal.toLowerCase());
      run.child.kill(signal);
      const code = await run.exited;
      expect(code, run.stderr()).toBe(3);
      expect(run.stderr()).toContain(`Pausing batch ${batchId} (${signal})`);
      expect(run.stderr()).toContain(`Log: ${defaultLog}`);
      expect(run.stderr().trim().split('\n').at(-1)).toBe(
        `paused; continue with: stillmotion resume ${batchId}`,
      );
      const { batches } = await statusOf(batchId);
      expect(batches).toEqual([
        expect.objectContaining({ id: Number(batchId), state: 'paused', pauseReason: 'user', runBy: null }),
      ]);
      expect(readFileSync(defaultLog, 'utf8')).toContain(`${signal} received (pausing) batch ${batchId}`);

      const resume = await cli(['resume', batchId, '--db', db], env());
      expect(resume.code, resume.stderr).toBe(0);
      expect(auditLedger(sim.ledger).duplicateJobs).toBe(0);
      expect(mp4s().filter((f) => f.startsWith(signal.toLowerCase()))).toHaveLength(3);
    },
    120_000,
  );

  it('a second Ctrl-C exits at once with 130, the batch still resumable', async () => {
    const { run, batchId } = await runUntilInFlight('twice');
    run.child.kill('SIGINT');
    await until(() => run.stderr().includes(`Pausing batch ${batchId} (Ctrl-C)`), 'the pause', 30_000);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(run.stderr()).toContain(
      `Exiting now (Ctrl-C). Continue later with: stillmotion resume ${batchId}`,
    );
    const resume = await cli(['resume', batchId, '--db', db], env());
    expect(resume.code, resume.stderr).toBe(0);
  }, 120_000);
});

describe('on a terminal', () => {
  /** The CLI on a pseudo-terminal (util-linux's `script`), as a user at a shell runs it. */
  async function onTerminal(args: string[], term: string) {
    const quoted = [process.execPath, join(ROOT, 'bin/stillmotion.mjs'), ...args]
      .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
      .join(' ');
    const child = spawn('script', ['-qfec', quoted, '/dev/null'], {
      env: { ...env(), TERM: term },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    return { code, output };
  }

  it('redraws its status block in place, and with TERM=dumb prints plain lines; never colour', async () => {
    const args = (name: string) =>
      simulatedRun(images, join(out, name), join(work.path, `${name}.sqlite`), `${name} {name}`);
    const live = await onTerminal(args('live'), 'xterm-256color');
    expect(live.code, live.output).toBe(0);
    const ESC = String.fromCharCode(27);
    expect(live.output).toMatch(new RegExp(`${ESC}\\[\\d+A`)); // cursor up: the block is redrawn
    const dumb = await onTerminal(args('dumb'), 'dumb');
    expect(dumb.code, dumb.output).toBe(0);
    expect(dumb.output).not.toContain(ESC);
    expect(dumb.output).toMatch(/item \d+ \S+ done ->/);
    // No colour (SGR) codes in either.
    expect(live.output).not.toMatch(new RegExp(`${ESC}\\[[\\d;]*m`));
  }, 120_000);
});

describe('exit codes, logs and output for scripts', () => {
  it('a fault of the CLI itself (a damaged database) exits 70, not 2, with the log holding the stack', async () => {
    const damaged = join(work.path, 'damaged.sqlite');
    writeFileSync(damaged, 'this is not a database '.repeat(200));
    const log = join(work.path, 'chosen', 'run.log');
    const status = await cli(['status', '--db', damaged, '--log', log], env());
    expect(status.code, status.stderr).toBe(70);
    const lines = status.stderr.trim().split('\n');
    expect(lines.at(-2)).toBe(`Log: ${log}`);
    expect(lines.at(-1)).toMatch(/^stillmotion stopped on an unexpected error: file is not a database\./);
    const written = readFileSync(log, 'utf8');
    expect(written).toMatch(/\[info\] stillmotion \S+ status \(pid \d+\): status --db /);
    expect(written).toMatch(/\[error\] SqliteError: file is not a database\n\s+at /);
    expect(written).toMatch(/\[warn\] exit 70: /);
    // Bad usage stays 2, and names no log.
    const usage = await cli(['status', 'not-a-number', '--db', db], env());
    expect(usage.code).toBe(2);
    expect(usage.stderr).not.toContain('Log:');
  }, 60_000);

  it("every command logs to cli.log in the data folder's logs: the engine's lines, the start and the exit, never the key", () => {
    const log = readFileSync(defaultLog, 'utf8');
    expect(log).toMatch(/\[info\] stillmotion \S+ run \(pid \d+\)/);
    expect(log).toMatch(/\[info\] item \d+: sidecar written to /);
    expect(log).toMatch(/\[info\] stillmotion \S+ status \(pid \d+\)/);
    expect(log).toMatch(/\[info\] exit 0/);
    expect(log).not.toContain(env().RUNCOMFY_API_KEY);
  });

  it('report --csv --bom starts with a UTF-8 byte-order mark and keeps Chinese file names', async () => {
    const chinese = join(work.path, 'chinese');
    await writeImages(chinese, 1);
    renameSync(join(chinese, 'shot-0.jpg'), join(chinese, '外滩夜景.jpg'));
    const run = await cli(
      ['run', chinese, '-t', '{name}', '--yes', '--out', join(out, 'chinese'), '--db', db],
      env(),
    );
    expect(run.code, run.stderr).toBe(0);
    const batchId = /Batch (\d+) started/.exec(run.stdout)![1]!;
    const [withBom, plain, misuse] = await Promise.all([
      cli(['report', batchId, '--csv', '--bom', '--db', db], env()),
      cli(['report', batchId, '--csv', '--db', db], env()),
      cli(['report', batchId, '--bom', '--db', db], env()),
    ]);
    expect(withBom.code, withBom.stderr).toBe(0);
    expect(withBom.stdout.startsWith('\uFEFF')).toBe(true);
    expect(withBom.stdout).toContain('外滩夜景.jpg');
    expect(withBom.stdout.slice(1)).toBe(plain.stdout);
    expect(plain.stdout.startsWith('\uFEFF')).toBe(false);
    expect(misuse.code).toBe(2);
    expect(misuse.stderr).toMatch(/--bom goes with --csv/);
  }, 60_000);
});
