// The CLI as a user runs it: `node bin/stillmotion.mjs ...` in a child process, its own
// database in a temp folder, talking over loopback to a simulator started here on a scaled
// clock that the child shares (STILLMOTION_CLOCK_FACTOR / _EPOCH, see util/clock.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import sharp from 'sharp';
import { DEMO_API_KEY } from '../../../../main/core/simulator';
import { scaledClock } from '../../../../main/core/util/clock';

export const ROOT = resolve(__dirname, '../../../..');
const BIN = join(ROOT, 'bin/stillmotion.mjs');

export function tempDir(prefix = 'sm-cli-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/**
 * A test file's world on a fast clock: a temp folder with images/, out/ and `<name>.sqlite`,
 * the clock a simulator started here must use, the environment that points a CLI child at that
 * simulator on the same clock with the demo key, and the videos made so far.
 */
export function fastWorld(name: string, factor = 20) {
  const epoch = Date.now();
  const work = tempDir(`sm-cli-${name}-`);
  // Where a user's videos go already exists; a run makes only its last level (see run.ts).
  const out = join(work.path, 'out');
  mkdirSync(out);
  return {
    clock: scaledClock(factor, epoch, epoch),
    work,
    images: join(work.path, 'images'),
    out,
    db: join(work.path, `${name}.sqlite`),
    env: (simUrl: string) =>
      childEnv(join(work.path, 'data'), {
        STILLMOTION_CLOCK_FACTOR: String(factor),
        STILLMOTION_CLOCK_EPOCH: String(epoch),
        RUNCOMFY_API_BASE: simUrl,
        RUNCOMFY_API_KEY: DEMO_API_KEY,
      }),
    /** The .mp4 files under out/, relative to it. */
    mp4s: () =>
      existsSync(out)
        ? readdirSync(out, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.mp4'))
        : [],
  };
}

/**
 * `count` distinct 320x320 JPEGs (big enough for Kling's 300 px) under dir, some nested; `first`
 * numbers them on from an earlier call, so their contents differ from its images too.
 */
export async function writeImages(dir: string, count: number, first = 0): Promise<string[]> {
  const names: string[] = [];
  for (let i = first; i < first + count; i++) {
    const name = i % 2 === 0 ? `shot-${i}.jpg` : `day-2/shot-${i}.jpg`;
    await sharp({
      create: { width: 320, height: 320, channels: 3, background: { r: 30 * i, g: 120, b: 200 - 20 * i } },
    })
      .jpeg({ quality: 70 })
      .toFile(await ensureParent(join(dir, name)));
    names.push(name);
  }
  return names;
}

async function ensureParent(path: string): Promise<string> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(resolve(path, '..'), { recursive: true });
  return path;
}

/** The environment of a child: no RunComfy variables from the outside, data folder in `dataDir`. */
export function childEnv(dataDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, STILLMOTION_DATA_DIR: dataDir, ...extra };
  for (const key of ['RUNCOMFY_API_KEY', 'RUNCOMFY_API_BASE']) if (!(key in extra)) delete env[key];
  return env;
}

export interface CliRun {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
}

export function startCli(args: string[], env: NodeJS.ProcessEnv): CliRun {
  // stdin ignored: not a TTY, as under cron, CI or a pipe.
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((done) => child.on('close', (code) => done(code)));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

export async function cli(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = startCli(args, env);
  const code = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}

/** Resolves when `condition` holds (checked every 20 real ms); fails after `timeoutMs`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export const ITEM_LINE = /^\d\d:\d\d:\d\d item (\d+) (\S+) ([a-z_]+)(.*)$/;

/** The per-item state lines of a non-terminal run, by item id, in order. */
export function stateLines(stdout: string): Map<number, string[]> {
  const byItem = new Map<number, string[]>();
  for (const line of stdout.split('\n')) {
    const match = ITEM_LINE.exec(line);
    if (!match) continue;
    const id = Number(match[1]);
    byItem.set(id, [...(byItem.get(id) ?? []), match[3]!]);
  }
  return byItem;
}

/** The arguments of a fast simulated run of `images` into `out` with its own database. */
export function simulatedRun(images: string, out: string, db: string, template = '{name}'): string[] {
  return ['run', images, '--simulate', '--sim-time-scale', '0.005', '-t', template, '--out', out, '--db', db];
}
