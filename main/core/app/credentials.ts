// Which server the engine talks to and with which key. Three cases:
//  - demo mode (settings.simulated): the built-in simulator on loopback with its demo key;
//  - the user's key against the configured API base URL;
//  - no key: the engine gets `apiKey: null` and pauses batches with `bad_key`.
// The base URL is checked before it is stored, because the engine sends the key to it: a
// renderer that could point it anywhere could send the key anywhere.
import { AppError } from './errors';
import type { SecretStore } from './secret-store';
import type { SettingsStore } from './settings-store';
import type { EngineApi } from '../core-api';

/** RunComfy's own hosts; loopback is allowed for the simulator and local testing. */
const ALLOWED_HOST_SUFFIXES = ['runcomfy.net', 'runcomfy.com'];
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Returns the normalized base URL (no trailing slash) or throws an AppError that says why. */
export function checkApiBaseUrl(value: string, extraHosts: readonly string[] = []): string {
  const expected =
    'Expected https://model-api.runcomfy.net (or another https://*.runcomfy.net address), or an http://127.0.0.1:<port> simulator.';
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new AppError('invalid_request', `API address "${value}" is not a URL. ${expected}`);
  }
  if (url.username || url.password || url.search || url.hash)
    throw new AppError(
      'invalid_request',
      `API address "${value}" must not contain a user name, password, query or fragment. ${expected}`,
    );
  const host = url.hostname.toLowerCase();
  const loopback = LOOPBACK_HOSTS.has(host);
  const known =
    ALLOWED_HOST_SUFFIXES.some((suffix) => host === suffix || host.endsWith(`.${suffix}`)) ||
    extraHosts.includes(host);
  if (!(url.protocol === 'https:' && (known || loopback)) && !(url.protocol === 'http:' && loopback))
    throw new AppError(
      'invalid_request',
      `API address "${value}" is not allowed: the API key is sent to it. ${expected}`,
    );
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export interface DemoServer {
  apiBaseUrl: string;
  apiKey: string;
  /** How much faster than RunComfy the demo simulator runs (e.g. 0.05), so polls aim right. */
  timeScale?: number;
}

export interface EffectiveCredentials {
  apiBaseUrl: string;
  apiKey: string | null;
  simulated: boolean;
  timeScale?: number;
}

export interface CredentialsController {
  /** Hands the engine what the settings and the key store say now. */
  apply(): Promise<void>;
  /** What the engine is (or would be) given now; starts the demo simulator when needed. */
  current(): Promise<EffectiveCredentials>;
  /** True when the engine currently talks to the demo simulator. */
  readonly simulated: boolean;
}

export function createCredentialsController(options: {
  engine: Pick<EngineApi, 'setCredentials'>;
  settings: SettingsStore;
  secrets: SecretStore;
  /** Starts (once) and returns the demo simulator; the harness passes its own. */
  demo: () => Promise<DemoServer>;
  /** Called after each apply (a key set or removed, another API, simulated mode toggled). */
  onApplied?: () => void;
}): CredentialsController {
  let simulated = false;
  let applying: Promise<void> = Promise.resolve();
  const current = async (): Promise<EffectiveCredentials> => {
    const settings = options.settings.get();
    if (settings.simulated) {
      const demo = await options.demo();
      return { apiBaseUrl: demo.apiBaseUrl, apiKey: demo.apiKey, simulated: true, timeScale: demo.timeScale };
    }
    return { apiBaseUrl: settings.apiBaseUrl, apiKey: options.secrets.get(), simulated: false };
  };
  const applyNow = async () => {
    const next = await current();
    options.engine.setCredentials({
      apiBaseUrl: next.apiBaseUrl,
      apiKey: next.apiKey,
      simulated: next.simulated,
      ...(next.timeScale ? { timeScale: next.timeScale } : {}),
    });
    simulated = next.simulated;
    options.onApplied?.();
  };
  return {
    apply() {
      // Serialized: two quick toggles must end in the state of the last one.
      applying = applying.then(applyNow, applyNow);
      return applying;
    },
    current,
    get simulated() {
      return simulated;
    },
  };
}
