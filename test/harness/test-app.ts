// The harness's services without the HTTP server: a real simulator, a real engine on a SQLite
// file, the real intake, and the app core (handlers, media, events) built exactly as in
// Electron, with preset dialogs, recorded shell calls and an in-memory key store. Used by
// server.ts and directly by the handler/media/canary tests.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createAppCore, type AppCore } from '../../main/core/app/app-core';
import type { Handlers } from '../../main/core/app/handlers';
import { dataFiles } from '../../main/core/app/paths';
import { createMemorySecretStore, type SecretStore } from '../../main/core/app/secret-store';
import {
  createSettingsStore,
  type SettingsPatch,
  type SettingsStore,
} from '../../main/core/app/settings-store';
import { loadCatalog, USER_MODELS_FOLDER } from '../../main/core/catalog/load';
import type { IntakeApi } from '../../main/core/core-api';
import { createCoreServices, type CoreOptions } from '../../main/core';
import { fixedPollPolicy, type Engine } from '../../main/core/engine';
import {
  DEMO_API_KEY,
  startSimulator,
  type SimulatorHandle,
  type SimulatorOptions,
} from '../../main/core/simulator';

export interface TestAppOptions {
  rootDir: string;
  simulator?: SimulatorOptions;
  pickInputs?: string[];
  pickOutputDir?: string | null;
  /** Stored before start; default the simulator's demo key; null: no key. */
  apiKey?: string | null;
  settings?: SettingsPatch;
  secureSecrets?: boolean;
  engine?: Partial<CoreOptions>;
  /** The media base URL app.info reports (the harness passes its own once listening). */
  mediaBaseUrl?: () => string;
  /**
   * Fetch the simulator's catalog at start, as the app does (then awaited before the harness
   * serves). Off by default: most tests are about the shipped models.
   */
  liveCatalog?: boolean;
}

export interface TestApp {
  engine: Engine;
  intake: IntakeApi;
  simulator: SimulatorHandle;
  handlers: Handlers;
  core: AppCore;
  settings: SettingsStore;
  secrets: SecretStore;
  dataDir: string;
  files: ReturnType<typeof dataFiles>;
  setPickedInputs(paths: string[]): void;
  setPickedOutputDir(path: string | null): void;
  desktopCalls: { showInFolder: string[]; openPath: string[] };
  logs: string[];
  close(): Promise<void>;
}

export async function createTestApp(options: TestAppOptions): Promise<TestApp> {
  const dataDir = join(resolve(options.rootDir), 'data');
  mkdirSync(dataDir, { recursive: true });
  const files = dataFiles(dataDir);
  const logs: string[] = [];
  const log = (level: 'info' | 'warn' | 'error', message: string) => logs.push(`${level}: ${message}`);
  const simulator = await startSimulator({ timeScale: 0.001, seed: 1, ...options.simulator });
  // As the app: shipped entries plus the data folder's models/.
  const catalog = await loadCatalog({ dataDir });
  // As the app: the core's one wiring (main/core/index.ts).
  const { engine, intake } = createCoreServices({
    catalog,
    dbPath: files.database,
    owner: `harness:${process.pid}`,
    apiBaseUrl: simulator.url,
    apiKey: null,
    // As in the app: batches are adopted by core.start(), after the key is applied.
    adoptBatches: false,
    pollPolicy: fixedPollPolicy(50),
    log,
    ...options.engine,
  });
  const settings = createSettingsStore(files.settings);
  // The harness has no network: the "real" API is the simulator too.
  settings.update({ apiBaseUrl: simulator.url, ...options.settings });
  const secrets = createMemorySecretStore({ secure: options.secureSecrets ?? true });
  const apiKey = options.apiKey === undefined ? DEMO_API_KEY : options.apiKey;
  if (apiKey) secrets.set(apiKey, { allowPlainText: true });

  let pickedInputs = [...(options.pickInputs ?? [])];
  let pickedOutputDir = options.pickOutputDir ?? null;
  const desktopCalls = { showInFolder: [] as string[], openPath: [] as string[] };
  const core = createAppCore({
    engine,
    intake,
    catalog,
    settings,
    secrets,
    dialogs: {
      pickInputs: async () => [...pickedInputs],
      // Element images: the same preset answer ("the files the user picks"), set with setPickedInputs.
      pickImages: async () => [...pickedInputs],
      pickOutputDir: async () => pickedOutputDir,
    },
    desktop: {
      showInFolder: (path) => void desktopCalls.showInFolder.push(path),
      openPath: async (path) => void desktopCalls.openPath.push(path),
    },
    appInfo: () => ({
      version: 'harness',
      platform: process.platform,
      locale: 'en-US',
      mediaBaseUrl: options.mediaBaseUrl?.() ?? 'http://127.0.0.1/media',
    }),
    demo: async () => ({ apiBaseUrl: simulator.url, apiKey: DEMO_API_KEY }),
    thumbnailsDir: files.thumbnails,
    modelsDir: join(dataDir, USER_MODELS_FOLDER),
    catalogCacheFile: files.catalogCache,
    liveCatalogAtStart: options.liveCatalog ?? false,
    clock: options.engine?.clock,
    log,
  });
  await core.start();
  await core.catalogReady();

  return {
    engine,
    intake,
    simulator,
    handlers: core.handlers,
    core,
    settings,
    secrets,
    dataDir,
    files,
    setPickedInputs: (paths) => {
      pickedInputs = [...paths];
    },
    setPickedOutputDir: (path) => {
      pickedOutputDir = path;
    },
    desktopCalls,
    logs,
    async close() {
      core.close();
      await engine.close();
      await simulator.close();
    },
  };
}
