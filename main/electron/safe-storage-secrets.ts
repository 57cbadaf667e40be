// The API key at rest: encrypted with Electron's safeStorage (macOS Keychain, Windows DPAPI,
// libsecret/KWallet on Linux) in a file in the data folder. On Linux without a keyring
// safeStorage falls back to 'basic_text' (a fixed, public key: as good as plain text), so the
// store says it is not secure and refuses to write until the user confirms
// (needs_confirmation). The key is decrypted only in main, only to hand to the engine. The
// webhook address is kept the same way, in a file of its own (main/core/app/webhook-setting.ts).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import type { SafeStorage } from 'electron';
import { writeFileAtomic } from '../core/app/atomic-file';
import type { KeyFile } from '../core/app/key-file';
import { desktopText, type DesktopTextKey } from '@common/desktop-texts';
import type { ReasonLanguage } from '@common/reasons';
import {
  plainTextConfirmationError,
  type SecretStorageInfo,
  type SecretStore,
} from '../core/app/secret-store';

type Storage = Pick<
  SafeStorage,
  'isEncryptionAvailable' | 'encryptString' | 'decryptString' | 'getSelectedStorageBackend'
>;

/** Where the key is kept, named in the window's language (Settings shows it beside the key). */
export function describeStorage(
  storage: Storage,
  platform: NodeJS.Platform,
  language: ReasonLanguage = 'en',
): SecretStorageInfo {
  const info = (key: DesktopTextKey, secure: boolean) => ({ label: desktopText(language, key), secure });
  const available = storage.isEncryptionAvailable();
  if (platform === 'darwin')
    return info(available ? 'storage.keychain' : 'storage.keychainMissing', available);
  if (platform === 'win32') return info(available ? 'storage.dpapi' : 'storage.dpapiMissing', available);
  const backend = available ? storage.getSelectedStorageBackend() : 'unknown';
  switch (backend) {
    case 'gnome_libsecret':
      return info('storage.libsecret', true);
    case 'kwallet':
    case 'kwallet5':
    case 'kwallet6':
      return info('storage.kwallet', true);
    case 'basic_text':
      return info('storage.noKeyring', false);
    default:
      return info('storage.unavailable', false);
  }
}

export function createSafeStorageSecretStore(options: {
  file: string;
  storage: Storage;
  platform?: NodeJS.Platform;
  log?: (message: string) => void;
  /** The window's language, for the storage's name. */
  language?: () => ReasonLanguage;
  /** What is kept, for the log: the API key (default) or the webhook address. */
  what?: string;
}): SecretStore {
  const language = options.language ?? (() => 'en' as const);
  const { file, storage } = options;
  const what = options.what ?? 'API key';
  const platform = options.platform ?? process.platform;
  // Decrypting may prompt the OS keychain; do it once per run.
  let cached: { value: string | null } | null = null;

  const read = (): string | null => {
    if (!existsSync(file)) return null;
    try {
      const parsed = JSON.parse(readFileSync(file, 'utf8')) as KeyFile;
      const bytes = Buffer.from(parsed.data, 'base64');
      if (parsed.encoding === 'plain') return bytes.toString('utf8') || null;
      if (parsed.encoding === 'safeStorage' && storage.isEncryptionAvailable())
        return storage.decryptString(bytes) || null;
      options.log?.(`the stored ${what} cannot be decrypted on this system; asking for it again`);
      return null;
    } catch (error) {
      // Never log the error object: a decrypt error could echo input bytes.
      options.log?.(`the stored ${what} could not be read (${(error as Error).name}); asking for it again`);
      return null;
    }
  };

  return {
    get() {
      cached ??= { value: read() };
      return cached.value;
    },
    set(value, { allowPlainText }) {
      const info = describeStorage(storage, platform);
      if (!info.secure && !allowPlainText) throw plainTextConfirmationError(info.label);
      const record: KeyFile = storage.isEncryptionAvailable()
        ? { version: 1, encoding: 'safeStorage', data: storage.encryptString(value).toString('base64') }
        : { version: 1, encoding: 'plain', data: Buffer.from(value, 'utf8').toString('base64') };
      writeFileAtomic(file, JSON.stringify(record), 0o600);
      cached = { value };
    },
    remove() {
      rmSync(file, { force: true });
      cached = { value: null };
    },
    describe: () => describeStorage(storage, platform, language()),
  };
}
