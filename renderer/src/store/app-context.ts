// What every screen needs from boot: app info (media URL, simulated flag), settings and the
// model list, plus a way to open the settings dialog from anywhere (e.g. a "bad key" banner).
import { createContext, useContext } from 'react';
import type { AppSettingsDto, ModelInfoDto, ResponseOf } from '@common/contract';

export type AppInfo = ResponseOf<'query:app.info'>;

/** Where the settings dialog opens: the key field (a bad-key pause), the daily cap (its pause). */
export type SettingsFocus = 'general' | 'apiKey' | 'dailyCap';

export interface AppContextValue {
  info: AppInfo;
  settings: AppSettingsDto;
  setSettings: (settings: AppSettingsDto) => void;
  models: ModelInfoDto[];
  /** After a model was added (Settings → Models → Add). */
  setModels: (models: ModelInfoDto[]) => void;
  openSettings: (focus?: SettingsFocus) => void;
}

export const AppContext = createContext<AppContextValue | null>(null);

export function useApp(): AppContextValue {
  const value = useContext(AppContext);
  if (!value) throw new Error('useApp() used outside <AppContext.Provider>');
  return value;
}

/** The catalog's model of this id; undefined when the catalog has none by that id. */
export function useModel(modelId: string): ModelInfoDto | undefined {
  return useApp().models.find((m) => m.id === modelId);
}
