// The on-disk form of the stored API key (written by main/electron/safe-storage-secrets.ts). Kept in the
// core so the CLI can use the app's key where it can read it: a key the user chose to store
// as plain text (no keyring). A key encrypted by the OS keychain (safeStorage) can only be
// decrypted inside the app; the CLI then asks for RUNCOMFY_API_KEY.
import { existsSync, readFileSync } from 'node:fs';

export interface KeyFile {
  version: 1;
  /** 'safeStorage': encrypted by the OS; 'plain': base64 only (confirmed by the user). */
  encoding: 'safeStorage' | 'plain';
  data: string;
}

export type StoredKey =
  { kind: 'none' } | { kind: 'plain'; key: string } | { kind: 'encrypted' } | { kind: 'unreadable' };

export function readStoredKey(file: string): StoredKey {
  if (!existsSync(file)) return { kind: 'none' };
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<KeyFile>;
    if (parsed.encoding === 'plain' && typeof parsed.data === 'string') {
      const key = Buffer.from(parsed.data, 'base64').toString('utf8').trim();
      return key ? { kind: 'plain', key } : { kind: 'unreadable' };
    }
    return parsed.encoding === 'safeStorage' ? { kind: 'encrypted' } : { kind: 'unreadable' };
  } catch {
    return { kind: 'unreadable' };
  }
}
