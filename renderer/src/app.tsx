// The app shell: boots (app info, settings, models), picks the language and the theme, listens
// for files dropped anywhere on the window and for a new model list, shows the RunComfy balance
// in the header, and one screen at a time (new batch, a batch, history, settings).
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { AppSettingsDto, ModelInfoDto } from '@common/contract';
import { api, errorText } from './api';
import { I18nContext, makeI18n, resolveLanguage, useI18n } from './i18n';
import { SimulatedMoney } from './lib/money';
import { navigate, parseRoute, routeHash, useHash } from './lib/route';
import { useTheme } from './lib/theme';
import { AppContext, type AppContextValue, type AppInfo } from './store/app-context';
import { offerPaths } from './store/scan-store';
import { BatchScreen } from './screens/BatchScreen';
import { BalanceStat } from './components/BalanceStat';
import { DropOverlay } from './components/DropOverlay';
import { History } from './screens/History';
import { NewBatch } from './screens/NewBatch';
import { SettingsPage } from './screens/SettingsPage';
import { Toasts } from './components/Toasts';
import { MorningCard } from './components/MorningCard';

interface Boot {
  info: AppInfo;
  settings: AppSettingsDto;
  models: ModelInfoDto[];
}

export function App() {
  const [boot, setBoot] = useState<Boot | null>(null);
  const [bootError, setBootError] = useState<string | null>(null);

  useEffect(() => {
    Promise.all([api().app.info(), api().settings.get(), api().models.list()])
      .then(([info, settings, models]) => setBoot({ info, settings, models }))
      .catch((error: unknown) => setBootError(errorText(error)));
  }, []);

  const language = resolveLanguage(
    boot?.settings.language ?? 'system',
    boot?.info.locale || navigator.language || 'en',
  );
  const i18n = useMemo(() => makeI18n(language), [language]);

  useEffect(() => {
    document.documentElement.lang = language;
  }, [language]);
  useTheme(boot?.settings.theme ?? 'system');

  return (
    <I18nContext.Provider value={i18n}>
      {boot ? (
        <Shell boot={boot} setBoot={setBoot} />
      ) : (
        <div className="boot" role="status">
          {bootError ? <p className="error-text">{bootError}</p> : <p>{i18n.t('common.loading')}</p>}
        </div>
      )}
    </I18nContext.Provider>
  );
}

function Shell({ boot, setBoot }: { boot: Boot; setBoot: (b: Boot) => void }) {
  const { t } = useI18n();
  const route = parseRoute(useHash());

  const setSettings = useCallback(
    (settings: AppSettingsDto) => setBoot({ ...boot, settings }),
    [boot, setBoot],
  );
  const setModels = useCallback((models: ModelInfoDto[]) => setBoot({ ...boot, models }), [boot, setBoot]);
  const context = useMemo<AppContextValue>(
    () => ({
      // app.info's `simulated` mirrors the setting; follow it when Settings changes it.
      info: { ...boot.info, simulated: boot.settings.simulated },
      settings: boot.settings,
      setSettings,
      models: boot.models,
      setModels,
      openSettings: (focus) =>
        navigate({
          screen: 'settings',
          target: focus === 'apiKey' ? 'key' : focus === 'dailyCap' ? 'daily-cap' : undefined,
        }),
    }),
    [boot, setSettings, setModels],
  );

  // RunComfy's catalog fetched (at start, after a key change, from another window's refresh).
  useEffect(
    () =>
      api().onModelsChanged(() => {
        api()
          .models.list()
          .then(setModels)
          .catch(() => {});
      }),
    [setModels],
  );

  // On launch, go back to a batch that is still running or paused.
  useEffect(() => {
    if (window.location.hash) return;
    api()
      .batches.list()
      .then((batches) => {
        const open = batches.find((b) => b.state === 'running' || b.state === 'paused');
        if (open && !window.location.hash) navigate({ screen: 'batch', batchId: open.id });
      })
      .catch(() => {});
  }, []);

  // Files dropped anywhere: to the new-batch screen, which asks before they replace a setup.
  const onPaths = useCallback((paths: string[]) => {
    navigate({ screen: 'new' });
    offerPaths(paths);
  }, []);

  return (
    <AppContext.Provider value={context}>
      <div className="app">
        <header className="topbar">
          <div className="brand">
            <span className="brand-mark" aria-hidden="true" />
            {t('app.name')}
          </div>
          <nav className="tabs" aria-label={t('nav.label')}>
            <a href="#/new" className="tab" aria-current={route.screen === 'new' ? 'page' : undefined}>
              {t('nav.new')}
            </a>
            <a
              href="#/history"
              className="tab"
              aria-current={route.screen === 'history' || route.screen === 'batch' ? 'page' : undefined}
            >
              {t('nav.history')}
            </a>
          </nav>
          <div className="topbar-end">
            <BalanceStat />
            {context.info.simulated && (
              <span className="simulated-badge" title={t('app.simulatedHint')} data-testid="simulated-badge">
                {t('app.simulated')}
              </span>
            )}
            <a
              href={routeHash({ screen: 'settings' })}
              className="tab"
              aria-current={route.screen === 'settings' ? 'page' : undefined}
              data-testid="settings-button"
            >
              {t('nav.settings')}
            </a>
          </div>
        </header>
        <main className="screen">
          <MorningCard />
          {/* Money on the setup form is simulated while simulated mode is on; a batch says its own. */}
          <SimulatedMoney.Provider value={context.info.simulated}>
            {route.screen === 'new' && <NewBatch />}
            {route.screen === 'history' && <History />}
            {route.screen === 'batch' && (
              <BatchScreen key={route.batchId} batchId={route.batchId} view={route.view ?? 'items'} />
            )}
            {route.screen === 'settings' && <SettingsPage target={route.target} />}
          </SimulatedMoney.Provider>
        </main>
        <DropOverlay onPaths={onPaths} />
        <Toasts />
      </div>
    </AppContext.Provider>
  );
}
