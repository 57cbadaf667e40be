// Which API a request goes to, and with which key. A job exists only at the API it was
// submitted to: new submits follow the current settings, but every later
// request about a job (status, result, cancel, the video's origin) goes to the endpoint (mode and
// base URL) recorded with its submit intent, with the key last set for that endpoint. A user who
// switches to simulated mode, or to another base URL, while paid jobs run must not have their
// polls (and key) sent to a server that answers "unknown request" and expires them.
//
// Keys live in memory only, as the settings gave them: when no key is known any more for an
// item's endpoint (the key was removed, or this process never had it), the item waits and says
// so; nothing is expired for want of a key.
//
// A job is also asked about with the key it was sent with: a key replaced mid-run (another
// account's) cannot see the jobs the old one started ("belongs to another account"), so every key
// set in this process is kept, in memory only, by its fingerprint (a hash, never stored as the
// key), and the items record the fingerprint of the key that sent them.
import { createHash } from 'node:crypto';
import { checkApiAddress } from '../api/address';
import type { RunComfyClient } from '../api/client';
import type { Credentials } from './context';

/** One API as a job knows it: the mode it was submitted in, its base URL and the key that sent it. */
export interface EndpointRef {
  apiBaseUrl: string | null;
  simulated: boolean;
  /** The fingerprint of the key the job was sent with (null: recorded before keys were). */
  keyFingerprint?: string | null;
}

/** A short, one-way fingerprint of an API key: enough to tell keys apart, useless to use one. */
export function keyFingerprint(apiKey: string): string {
  return createHash('sha256').update(apiKey).digest('hex').slice(0, 16);
}

function endpointId(simulated: boolean, apiBaseUrl: string): string {
  return `${simulated ? 'simulated' : 'real'} ${apiBaseUrl.replace(/\/+$/, '')}`;
}

export class Endpoints {
  /** Endpoint id -> the client with the key last set for that endpoint (never a key-less one). */
  private readonly keyed = new Map<string, RunComfyClient>();
  /** Endpoint id and key fingerprint -> a client with that key (every key set in this process). */
  private readonly byKey = new Map<string, RunComfyClient>();
  private readonly fingerprints = new WeakMap<RunComfyClient, string>();
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
    if (credentials.apiKey) {
      const fingerprint = keyFingerprint(credentials.apiKey);
      this.keyed.set(id, this.currentClient);
      this.byKey.set(`${id}|${fingerprint}`, this.currentClient);
      this.fingerprints.set(this.currentClient, fingerprint);
    } else this.keyed.delete(id);
  }

  /** The fingerprint of the key a client sends (null: none). */
  fingerprintOf(client: RunComfyClient): string | null {
    return this.fingerprints.get(client) ?? null;
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
    const id = endpointId(ref.simulated, ref.apiBaseUrl);
    // The key that sent it, while this process still has it; else the key set now (which may
    // be the same account's and see it; if not, the job waits for its key, see track.ts).
    const sender = ref.keyFingerprint ? this.byKey.get(`${id}|${ref.keyFingerprint}`) : undefined;
    return (
      sender ??
      this.keyed.get(id) ??
      this.sameKeyElsewhere(ref, id) ??
      (ref.simulated ? sameModeCurrent : null)
    );
  }

  /**
   * The key set now is the very key the job was sent with, to another address (a CLI run through
   * another RUNCOMFY_API_BASE, killed before its jobs ended): that address already has this key
   * from that submit, so the job is asked there with it, if the address is one the key may go to
   * at all (RunComfy over https, or a loopback simulator). Without this, the job would wait for
   * settings that point there again, which the next run may never have.
   */
  private sameKeyElsewhere(ref: EndpointRef, id: string): RunComfyClient | null {
    const current = this.currentCredentials;
    if (!current.apiKey || !ref.keyFingerprint || current.simulated !== ref.simulated) return null;
    if (keyFingerprint(current.apiKey) !== ref.keyFingerprint || !checkApiAddress(ref.apiBaseUrl!).ok)
      return null;
    const client = this.makeClient(ref.apiBaseUrl!, current.apiKey);
    this.byKey.set(`${id}|${ref.keyFingerprint}`, client);
    this.fingerprints.set(client, ref.keyFingerprint);
    return client;
  }

  /** The origin videos of a job may come from over plain http (its API's own address). */
  originFor(ref: EndpointRef): string {
    return new URL(ref.apiBaseUrl ?? this.currentCredentials.apiBaseUrl).origin;
  }

  /**
   * Whether an answer received through `client` speaks for a key in use now. An account error
   * (401, no balance) to a request sent without a key, or with a key replaced since, says nothing
   * about the key the user has now, so it must not pause anything.
   */
  speaksForCurrentKey(client: RunComfyClient): boolean {
    for (const known of this.keyed.values()) if (known === client) return true;
    return false;
  }

  /** Whether `client` sends the key a job with this fingerprint was sent with. */
  sendsKey(client: RunComfyClient, fingerprint: string | null): boolean {
    return fingerprint === null || this.fingerprints.get(client) === fingerprint;
  }
}
