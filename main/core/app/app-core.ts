// Assembles the Electron-free half of the app from an engine, an intake and a few platform
// pieces: the scan registry, credentials, models, the handler map, the media resolver and the
// event stream. Electron (main/electron/index.ts) and the browser test harness
// (test/harness/server.ts) both call this, so they serve the very same handlers and media.
import type { Catalog } from '../catalog/catalog';
import type { EngineApi, IntakeApi } from '../core-api';
import { createCredentialsController, type CredentialsController, type DemoServer } from './credentials';
import { subscribeAppEvents, type EventSink } from './app-events';
import { buildHandlers, type Handlers } from './handlers';
import { createMediaResolver, type MediaResolver } from './media';
import { createModelsService } from './models-service';
import { createBalanceService } from './account-balance';
import { watchBalance, type BalanceWatch } from './balance-watch';
import { systemClock, type Clock } from '../util/clock';
import type { CatalogSourceDto } from '@common/contract';
import { createScanRegistry, type ScanRegistry } from './scans';
import { createMemorySecretStore, type SecretStore } from './secret-store';
import type { AppInfo, AppServices, Desktop, Dialogs, LogFn } from './app-services';
import type { SettingsStore } from './settings-store';
import { createThumbnailCache } from './thumbnails';
import { createWebhookSettingStore } from './webhook-setting';
import { createWebhookNotifier } from './webhooks';
import { watchFolders, type FolderWatch } from './folder-watch';
import type { ReasonLanguage } from '@common/reasons';

export interface AppCoreOptions {
  /**
   * The engine, made with `adoptBatches: false` when it has `beginAdopting`: start() lets it
   * take over unfinished batches once the stored key is applied.
   */
  engine: EngineApi & { beginAdopting?(): void; leaseHolder?(batchId: number): { mine: boolean } | null };
  intake: IntakeApi;
  catalog: Catalog;
  settings: SettingsStore;
  secrets: SecretStore;
  /** Where the webhook address is kept, like the key (default: in memory, for tests). */
  webhookSecret?: SecretStore;
  dialogs: Dialogs;
  desktop: Desktop;
  appInfo: () => AppInfo;
  /** Starts (once) the demo simulator for settings.simulated. */
  demo: () => Promise<DemoServer>;
  thumbnailsDir: string;
  /** Where user model entries are saved (<dataDir>/models). */
  modelsDir?: string;
  log?: LogFn;
  fetch?: typeof fetch;
  extraApiHosts?: readonly string[];
  /** RunComfy's catalog as last fetched (paths.ts catalogCache); absent: nothing is cached. */
  catalogCacheFile?: string;
  /**
   * Fetch RunComfy's catalog at start (default). The browser harness turns it off unless a test
   * asks, so most tests see the shipped models.
   */
  liveCatalogAtStart?: boolean;
  /** The clock the balance watch waits on and watch folders are looked at on (default real time). */
  clock?: Clock;
  /**
   * The language the webhook's notices are worded in: the window's (Electron resolves "system"
   * with the OS locale). Default: the setting, "system" read as English.
   */
  noticeLanguage?: () => ReasonLanguage;
}

export interface AppCore {
  services: AppServices;
  handlers: Handlers;
  media: MediaResolver;
  scans: ScanRegistry;
  credentials: CredentialsController;
  /**
   * Hands the engine the stored key and settings, then lets it take over the batches left
   * running: in that order, so no adopted job is polled (and no batch paused as "key refused")
   * before the key is there.
   */
  start(): Promise<void>;
  /** App events in the contract's shape; returns the unsubscribe. */
  subscribe(send: EventSink): () => void;
  /** Settles once start()'s fetch of RunComfy's catalog has ended (tests, the harness). */
  catalogReady(): Promise<void>;
  /** Stops running scans and listeners (the engine is closed by its owner). */
  close(): void;
}

export function createAppCore(options: AppCoreOptions): AppCore {
  const log = options.log ?? (() => {});
  const scans = createScanRegistry({
    intake: options.intake,
    log: (m) => log('warn', m),
    dailyCapUsd: () => options.engine.dailySpend().capUsd,
  });
  const credentials = createCredentialsController({
    engine: options.engine,
    settings: options.settings,
    secrets: options.secrets,
    demo: options.demo,
    // Another key, API or mode has another catalog (and balance): fetch it again.
    onApplied: () => {
      if (catalogFollowsCredentials) catalogFetch = fetchCatalog();
    },
  });
  const clock = options.clock ?? systemClock;
  const modelListeners = new Set<(source: CatalogSourceDto) => void>();
  const models = createModelsService({
    catalog: options.catalog,
    credentials,
    engine: options.engine,
    fetch: options.fetch,
    log,
    now: clock.now,
    modelsDir: options.modelsDir,
    cacheFile: options.catalogCacheFile ?? null,
    onChange: (source) => {
      for (const listener of modelListeners) listener(source);
    },
  });
  const balance = createBalanceService({ credentials, now: clock.now, fetch: options.fetch });
  const webhookSetting = createWebhookSettingStore(
    options.settings,
    options.webhookSecret ?? createMemorySecretStore(),
    (m) => log('info', m),
  );
  const webhooks = createWebhookNotifier({
    engine: options.engine,
    setting: () => webhookSetting.get(),
    fetch: options.fetch,
    secrets: () => [options.secrets.get()],
    log,
    language:
      options.noticeLanguage ??
      (() => {
        const setting = options.settings.get().language;
        return setting === 'system' ? 'en' : setting;
      }),
  });
  const services: AppServices = {
    engine: options.engine,
    intake: options.intake,
    scans,
    settings: options.settings,
    secrets: options.secrets,
    credentials,
    models,
    balance,
    dialogs: options.dialogs,
    desktop: options.desktop,
    webhooks,
    webhookSetting,
    appInfo: options.appInfo,
    log,
    extraApiHosts: options.extraApiHosts,
  };
  const handlers = buildHandlers(services);
  const media = createMediaResolver({
    engine: options.engine,
    scans,
    thumbnails: createThumbnailCache({ dir: options.thumbnailsDir }),
    log: (m) => log('warn', m),
  });
  // A preview says "already generated" for images whose video exists; once an item reaches
  // done, cached previews may be wrong.
  const offInvalidate = options.engine.on((event) => {
    if (
      event.type === 'batch-finished' ||
      (event.type === 'items' && event.changes.some((c) => c.state === 'done'))
    )
      scans.invalidatePlans();
  });
  let catalogFetch: Promise<void> = Promise.resolve();
  let catalogFollowsCredentials = false;
  const fetchCatalog = () =>
    models.start().catch((error: unknown) => log('warn', `model catalog: ${String(error)}`));
  let balanceWatch: BalanceWatch | undefined;
  let watch: FolderWatch | null = null;
  return {
    services,
    handlers,
    media,
    scans,
    credentials,
    async start() {
      const refused = options.settings.refusedApiBaseUrl;
      if (refused) log('warn', `settings file: ${refused}`);
      await credentials.apply();
      options.engine.beginAdopting?.();
      // Not awaited: an offline start must not wait for RunComfy's catalog to time out.
      catalogFollowsCredentials = options.liveCatalogAtStart !== false;
      if (catalogFollowsCredentials) catalogFetch = fetchCatalog();
      balanceWatch ??= watchBalance({
        engine: options.engine,
        balance,
        clock,
        log,
        notify: (notice, batch) => webhooks.notify(webhooks.noticeOf(notice, batch)),
      });
      // Watching batches this app drives take in what arrived while it was closed, then what comes.
      watch ??= watchFolders({
        engine: {
          queue: options.engine.queue,
          getBatch: (id) => options.engine.getBatch(id),
          // An engine that cannot say (a test double) drives what it is given.
          leaseHolder: (id) => options.engine.leaseHolder?.(id) ?? { mine: true },
        },
        intake: options.intake,
        clock,
        log,
      });
    },
    catalogReady: () => catalogFetch,
    subscribe: (send) => {
      const offApp = subscribeAppEvents({ engine: options.engine, scans }, send);
      const onModels = (source: CatalogSourceDto) => send('event:models.changed', { source });
      modelListeners.add(onModels);
      return () => {
        offApp();
        modelListeners.delete(onModels);
      };
    },
    close() {
      watch?.close();
      balanceWatch?.close();
      offInvalidate();
      webhooks.close();
      scans.close();
    },
  };
}
