// When the app looks for an update and when it may install one. An update never interrupts a
// night's work: it is looked for at start, every few hours and from the menu, and downloaded in
// the background while batches run; it is installed only when no batch is running, once the
// queue has been idle for a while and the user agreed, or when the app quits (which stops the
// batches anyway; they resume at the next start). Electron-free: the updater (electron-updater
// in the app, see main/electron/updates.ts), the engine's state, the question and the clock are
// injected, so the rule is tested on a manual clock.
import type { EngineApi } from '../core-api';
import type { Clock } from '../util/clock';

/** What the updater offers (electron-updater's autoUpdater, seen through a small interface). */
export interface UpdateSource {
  /**
   * Looks for an update and, when there is one, starts downloading it in the background;
   * answers its version and the download (rejected when it fails).
   */
  check(): Promise<{ version: string; download: Promise<unknown> } | null>;
  /** Calls `listener` when an update's download is complete; answers the unsubscribe. */
  onDownloaded(listener: (version: string) => void): () => void;
  /** Quits and installs the downloaded update (then starts the new version). */
  install(): void;
}

export type UpdateState =
  | { kind: 'idle' }
  | { kind: 'checking' }
  | { kind: 'none' }
  | { kind: 'downloading'; version: string }
  /** Downloaded; installed when the queue is idle and the user agrees, or at quit. */
  | { kind: 'ready'; version: string }
  | { kind: 'failed'; message: string };

export interface UpdatePolicyOptions {
  source: UpdateSource;
  /** Whether a batch is running (work is pending), and its changes. */
  engine: Pick<EngineApi, 'hasPendingWork' | 'on'>;
  /** Asks the user whether to restart now into `version`; true to install. */
  ask(version: string): Promise<boolean>;
  clock: Clock;
  /** Clock ms between two looks for an update (default 6 h). */
  checkEveryMs?: number;
  /** Clock ms the queue must have been idle before the user is asked (default 2 min). */
  idleForMs?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export interface UpdatePolicy {
  /** Looks at once (the menu's "Check for Updates…"); answers the state after the look. */
  checkNow(): Promise<UpdateState>;
  state(): UpdateState;
  close(): void;
}

export function createUpdatePolicy(options: UpdatePolicyOptions): UpdatePolicy {
  const checkEveryMs = options.checkEveryMs ?? 6 * 60 * 60_000;
  const idleForMs = options.idleForMs ?? 2 * 60_000;
  const log = options.log ?? (() => {});
  const stop = new AbortController();
  let state: UpdateState = { kind: 'idle' };
  /** The version the user was asked about (never asked twice; it installs at quit). */
  let asked: string | null = null;
  /** Clock ms since when nothing has been pending (null while a batch runs). */
  let idleSince: number | null = options.engine.hasPendingWork() ? null : options.clock.now();
  let waitingForIdle = false;

  async function checkNow(): Promise<UpdateState> {
    if (state.kind === 'ready') return state;
    state = { kind: 'checking' };
    try {
      const found = await options.source.check();
      // A download that finished meanwhile already made it ready.
      if ((state as UpdateState).kind === 'checking')
        state = found ? { kind: 'downloading', version: found.version } : { kind: 'none' };
      // A download that fails is looked for again at the next check.
      found?.download.catch((error: unknown) => {
        if (state.kind !== 'downloading') return;
        state = { kind: 'failed', message: (error as Error)?.message ?? String(error) };
        log('warn', `update ${found.version} could not be downloaded: ${state.message}`);
      });
    } catch (error) {
      state = { kind: 'failed', message: (error as Error).message ?? String(error) };
      log('warn', `update check failed: ${state.message}`);
    }
    return state;
  }

  const offDownloaded = options.source.onDownloaded((version) => {
    state = { kind: 'ready', version };
    log('info', `update ${version} downloaded; it installs when no batch runs and you agree, or at quit`);
    void offerWhenIdle();
  });

  const offEngine = options.engine.on(() => {
    const busy = options.engine.hasPendingWork();
    if (busy) idleSince = null;
    else idleSince ??= options.clock.now();
    if (!busy) void offerWhenIdle();
  });

  /** Once the queue has been idle for `idleForMs`, asks once; installs only if it is still idle. */
  async function offerWhenIdle(): Promise<void> {
    if (waitingForIdle || state.kind !== 'ready' || asked === state.version) return;
    waitingForIdle = true;
    try {
      while (!stop.signal.aborted) {
        const since = idleSince;
        if (since === null) return; // a batch runs: the next engine event brings us back
        const left = since + idleForMs - options.clock.now();
        if (left <= 0) break;
        await options.clock.sleep(left, stop.signal);
      }
    } catch {
      return; // closed
    } finally {
      waitingForIdle = false;
    }
    if (state.kind !== 'ready' || stop.signal.aborted) return;
    const version = state.version;
    asked = version;
    const agreed = await options.ask(version);
    // The question may have stayed open while a batch started: never install under it.
    if (!agreed || options.engine.hasPendingWork()) {
      log('info', `update ${version} waits for the next quit${agreed ? ' (a batch started meanwhile)' : ''}`);
      return;
    }
    log('info', `installing update ${version}`);
    options.source.install();
  }

  void (async () => {
    try {
      while (!stop.signal.aborted) {
        await checkNow();
        await options.clock.sleep(checkEveryMs, stop.signal);
      }
    } catch {
      // closed
    }
  })();

  return {
    checkNow,
    state: () => state,
    close() {
      stop.abort();
      offDownloaded();
      offEngine();
    },
  };
}
