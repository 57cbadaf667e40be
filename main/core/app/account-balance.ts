// The RunComfy account's balance (`GET /prod/v2/balance` on RunComfy's core API host; one wallet
// funds every RunComfy product), for the header, Settings, the check before Start, the CLI's
// `balance` and the watch over batches paused for no balance. The answer's shape is not
// documented: a balance not read with confidence is "unknown", with the reason, never a number.
// Asked at most once a minute unless forced (a free GET, but the header asks often).
import { RunComfyClient } from '../api/client';
import { accountBaseUrl, readBalance } from '../api/catalog-answers';
import type { BalanceDto } from '@common/contract';
import type { CredentialsController } from './credentials';

/** Where a user tops up: their RunComfy profile, which holds the account's billing. */
export const TOP_UP_URL = 'https://www.runcomfy.com/profile';

export interface BalanceService {
  /** The balance now (from a reading at most `maxAgeMs` old unless `fresh`). */
  read(fresh?: boolean): Promise<BalanceDto>;
}

export function createBalanceService(options: {
  credentials: Pick<CredentialsController, 'current'>;
  now: () => number;
  fetch?: typeof fetch;
  maxAgeMs?: number;
}): BalanceService {
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  let last: { reading: BalanceDto; at: number; base: string; key: string | null } | null = null;
  return {
    async read(fresh = false) {
      const credentials = await options.credentials.current();
      const topUpUrl = credentials.simulated ? null : TOP_UP_URL;
      if (!credentials.apiKey) return { state: 'noKey', simulated: credentials.simulated, topUpUrl };
      if (
        !fresh &&
        last &&
        last.base === credentials.apiBaseUrl &&
        last.key === credentials.apiKey &&
        options.now() - last.at < maxAgeMs
      )
        return last.reading;
      const client = new RunComfyClient({
        baseUrl: accountBaseUrl(credentials.apiBaseUrl),
        apiKey: credentials.apiKey,
        fetch: options.fetch,
        timeoutMs: 15_000,
      });
      const answer = await client.read('/prod/v2/balance');
      const at = options.now();
      const balance = answer.ok ? readBalance(answer.value) : null;
      const reading: BalanceDto = balance
        ? { state: 'known', usd: balance.usd, at, simulated: credentials.simulated, topUpUrl }
        : {
            state: 'unknown',
            why: answer.ok
              ? 'RunComfy answered in a shape Stillmotion cannot read with confidence'
              : answer.failure.message,
            at,
            simulated: credentials.simulated,
            topUpUrl,
          };
      last = { reading, at, base: credentials.apiBaseUrl, key: credentials.apiKey };
      return reading;
    },
  };
}
