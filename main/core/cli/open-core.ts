// Opens the core for a subcommand (which database, which server and key, and the engine and
// intake built once by main/core/index.ts), closes it after, and finds the batch a command names.
// Loaded only by the commands that open the database.
import { mkdirSync } from 'node:fs';
import { homedir, hostname } from 'node:os';
import { dirname } from 'node:path';
import { checkApiAddress } from '../api/address';
import { readStoredKey } from '../app/key-file';
import { dataFiles, defaultDataDir } from '../app/paths';
import { waitOutMachineTrouble } from '../util/machine-trouble';
import type { Catalog } from '../catalog/catalog';
import type { IntakeApi } from '../core-api';
import type { BatchView } from '../domain';
import type { Engine } from '../engine';
import { clockFromEnv, type Clock } from '../util/clock';
import { directNetwork } from '../util/network';
import { EXIT, ExitError, type CliIo, type Common } from './io';

export interface CliCredentials {
  apiBaseUrl: string;
  apiKey: string | null;
  /** Said after "No API key" when the app's key exists but only the app can read it. */
  keyHint: string;
}

export function dbPathOf(opts: Common, io: CliIo): string {
  if (opts.db) return opts.db;
  return dataFiles(defaultDataDir(process.platform, io.env, homedir())).database;
}

/** Set to 1 to send the app's stored key to a RUNCOMFY_API_BASE that is not RunComfy's or loopback. */
export const TRUST_API_BASE = 'STILLMOTION_TRUST_API_BASE';
const trustedSaid = new Set<string>();

/**
 * The key: RUNCOMFY_API_KEY, else the app's stored key where the CLI can read it. A key given
 * with RUNCOMFY_API_KEY goes wherever RUNCOMFY_API_BASE says (the user paired the two); the
 * app's stored key goes only to RunComfy over https or to a loopback simulator, unless
 * STILLMOTION_TRUST_API_BASE=1 says otherwise, and then the output says where it goes.
 */
export async function credentialsOf(io: CliIo): Promise<CliCredentials> {
  const { DEFAULT_API_BASE_URL } = await import('../engine');
  const apiBaseUrl = (io.env.RUNCOMFY_API_BASE || DEFAULT_API_BASE_URL).replace(/\/+$/, '');
  const fromEnv = io.env.RUNCOMFY_API_KEY?.trim();
  if (fromEnv) return { apiBaseUrl, apiKey: fromEnv, keyHint: '' };
  const stored = readStoredKey(dataFiles(defaultDataDir(process.platform, io.env, homedir())).apiKey);
  const keyHint =
    stored.kind === 'encrypted'
      ? ' (the app keeps its key encrypted by the OS keychain, which only the app can read)'
      : '';
  if (stored.kind !== 'plain') return { apiBaseUrl, apiKey: null, keyHint };
  const address = checkApiAddress(apiBaseUrl);
  if (!address.ok) {
    if (io.env[TRUST_API_BASE] !== '1')
      throw new ExitError(
        EXIT.usage,
        `RUNCOMFY_API_BASE=${apiBaseUrl} would be sent the app's stored API key, and it is not a RunComfy ` +
          `address: ${address.problem} Set RUNCOMFY_API_KEY to the key for that address, or ` +
          `${TRUST_API_BASE}=1 to send the stored key there.`,
      );
    // Said once, though a command may ask for its credentials more than once.
    if (!trustedSaid.has(apiBaseUrl))
      io.err.write(`Sending the app's stored API key to ${apiBaseUrl} (${TRUST_API_BASE}=1).\n`);
    trustedSaid.add(apiBaseUrl);
  }
  return { apiBaseUrl, apiKey: stored.key, keyHint };
}

/**
 * The engine and intake over `dbPath`. A database another program holds, or a full or failing
 * disk under it, is waited for (and said on stderr) rather than refused.
 */
export async function openCore(
  io: CliIo,
  dbPath: string,
  credentials: { apiBaseUrl: string; apiKey: string | null },
  clock?: Clock,
  simulated = false,
  catalog?: Catalog,
): Promise<{ engine: Engine; intake: IntakeApi }> {
  mkdirSync(dirname(dbPath), { recursive: true });
  const { createCoreServices } = await import('../index');
  return waitOutMachineTrouble(
    () =>
      createCoreServices({
        catalog,
        dbPath,
        clock: clock ?? clockFromEnv(process.env),
        simulated,
        owner: `cli:${hostname()}:${process.pid}`,
        apiBaseUrl: credentials.apiBaseUrl,
        apiKey: credentials.apiKey,
        // The built-in simulator listens in this very process: a proxy could never reach it.
        network: simulated ? directNetwork() : undefined,
        // The CLI drives only the batches it is told to.
        adoptBatches: false,
        log: io.log ? (level, message) => io.log?.log(level, message) : undefined,
      }),
    `Opening ${dbPath}`,
    { onWait: (message) => io.err.write(`${message}\n`) },
  );
}

/** Refuses to go on without an API key; `nothing` ends the message ("Nothing was retried."). */
export async function requireApiKey(io: CliIo, nothing = ''): Promise<void> {
  if (!(await credentialsOf(io)).apiKey)
    throw new ExitError(
      EXIT.needsUser,
      `No API key: set RUNCOMFY_API_KEY (and RUNCOMFY_API_BASE for a simulator or proxy).${nothing ? ` ${nothing}` : ''}`,
    );
}

/** The engine over the database the options name (the app's by default). */
export async function openEngine(
  opts: Common,
  io: CliIo,
  credentials?: { apiBaseUrl: string; apiKey: string | null },
): Promise<Engine> {
  return (await openCore(io, dbPathOf(opts, io), credentials ?? (await credentialsOf(io)))).engine;
}

/** Runs `use` with the engine over the database the options name, and closes it however `use` ends. */
export async function withEngine<T>(
  opts: Common,
  io: CliIo,
  use: (engine: Engine) => Promise<T> | T,
): Promise<T> {
  const engine = await openEngine(opts, io);
  try {
    return await use(engine);
  } finally {
    await engine.close();
  }
}

/** The batch a command names, or the usage error that says where the batches are listed. */
export function namedBatch(engine: Engine, batchId: number): BatchView {
  const batch = engine.getBatch(batchId);
  if (!batch) throw new ExitError(EXIT.usage, `There is no batch ${batchId}; see: stillmotion status`);
  return batch;
}
