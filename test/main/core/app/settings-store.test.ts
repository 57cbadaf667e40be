import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createSettingsStore,
  DEFAULT_STORED_SETTINGS,
  MAX_PRESETS,
} from '../../../../main/core/app/settings-store';
import { tempDir } from './helpers';

let dir: { path: string; remove(): void };
let file: string;

beforeEach(() => {
  dir = tempDir('sm-settings-');
  file = join(dir.path, 'settings.json');
});
afterEach(() => dir.remove());

describe('settings store', () => {
  it('starts from defaults and persists every change to the JSON file', () => {
    const store = createSettingsStore(file);
    expect(store.get()).toEqual(DEFAULT_STORED_SETTINGS);
    expect(existsSync(file)).toBe(false);
    store.update({ notifications: false, defaults: { duration: 7 } });
    const reopened = createSettingsStore(file);
    expect(reopened.get()).toMatchObject({
      notifications: false,
      defaults: { duration: 7 },
      keepAwake: true,
    });
    // written by rename: no temp files left behind
    expect(readdirSync(dir.path)).toEqual(['settings.json']);
  });

  it('ignores undefined fields in a patch and notifies listeners', () => {
    const store = createSettingsStore(file);
    const seen: boolean[] = [];
    store.onChange((s) => seen.push(s.keepAwake));
    store.update({ keepAwake: false, language: undefined });
    expect(store.get().language).toBe('system');
    expect(seen).toEqual([false]);
  });

  it('moves a corrupt file aside and starts from defaults', () => {
    writeFileSync(file, '{"version":1, "simulated": tru');
    const store = createSettingsStore(file, () => 42);
    expect(store.get()).toEqual(DEFAULT_STORED_SETTINGS);
    expect(store.recoveredFrom).toBe(`${file}.corrupt-42`);
    expect(readFileSync(`${file}.corrupt-42`, 'utf8')).toContain('tru');
  });

  it('rejects a file of the wrong shape the same way', () => {
    writeFileSync(file, JSON.stringify({ version: 1, notifications: 'often' }));
    const store = createSettingsStore(file, () => 7);
    expect(store.get().notifications).toBe(true);
    expect(store.recoveredFrom).toBe(`${file}.corrupt-7`);
  });

  it('refuses an API address in the file that the key must not go to, and keeps the rest', () => {
    for (const address of ['http://evil.example', 'https://evil.example', 'https://x.runcomfy.com']) {
      writeFileSync(file, JSON.stringify({ version: 1, apiBaseUrl: address, keepAwake: false }));
      const store = createSettingsStore(file);
      expect(store.get()).toMatchObject({ apiBaseUrl: 'https://model-api.runcomfy.net', keepAwake: false });
      expect(store.refusedApiBaseUrl).toBe(
        `API address "${address}" is not allowed: the API key is sent to it. Expected ` +
          'https://model-api.runcomfy.net, or an http://127.0.0.1:<port> simulator. Using ' +
          'https://model-api.runcomfy.net instead.',
      );
      expect(store.recoveredFrom).toBeNull();
    }
  });

  it('fills fields added since the file was written', () => {
    writeFileSync(file, JSON.stringify({ version: 1, apiBaseUrl: 'http://127.0.0.1:9', simulated: true }));
    const store = createSettingsStore(file);
    expect(store.get()).toMatchObject({
      apiBaseUrl: 'http://127.0.0.1:9',
      simulated: true,
      presets: [],
      language: 'system',
    });
    expect(store.recoveredFrom).toBeNull();
    expect(store.refusedApiBaseUrl).toBeNull();
  });

  it('refuses an invalid value without writing it', () => {
    const store = createSettingsStore(file);
    store.update({ notifications: false });
    const before = readFileSync(file, 'utf8');
    expect(() => store.update({ defaults: { duration: 0 } })).toThrow();
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('caps the number of presets', () => {
    const store = createSettingsStore(null);
    for (let i = 0; i < MAX_PRESETS; i++) store.savePreset(`p${i}`, { duration: 5 });
    expect(() => store.savePreset('one more', {})).toThrow(/already 100 presets/);
    // replacing an existing one is fine
    store.savePreset('p3', { duration: 9 });
    expect(store.get().presets[3]).toEqual({ name: 'p3', settings: { duration: 9 } });
  });
});
