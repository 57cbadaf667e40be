// App settings, batch defaults (remembered from the last batch) and named presets, kept in
// one JSON file in the data folder and replaced atomically on every change. The API key and the
// webhook address are NOT here (secret-store.ts, webhook-setting.ts): this file may be copied
// into a bug report.
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { z } from 'zod';
import { appSettingsSchema, webhookPresetSchema } from '@common/contract';
import { checkApiAddress } from '../api/address';
import { writeFileAtomic } from './atomic-file';

export const DEFAULT_API_BASE_URL = 'https://model-api.runcomfy.net';

// The contract's settings as the file keeps them: the key lives in the keychain, the daily cap in
// the job database, and the webhook's address apart (so they are not in the file).
const storedSchema = appSettingsSchema
  .pick({
    apiBaseUrl: true,
    simulated: true,
    notifications: true,
    keepAwake: true,
    language: true,
    theme: true,
    defaults: true,
    presets: true,
  })
  .extend({
    version: z.literal(1),
    /**
     * The webhook's service. Its address is a secret kept apart (webhook-setting.ts); `url` is
     * only in files written before, and moves out at the first start.
     */
    webhook: z.object({ preset: webhookPresetSchema, url: z.string().optional() }).nullable(),
  });
export type StoredSettings = z.output<typeof storedSchema>;
export type SettingsPatch = Partial<Omit<StoredSettings, 'version' | 'presets'>>;

export const DEFAULT_STORED_SETTINGS: StoredSettings = {
  version: 1,
  apiBaseUrl: DEFAULT_API_BASE_URL,
  // Off: demo mode is something the user turns on (the first-run screen offers it).
  simulated: false,
  notifications: true,
  keepAwake: true,
  language: 'system',
  theme: 'system',
  webhook: null,
  defaults: {},
  presets: [],
};

export const MAX_PRESETS = 100;

export interface SettingsStore {
  get(): StoredSettings;
  update(patch: SettingsPatch): StoredSettings;
  savePreset(name: string, settings: StoredSettings['defaults']): StoredSettings;
  deletePreset(name: string): StoredSettings;
  /** Set when the file on disk could not be read and was moved aside (shown once, logged). */
  readonly recoveredFrom: string | null;
  /** Set when the file's API address was refused (the default is used instead): why, to log. */
  readonly refusedApiBaseUrl: string | null;
  onChange(listener: (settings: StoredSettings) => void): () => void;
}

/**
 * `path` null keeps the settings in memory only (tests that do not care about the file).
 * A file that is not valid JSON or fails the schema is renamed to `<file>.corrupt-<time>`
 * and defaults are used: losing preferences beats refusing to start.
 */
export function createSettingsStore(path: string | null, now: () => number = Date.now): SettingsStore {
  let recoveredFrom: string | null = null;
  let refusedApiBaseUrl: string | null = null;
  let current: StoredSettings = structuredClone(DEFAULT_STORED_SETTINGS);
  if (path && existsSync(path)) {
    try {
      const raw: unknown = JSON.parse(readFileSync(path, 'utf8'));
      // Fill fields a newer default added since the file was written, then validate.
      const merged = { ...DEFAULT_STORED_SETTINGS, ...(raw as object) };
      current = storedSchema.parse(merged);
      // The engine sends the key to this address: a tampered or restored file must not choose it.
      const address = checkApiAddress(current.apiBaseUrl);
      if (!address.ok) {
        refusedApiBaseUrl = `${address.problem} Using ${DEFAULT_API_BASE_URL} instead.`;
        current.apiBaseUrl = DEFAULT_API_BASE_URL;
      }
    } catch {
      recoveredFrom = `${path}.corrupt-${now()}`;
      renameSync(path, recoveredFrom);
    }
  }
  const listeners = new Set<(settings: StoredSettings) => void>();

  const commit = (next: StoredSettings): StoredSettings => {
    const valid = storedSchema.parse(next);
    if (path) writeFileAtomic(path, `${JSON.stringify(valid, null, 2)}\n`);
    current = valid;
    for (const listener of listeners) listener(structuredClone(current));
    return structuredClone(current);
  };

  return {
    get: () => structuredClone(current),
    update(patch) {
      const next = { ...current };
      for (const [key, value] of Object.entries(patch)) {
        if (value !== undefined) (next as Record<string, unknown>)[key] = value;
      }
      return commit(next);
    },
    savePreset(name, settings) {
      const presets = current.presets.filter((p) => p.name !== name);
      if (presets.length >= MAX_PRESETS)
        throw new RangeError(`There are already ${MAX_PRESETS} presets; delete one before saving "${name}".`);
      // Replacing a preset of the same name keeps its place in the list.
      const index = current.presets.findIndex((p) => p.name === name);
      const entry = { name, settings: structuredClone(settings) };
      if (index >= 0) presets.splice(index, 0, entry);
      else presets.push(entry);
      return commit({ ...current, presets });
    },
    deletePreset(name) {
      return commit({ ...current, presets: current.presets.filter((p) => p.name !== name) });
    },
    get recoveredFrom() {
      return recoveredFrom;
    },
    get refusedApiBaseUrl() {
      return refusedApiBaseUrl;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
