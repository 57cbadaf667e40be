// The app's webhook notices for batches the command line drives (a headless box at 3 am is
// where they matter most): the webhook the app saved is read, never written
// (a damaged file is the app's to repair), and the same notifier posts finished, paused and
// stalled notices. Loaded only by the commands that drive a batch.
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { readStoredKey } from '../app/key-file';
import { dataFiles, defaultDataDir } from '../app/paths';
import type { Engine } from '../engine';
import { environmentNetwork } from '../util/network';
import { cliLanguage } from './progress';

export interface CliNotices {
  /** Waits for notices still being delivered (so "finished" goes out before the exit). */
  settled(): Promise<void>;
  close(): void;
}

const NONE: CliNotices = { settled: async () => {}, close: () => {} };

export async function startNotices(
  engine: Engine,
  env: Record<string, string | undefined>,
  apiKey: string | null,
  warn: (line: string) => void,
): Promise<CliNotices> {
  const files = dataFiles(defaultDataDir(process.platform, env, homedir()));
  const file = files.settings;
  if (!existsSync(file)) return NONE;
  let raw: unknown;
  try {
    raw = (JSON.parse(readFileSync(file, 'utf8')) as { webhook?: unknown }).webhook;
  } catch {
    return NONE; // the app reports and repairs its own settings file
  }
  if (!raw) return NONE;
  const { WEBHOOK_PRESETS, checkWebhookUrl, createWebhookNotifier } = await import('../app/webhooks');
  const { preset } = raw as { preset?: unknown };
  // The address is kept like the key (app/webhook-setting.ts): readable here only where the app
  // stored it as plain text; a file the app has not opened since still holds it.
  const stored = readStoredKey(files.webhook);
  if (stored.kind === 'encrypted') {
    warn(
      'No webhook notices: the app keeps the webhook address encrypted by the OS keychain, which only the app can read',
    );
    return NONE;
  }
  const url = stored.kind === 'plain' ? stored.key : (raw as { url?: unknown }).url;
  let setting: { url: string; preset: (typeof WEBHOOK_PRESETS)[number] };
  try {
    if (typeof url !== 'string' || !(WEBHOOK_PRESETS as readonly unknown[]).includes(preset))
      throw new Error(`the webhook in ${file} is not an address and a known service`);
    setting = { url: checkWebhookUrl(url), preset: preset as (typeof WEBHOOK_PRESETS)[number] };
  } catch (error) {
    warn(`No webhook notices: ${(error as Error).message}`);
    return NONE;
  }
  const notifier = createWebhookNotifier({
    engine,
    setting: () => setting,
    secrets: () => [apiKey],
    language: cliLanguage,
    // Through the proxy the environment names, like the API's requests.
    fetch: environmentNetwork().fetch,
    log: (level, message) => level !== 'info' && warn(message),
  });
  return { settled: () => notifier.settled(), close: () => notifier.close() };
}
