// The addresses the API key may be sent to, checked wherever an address comes from: the
// settings window (handlers.ts), the settings file at every start (settings-store.ts: a
// tampered or restored file must not send `Authorization: Bearer <key>` anywhere), the CLI's
// RUNCOMFY_API_BASE when it would carry the app's stored key (cli/open-core.ts), and a job's
// recorded address before the engine asks it about that job with the key it was sent with
// (engine/endpoints.ts). Pure, no contract: the CLI bundle uses it too.

/** The hosts RunComfy serves its API from: the Model API, and the core API (balance). */
export const RUNCOMFY_API_HOSTS = ['model-api.runcomfy.net', 'api.runcomfy.net'] as const;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

export const API_ADDRESS_EXPECTED =
  'Expected https://model-api.runcomfy.net, or an http://127.0.0.1:<port> simulator.';

/**
 * The normalized base URL (no trailing slash), or why the key must not go there: plain https to
 * a RunComfy API host (or one of `extraHosts`), or loopback for the simulator.
 */
export function checkApiAddress(
  value: string,
  extraHosts: readonly string[] = [],
): { ok: true; url: string } | { ok: false; problem: string } {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return { ok: false, problem: `API address "${value}" is not a URL. ${API_ADDRESS_EXPECTED}` };
  }
  if (url.username || url.password || url.search || url.hash)
    return {
      ok: false,
      problem: `API address "${value}" must not contain a user name, password, query or fragment. ${API_ADDRESS_EXPECTED}`,
    };
  const host = url.hostname.toLowerCase();
  const loopback = LOOPBACK_HOSTS.has(host);
  const known = (RUNCOMFY_API_HOSTS as readonly string[]).includes(host) || extraHosts.includes(host);
  if (!(url.protocol === 'https:' && (known || loopback)) && !(url.protocol === 'http:' && loopback))
    return {
      ok: false,
      problem: `API address "${value}" is not allowed: the API key is sent to it. ${API_ADDRESS_EXPECTED}`,
    };
  return { ok: true, url: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}
