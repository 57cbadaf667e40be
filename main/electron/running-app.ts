// What the Electron modules of one running app share: where the renderer comes from, the
// folders, and the live objects (window, tray, core, engine, demo simulator, logger) that appear
// after `ready` and go at quit. One mutable object instead of closure variables, so the window,
// tray, menu, notification and lifecycle modules can each own their part.
import { app, type BrowserWindow, type Tray } from 'electron';
import { desktopLanguage } from '@common/desktop-texts';
import type { ReasonLanguage } from '@common/reasons';
import type { AppCore } from '../core/app/app-core';
import type { UpdatePolicy } from '../core/app/update-policy';
import type { Engine } from '../core/engine';
import type { SimulatorHandle } from '../core/simulator';
import type { setupLogging } from './logging';
import type { AppLocation } from './navigation';

export interface AppLogger {
  log: ReturnType<typeof setupLogging>['log'];
  logFile: string;
}

export interface AppContext {
  /** The Vite dev server in development; undefined in a built app. */
  readonly devServerUrl: string | undefined;
  /** The built renderer's index.html; its folder is served as stillmotion-app:// (app-protocol.ts). */
  readonly rendererIndex: string;
  readonly location: AppLocation;
  readonly dataDir: string;
  readonly logDir: string;
  window: BrowserWindow | null;
  tray: Tray | null;
  /** What the tray's click and its first entry do (set with the tray). */
  showWindow: (() => void) | null;
  core: AppCore | null;
  engine: Engine | null;
  /** The demo mode's simulator, started on first use. */
  demo: Promise<SimulatorHandle> | null;
  /** Looking for and installing updates (null in a checkout, which has nothing to update). */
  updates: UpdatePolicy | null;
  /** Set once a quit was asked for: the window's close then closes instead of asking. */
  quitting: boolean;
  /** The power save blocker's id while work is pending, else null. */
  blockerId: number | null;
  /** Times of recent renderer crashes, to stop reloading a renderer that keeps crashing. */
  readonly crashes: number[];
  /** A no-op until start() sets up logging (the log file needs the data folder). */
  logger: AppLogger;
}

/**
 * The language the OS integration speaks: the window's (Settings → Appearance), the OS's until
 * the settings are read.
 */
export function languageOf(context: Pick<AppContext, 'core'>): ReasonLanguage {
  return desktopLanguage(context.core?.services.settings.get().language ?? 'system', app.getLocale());
}

export function createAppContext(
  fields: Pick<AppContext, 'devServerUrl' | 'rendererIndex' | 'location' | 'dataDir' | 'logDir'>,
): AppContext {
  return {
    ...fields,
    window: null,
    tray: null,
    showWindow: null,
    core: null,
    engine: null,
    demo: null,
    updates: null,
    quitting: false,
    blockerId: null,
    crashes: [],
    logger: { log: () => {}, logFile: '' },
  };
}
