// One CLI process of the night test: `stillmotion run` for the batch's first start, `stillmotion
// resume` after every stop, each with its own log file and its exit recorded for the checker.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ChildRun } from './soak-run';

/**
 * The checkout whose CLI is run. STILLMOTION_SOAK_CLI_ROOT points it at a copy, e.g. one with a
 * guarantee broken on purpose, to see the checker fail without touching this working tree.
 */
const CLI_ROOT = process.env.STILLMOTION_SOAK_CLI_ROOT ?? resolve(__dirname, '../..');
const BIN = join(CLI_ROOT, 'bin/stillmotion.mjs');

export interface CliChild {
  child: ChildProcess;
  record: ChildRun;
  /** Resolves once the process has exited (its record then says how). */
  exited: Promise<void>;
}

/** What the CLI is pointed at: the batch's images, output folder and database. */
export interface CliTarget {
  imagesDir: string;
  outputDir: string;
  dbPath: string;
  parallel: number;
  /** The batch to resume (null before the first run created it). */
  batchId: number | null;
}

function argsFor(command: 'run' | 'resume', target: CliTarget): string[] {
  if (command === 'resume') return [BIN, 'resume', String(target.batchId), '--db', target.dbPath];
  return [
    BIN,
    'run',
    target.imagesDir,
    '--template',
    'A slow pan over {name}, shot {index} of {count}',
    '--out',
    target.outputDir,
    '--parallel',
    String(target.parallel),
    '--duration',
    '5',
    '--yes',
    '--db',
    target.dbPath,
  ];
}

/** Starts the CLI with `env`, its output appended to `logPath`. */
export function startCli(
  command: 'run' | 'resume',
  target: CliTarget,
  env: NodeJS.ProcessEnv,
  logPath: string,
): CliChild {
  const fd = openSync(logPath, 'a');
  const child = spawn(process.execPath, argsFor(command, target), {
    cwd: CLI_ROOT,
    env,
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  const record: ChildRun = {
    pid: child.pid ?? -1,
    command,
    startedAtReal: Date.now(),
    endedAtReal: 0,
    exitCode: null,
    signal: null,
    log: logPath,
    watchedInstead: false,
    firstWriteAt: null,
  };
  const exited = new Promise<void>((resolveExit) =>
    child.once('exit', (code, signal) => {
      record.endedAtReal = Date.now();
      record.exitCode = code;
      record.signal = signal;
      try {
        record.watchedInstead = /watching it instead/.test(readFileSync(logPath, 'utf8'));
      } catch {
        record.watchedInstead = false;
      }
      resolveExit();
    }),
  );
  return { child, record, exited };
}
