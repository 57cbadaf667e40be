// Where the API key lives: it is read only by main (to hand to the engine); the renderer
// sees `describeKey()` — set or not, its last four characters, and the kind of storage.
// The Electron implementation (main/electron/safe-storage-secrets.ts) encrypts with safeStorage; the
// browser harness and tests use the in-memory one below.
import { AppError } from './errors';

export interface SecretStorageInfo {
  /** Shown to the user, e.g. "Encrypted with GNOME Keyring", "Plain text file", "Memory (test)". */
  label: string;
  /** False when the key would be stored readable by anyone who can read the user's files. */
  secure: boolean;
}

export interface SecretStore {
  get(): string | null;
  /**
   * Stores the key. Where only plain-text storage is available, throws
   * AppError('needs_confirmation') unless `allowPlainText` is true.
   */
  set(value: string, options: { allowPlainText: boolean }): void;
  remove(): void;
  describe(): SecretStorageInfo;
}

export function plainTextConfirmationError(label: string): AppError {
  return new AppError(
    'needs_confirmation',
    `This system has no keychain to encrypt the API key with (${label}), so it would be stored as ` +
      'plain text in the app data folder, readable by any program running as you. ' +
      'Confirm to store it anyway, or install and unlock a keyring (e.g. GNOME Keyring or KWallet) and try again.',
  );
}

/** In memory only (the browser harness, tests). `secure: false` simulates a Linux box without a keyring. */
export function createMemorySecretStore(options: { secure?: boolean } = {}): SecretStore {
  const secure = options.secure ?? true;
  let value: string | null = null;
  const label = secure ? 'Memory (test)' : 'Memory, as if plain text (test)';
  return {
    get: () => value,
    set(next, { allowPlainText }) {
      if (!secure && !allowPlainText) throw plainTextConfirmationError(label);
      value = next;
    },
    remove() {
      value = null;
    },
    describe: () => ({ label, secure }),
  };
}

/** What the renderer may know about the key. Never more than the last four characters. */
export function describeKey(store: SecretStore): {
  set: boolean;
  last4: string | null;
  storage: string | null;
} {
  const key = store.get();
  if (!key) return { set: false, last4: null, storage: null };
  // A key shorter than 12 characters would give away a third of itself; show nothing then.
  return { set: true, last4: key.length >= 12 ? key.slice(-4) : null, storage: store.describe().label };
}
