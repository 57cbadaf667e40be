// Settings → Account → Advanced: the API's base URL (RunComfy's, unless support says otherwise;
// main checks it before it is stored and says why it refuses one).
import { useId, useState } from 'react';
import { api, errorText } from '../api';
import { useI18n } from '../i18n';
import { useApp } from '../store/app-context';
import { showToast } from '../store/toasts';

export function ApiBaseUrlSetting() {
  const { t } = useI18n();
  const { settings, setSettings } = useApp();
  const id = useId();
  const [baseUrl, setBaseUrl] = useState(settings.apiBaseUrl);
  const save = async () => {
    try {
      setSettings(await api().settings.update({ apiBaseUrl: baseUrl.trim() }));
      showToast(t('settings.saved'));
    } catch (error) {
      showToast(errorText(error), 'error');
    }
  };
  return (
    <details className="settings-group advanced">
      <summary>{t('settings.advanced')}</summary>
      <form
        className="field"
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <label htmlFor={id}>{t('settings.apiBaseUrl')}</label>
        <div className="input-row">
          <input
            id={id}
            type="url"
            className="mono"
            value={baseUrl}
            onChange={(e) => setBaseUrl(e.target.value)}
            aria-describedby={`${id}-hint`}
          />
          <button type="submit" className="button" disabled={baseUrl.trim() === settings.apiBaseUrl}>
            {t('common.save')}
          </button>
        </div>
        <p className="field-hint" id={`${id}-hint`}>
          {t('settings.apiBaseUrlHint')}
        </p>
      </form>
    </details>
  );
}
