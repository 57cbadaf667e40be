// Which server the engine talks to and with which key. Three cases:
//  - demo mode (settings.simulated): the built-in simulator on loopback with its demo key;
//  - the user's key against the configured API base URL;
//  - no key: the engine gets `apiKey: null` and pauses batches with `bad_key`.
// The base URL is checked before it is stored (and when the settings file is read), because the
// engine sends the key to it: whoever could point it anywhere could send the key anywhere.
import { checkApiAddress } from '../api/address';
import { AppError } from './errors';
import type { SecretStore } from './secret-store';
import type { SettingsStore } from './settings-store';
import type { EngineApi } from '../core-api';

/** Returns the normalized base URL (no trailing slash) or throws an AppError that says why. */
export function checkApiBaseUrl(value: string, extraHosts: readonly string[] = []): string {
  const checked = checkApiAddress(value, extraHosts);
  if (!checked.ok) throw new AppError('invalid_request', checked.problem);
  return checked.url;
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
