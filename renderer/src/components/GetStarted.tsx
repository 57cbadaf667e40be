// First launch, and whenever nothing could be sent (no key, simulated mode off): the two ways in,
// side by side. "Try it free" turns simulated mode on (the built-in simulator, no key, no cost,
// test clips); "Use your RunComfy key" checks a pasted key with RunComfy and saves it.
import { useId } from 'react';
import { api, errorText } from '../api';
import { useI18n } from '../i18n';
import { useApp } from '../store/app-context';
import { showToast } from '../store/toasts';
import { ApiKeyForm } from './ApiKeyForm';
import './GetStarted.css';

/** Turns simulated mode on, saying what it means; the caller's screen then plans for the simulator. */
export function useTrySimulated(): () => Promise<void> {
  const { t } = useI18n();
  const { setSettings } = useApp();
  return async () => {
    try {
      setSettings(await api().settings.update({ simulated: true }));
      showToast(t('start.simulatedOn'));
    } catch (error) {
      showToast(errorText(error, t), 'error');
    }
  };
}

export function GetStarted() {
  const { t } = useI18n();
  const titleId = useId();
  const trySimulated = useTrySimulated();
  return (
    <section className="card get-started" aria-labelledby={titleId} data-testid="get-started">
      <h2 id={titleId}>{t('start.getStarted')}</h2>
      <div className="get-started-ways">
        <div className="get-started-way">
          <h3>{t('start.tryFreeTitle')}</h3>
          <p className="muted">{t('start.tryFreeText')}</p>
          <button
            type="button"
            className="button button-primary"
            onClick={() => void trySimulated()}
            data-testid="try-simulated"
          >
            {t('start.tryFree')}
          </button>
        </div>
        <div className="get-started-way">
          <h3>{t('start.useKeyTitle')}</h3>
          <p className="muted">{t('start.useKeyText')}</p>
          <ApiKeyForm />
        </div>
      </div>
    </section>
  );
}
