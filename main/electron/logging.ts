// Logs to a rotating file in the app's log folder (electron-log), every line passed through a
// hook that masks the API key, so a log attached to a bug report cannot leak it.
import { join } from 'node:path';
import log from 'electron-log/main';
import type { LogFn } from '../core/app/app-services';
import { LOG_MAX_BYTES, redactLogData, rotateLogFiles } from '../core/app/log-file';

export function setupLogging(options: { logDir: string; secrets: () => readonly (string | null)[] }): {
  log: LogFn;
  logFile: string;
} {
  const logFile = join(options.logDir, 'main.log');
  log.transports.file.resolvePathFn = () => logFile;
  log.transports.file.maxSize = LOG_MAX_BYTES;
  log.transports.file.archiveLogFn = (file) => rotateLogFiles(file.path);
  log.transports.file.level = 'info';
  log.hooks.push((message) => ({ ...message, data: redactLogData(message.data, options.secrets()) }));
  // Uncaught errors go to the log (through the hook), not to a dialog at 3 a.m.
  log.errorHandler.startCatching({ showDialog: false });
  return {
    log: (level, message) => log[level](message),
    logFile,
  };
}
