// What the handler map is built from. Every piece is an interface so the same map runs in
// Electron (real dialogs, shell, safeStorage) and in the browser test harness (preset
// dialogs, recorded shell calls, an in-memory key store) over the same real engine.
import type { EngineApi, IntakeApi } from '../core-api';
import type { CatalogSourceDto, ModelInfoDto, RequestOf, ResponseOf } from '@common/contract';
import type { BalanceService } from './account-balance';
import type { CredentialsController } from './credentials';
import type { ScanRegistry } from './scans';
import type { SecretStore } from './secret-store';
import type { SettingsStore } from './settings-store';
import type { WebhookSettingStore } from './webhook-setting';
import type { WebhookNotifier } from './webhooks';

export interface Dialogs {
  /** Files and folders the user picked; empty when cancelled. */
  pickInputs(): Promise<string[]>;
  /** Image files the user picked (several), for reference elements; empty when cancelled. */
  pickImages(): Promise<string[]>;
  /** The folder picked, or null when cancelled. */
  pickOutputDir(): Promise<string | null>;
}

export interface Desktop {
  showInFolder(path: string): void | Promise<void>;
  /** Opens with the OS default app; rejects with the OS's reason. */
  openPath(path: string): Promise<void>;
}

export interface AppInfo {
  version: string;
  platform: string;
  locale: string;
  /** `${mediaBaseUrl}/item/<id>/thumb` etc. (see media.ts). */
  mediaBaseUrl: string;
}

export interface ModelsService {
  list(): ModelInfoDto[];
  /** Where the list comes from now (RunComfy's catalog, its cached copy, the shipped models). */
  source(): CatalogSourceDto;
  /** At start: the cached copy of RunComfy's catalog, then RunComfy's own (never throws). */
  start(): Promise<void>;
  /** Fetches RunComfy's catalog again; offline, the source says what is used and why. */
  refresh(): Promise<ResponseOf<'command:models.refresh'>>;
  /** RunComfy's models matching a search, any category (Settings → Models → Add). */
  runcomfy(search: string): Promise<ResponseOf<'query:models.runcomfy'>>;
  /** Entry files that could not be used when the catalog was loaded. */
  problems(): ResponseOf<'query:models.problems'>;
  /** Saves a user entry for a model (see command:models.add); never submits anything. */
  add(request: RequestOf<'command:models.add'>): Promise<ResponseOf<'command:models.add'>>;
}

export type LogFn = (level: 'info' | 'warn' | 'error', message: string) => void;

export interface AppServices {
  engine: EngineApi;
  intake: IntakeApi;
  scans: ScanRegistry;
  settings: SettingsStore;
  secrets: SecretStore;
  credentials: CredentialsController;
  models: ModelsService;
  /** The RunComfy balance (header, Settings, the check before Start). */
  balance: BalanceService;
  dialogs: Dialogs;
  desktop: Desktop;
  /** Batch notices to the user's webhook (finished, paused, stalled) and its "Send test". */
  webhooks: WebhookNotifier;
  /** Where notices go (the address kept like the key). */
  webhookSetting: WebhookSettingStore;
  appInfo: () => AppInfo;
  log?: LogFn;
  /** Hosts besides *.runcomfy.net and loopback the API base URL may point at. */
  extraApiHosts?: readonly string[];
}
