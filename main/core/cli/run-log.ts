// Every command's log file: the engine's log (what it retried, why it paused, what it could not
// write), the command line and the exit, so a headless run at 3 a.m. can be read in the morning.
// cli.log in the app's log folder by default (beside the app's main.log), rotated the same way;
// `--log FILE` chooses another. The CLI prints its path when a run fails.
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { createFileLog, type FileLog } from '../app/log-file';
import { defaultDataDir, defaultLogDir } from '../app/paths';
import { CLI_LOG_FILE, type CliIo } from './io';

export function openRunLog(io: Pick<CliIo, 'env' | 'cwd'>, file?: string): FileLog {
  const home = homedir();
  const folder = defaultLogDir(process.platform, defaultDataDir(process.platform, io.env, home), home);
  return createFileLog({
    path: file ? resolve(io.cwd, file) : resolve(folder, CLI_LOG_FILE),
    secrets: () => [io.env.RUNCOMFY_API_KEY],
  });
}
