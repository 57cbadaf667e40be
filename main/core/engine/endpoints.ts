// Which API a request goes to, and with which key. A job exists only at the API it was
// submitted to (issue #9, defect 2): new submits follow the current settings, but every later
// request about a job (status, result, cancel, the video's origin) goes to the endpoint (mode and
// base URL) recorded with its submit intent, with the key last set for that endpoint. A user who
// switches to simulated mode, or to another base URL, while paid jobs run must not have their
// polls (and key) sent to a server that answers "unknown request" and expires them.
//
// Keys live in memory only, as the settings gave them: when no key is known any more for an
// item's endpoint (the key was removed, or this process never had it), the item waits and says
// so; nothing is expired for want of a key.
import type { RunComfyClient } from '../api/client';
import type { Credentials } from './context';

/** One API as a job knows it: the mode it was submitted in and its base URL. */
export interface EndpointRef {
  apiBaseUrl: string | null;
  simulated: boolean;
}

function endpointId(simulated: boolean, apiBaseUrl: string): string {
  return `${simulated ? 'simulated' : 'real'} ${apiBaseUrl.replace(/\/+$/, '')}`;
}

export class Endpoints {
  /** Endpoint id -> the client with the key last set for that endpoint (never a key-less one). */
  private readonly keyed = new Map<string, RunComfyClient>();
  private currentCredentials!: Credentials;
  private currentClient!: RunComfyClient;

  constructor(
    private readonly makeClient: (apiBaseUrl: string, apiKey: string | null) => RunComfyClient,
    initial: Credentials,
  ) {
    this.set(initial);
  }

  /** New settings: new submits use them; jobs elsewhere keep the key last set for their endpoint. */
  set(credentials: Credentials): void {
    this.currentCredentials = credentials;
    this.currentClient = this.makeClient(credentials.apiBaseUrl, credentials.apiKey);
    const id = endpointId(credentials.simulated, credentials.apiBaseUrl);
    // A removed key is no key: its jobs wait rather than be asked about without one.
    if (credentials.apiKey) this.keyed.set(id, this.currentClient);
    else this.keyed.delete(id);
  }

  credentials(): Credentials {
    return this.currentCredentials;
  }

  /** The client new submits go through: the current settings. */
  current(): RunComfyClient {
    return this.currentClient;
  }

  /**
   * The client for requests about a job submitted to `ref`; null when no key is known for that
   * endpoint. A job recorded before endpoints were (null base URL) uses the current settings
   * when their mode is the job's. A simulated job whose simulator is gone (the built-in one
   * listens on a new port each start) is asked at the current simulator: it answers honestly
   * that it does not know the job, and nothing real is at stake.
   */
  forJob(ref: EndpointRef): RunComfyClient | null {
    const current = this.currentCredentials;
    const sameModeCurrent = current.simulated === ref.simulated && current.apiKey ? this.currentClient : null;
    if (ref.apiBaseUrl === null) return sameModeCurrent;
    return (
      this.keyed.get(endpointId(ref.simulated, ref.apiBaseUrl)) ?? (ref.simulated ? sameModeCurrent : null)
    );
  }

  /** The origin videos of a job may come from over plain http (its API's own address). */
  originFor(ref: EndpointRef): string {
    return new URL(ref.apiBaseUrl ?? this.currentCredentials.apiBaseUrl).origin;
  }

  /**
   * Whether an answer received through `client` speaks for a key in use now. An account error
   * (401, no balance) to a request sent without a key, or with a key replaced since, says nothing
   * about the key the user has now, so it must not pause anything (issue #9, defect 3).
   */
  speaksForCurrentKey(client: RunComfyClient): boolean {
    for (const known of this.keyed.values()) if (known === client) return true;
    return false;
  }
}
