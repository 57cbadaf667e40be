// Settings → Account → the RunComfy API key: set, replace or remove it (only its last four
// characters are ever shown), with the plain-text question on a computer without a keyring.
import { useId, useState } from 'react';
import type { AppSettingsDto } from '@common/contract';
import { api, errorText, hasCode } from '../api';
import { useI18n } from '../i18n';
import { useApp } from '../store/app-context';
import { showToast } from '../store/toasts';
import { QuestionDialog } from './Dialog';

export function ApiKeySettings({ autoFocus }: { autoFocus?: boolean }) {
  const { t } = useI18n();
  const { settings, setSettings } = useApp();
  const id = useId();
  const [keyText, setKeyText] = useState('');
  const [keyError, setKeyError] = useState<string | null>(null);
  const [askPlainText, setAskPlainText] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [saving, setSaving] = useState(false);

  const saveKey = async (allowPlainTextStorage: boolean) => {
    setSaving(true);
    setKeyError(null);
    try {
      const next: AppSettingsDto = await api().settings.setApiKey({
        apiKey: keyText.trim(),
        allowPlainTextStorage,
      });
      setSettings(next);
      setKeyText('');
      setAskPlainText(false);
      showToast(t('settings.keySaved', { last4: next.apiKey.last4 ?? '' }));
    } catch (error) {
      if (hasCode(error, 'needs_confirmation')) setAskPlainText(true);
      else setKeyError(errorText(error));
    } finally {
      setSaving(false);
    }
  };

  const removeKey = async () => {
    setConfirmRemove(false);
    try {
      setSettings(await api().settings.removeApiKey());
      showToast(t('settings.keyRemoved'));
    } catch (error) {
      showToast(errorText(error), 'error');
    }
  };

  const key = settings.apiKey;
  const keyValid = keyText.trim().length >= 8;

  return (
    <div className="settings-group" data-testid="api-key-settings">
      <h3 id={`${id}-h`}>{t('settings.apiKey')}</h3>
      <p className="muted" id={`${id}-status`} data-testid="api-key-status">
        {key.set ? t('settings.keySet', { last4: key.last4 ?? '????' }) : t('settings.keyNotSet')}
        {key.set && key.storage && (
          <span className="small"> · {t('settings.keyStorage', { storage: key.storage })}</span>
        )}
      </p>
      <form
        className="input-row"
        onSubmit={(e) => {
          e.preventDefault();
          if (keyValid) void saveKey(false);
        }}
      >
        <label htmlFor={id} className="visually-hidden">
          {key.set ? t('settings.replaceKey') : t('settings.setKey')}
        </label>
        <input
          id={id}
          data-autofocus={autoFocus ? '' : undefined}
          type="password"
          autoComplete="off"
          spellCheck={false}
          placeholder={key.set ? t('settings.replaceKeyPlaceholder') : t('settings.keyPlaceholder')}
          value={keyText}
          onChange={(e) => setKeyText(e.target.value)}
          aria-invalid={keyError ? true : undefined}
          aria-describedby={keyError ? `${id}-error` : `${id}-status`}
          data-testid="api-key-input"
        />
        <button type="submit" className="button button-primary" disabled={!keyValid || saving}>
          {key.set ? t('settings.replaceKey') : t('settings.setKey')}
        </button>
        {key.set && (
          <button type="button" className="button button-danger-quiet" onClick={() => setConfirmRemove(true)}>
            {t('settings.removeKey')}
          </button>
        )}
      </form>
      {keyError && (
        <p className="field-error" id={`${id}-error`} role="alert">
          {keyError}
        </p>
      )}
      {askPlainText && (
        <QuestionDialog
          question="settings.plainText"
          onCancel={() => setAskPlainText(false)}
          onConfirm={() => void saveKey(true)}
        />
      )}
      {confirmRemove && (
        <QuestionDialog
          question="settings.removeKey"
          confirmLabel={t('settings.removeKey')}
          danger
          onCancel={() => setConfirmRemove(false)}
          onConfirm={() => void removeKey()}
        />
      )}
    </div>
  );
}
