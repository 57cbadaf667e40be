import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

import { createSafeStorageSecretStore, describeStorage } from '../../../main/electron/safe-storage-secrets';
import { tempDir } from '../core/app/helpers';

const KEY = 'rk_live_CANARY_secret_42ab';

/** safeStorage stand-in: XOR with a byte, so the file never holds the key's bytes. */
function fakeStorage(backend: 'gnome_libsecret' | 'basic_text' | 'kwallet6' | 'unknown', available = true) {
  const xor = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a));
  return {
    isEncryptionAvailable: vi.fn(() => available),
    getSelectedStorageBackend: vi.fn(() => backend),
    encryptString: vi.fn((s: string) => xor(Buffer.from(s, 'utf8'))),
    decryptString: vi.fn((b: Buffer) => xor(b).toString('utf8')),
  };
}

let dir: { path: string; remove(): void };
let file: string;
beforeEach(() => {
  dir = tempDir('sm-secrets-');
  file = join(dir.path, 'api-key.bin');
});
afterEach(() => dir.remove());

describe('safeStorage secret store', () => {
  it('encrypts the key into a private file and reads it back in a new run', () => {
    const storage = fakeStorage('gnome_libsecret');
    const store = createSafeStorageSecretStore({ file, storage, platform: 'linux' });
    expect(store.describe()).toEqual({ label: 'GNOME Keyring (libsecret)', secure: true });
    store.set(KEY, { allowPlainText: false });
    const bytes = readFileSync(file);
    expect(bytes.includes(Buffer.from('CANARY'))).toBe(false);
    expect(bytes.includes(Buffer.from(Buffer.from(KEY).toString('base64')))).toBe(false);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const again = createSafeStorageSecretStore({ file, storage, platform: 'linux' });
    expect(again.get()).toBe(KEY);
    // decrypted once per run, not on every read
    again.get();
    expect(storage.decryptString).toHaveBeenCalledTimes(1);
  });

  it('asks before storing on Linux without a keyring (basic_text)', () => {
    const storage = fakeStorage('basic_text');
    const store = createSafeStorageSecretStore({ file, storage, platform: 'linux' });
    expect(store.describe()).toEqual({ label: 'Plain text (no keyring found)', secure: false });
    expect(() => store.set(KEY, { allowPlainText: false })).toThrow(
      expect.objectContaining({ code: 'needs_confirmation' }),
    );
    expect(() => readFileSync(file)).toThrow();
    store.set(KEY, { allowPlainText: true });
    expect(store.get()).toBe(KEY);
  });

  it('stores base64 only when no encryption exists at all, and only when allowed', () => {
    const storage = fakeStorage('unknown', false);
    const store = createSafeStorageSecretStore({ file, storage, platform: 'linux' });
    expect(store.describe().secure).toBe(false);
    expect(() => store.set(KEY, { allowPlainText: false })).toThrow(/plain text/);
    store.set(KEY, { allowPlainText: true });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ encoding: 'plain' });
    expect(createSafeStorageSecretStore({ file, storage, platform: 'linux' }).get()).toBe(KEY);
  });

  it('removes the key and survives a damaged or undecryptable file', () => {
    const storage = fakeStorage('kwallet6');
    const logs: string[] = [];
    const store = createSafeStorageSecretStore({
      file,
      storage,
      platform: 'linux',
      log: (m) => logs.push(m),
    });
    store.set(KEY, { allowPlainText: false });
    store.remove();
    expect(store.get()).toBeNull();
    writeFileSync(file, '{ not json');
    expect(
      createSafeStorageSecretStore({ file, storage, platform: 'linux', log: (m) => logs.push(m) }).get(),
    ).toBeNull();
    writeFileSync(file, JSON.stringify({ version: 1, encoding: 'safeStorage', data: 'AAAA' }));
    storage.decryptString.mockImplementationOnce(() => {
      throw new Error(`Error while decrypting the ciphertext ${KEY}`);
    });
    expect(
      createSafeStorageSecretStore({ file, storage, platform: 'linux', log: (m) => logs.push(m) }).get(),
    ).toBeNull();
    expect(logs.join('\n')).not.toContain('CANARY');
    expect(logs.length).toBe(2);
  });

  it('names the OS keychain on macOS and Windows', () => {
    expect(describeStorage(fakeStorage('unknown'), 'darwin')).toEqual({
      label: 'macOS Keychain',
      secure: true,
    });
    expect(describeStorage(fakeStorage('unknown'), 'win32')).toEqual({
      label: 'Windows DPAPI',
      secure: true,
    });
    expect(describeStorage(fakeStorage('unknown', false), 'win32').secure).toBe(false);
  });
});
