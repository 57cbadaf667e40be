// A pasted API key checked at once against RunComfy, before it is saved or anything is sent: one
// authenticated GET of the default model's catalog entry, the cheapest call that needs a key
// (free, nothing submitted). Only a refusal of the key itself says "refused"; any other trouble
// (no network, a 5xx, an answer we cannot read) says the key could not be checked, in words.
import { RunComfyClient } from '../api/client';
import { DEFAULT_MODEL_ID } from '../domain';
import { AppError } from './errors';

/**
 * A pasted key as it is kept: trimmed, and one word. Keys are opaque tokens; whitespace or
 * control characters inside mean a bad paste.
 */
export function pastedKey(apiKey: string): string {
  const key = apiKey.trim();
  if (key.length < 8 || /[\s\p{Cc}]/u.test(key))
    throw new AppError(
      'invalid_request',
      'The API key must be one word of at least 8 characters with no spaces or line breaks. Copy it again from your RunComfy account page.',
    );
  return key;
}

/** `message`: what RunComfy answered (refused), or why it could not be asked (unconfirmed). */
export type KeyCheck =
  | { status: 'accepted' }
  | { status: 'refused'; message: string }
  | { status: 'unconfirmed'; message: string };

export async function checkApiKey(
  apiBaseUrl: string,
  apiKey: string,
  options: { timeoutMs?: number } = {},
): Promise<KeyCheck> {
  const client = new RunComfyClient({ baseUrl: apiBaseUrl, apiKey, timeoutMs: options.timeoutMs ?? 15_000 });
  const answer = await client.model(DEFAULT_MODEL_ID);
  if (answer.ok) return { status: 'accepted' };
  const { failure } = answer;
  if (failure.kind === 'bad_key')
    return { status: 'refused', message: `RunComfy did not accept the key: ${failure.message}` };
  // No balance is the account's state, not the key's: the key itself was accepted.
  if (failure.kind === 'no_balance') return { status: 'accepted' };
  return {
    status: 'unconfirmed',
    message: `The key could not be checked with RunComfy at ${apiBaseUrl}: ${failure.message}`,
  };
}
