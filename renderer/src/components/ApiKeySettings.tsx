// Settings → Account → the RunComfy API key: set, replace or remove it (only its last four
// characters are ever shown), with the plain-text question on a computer without a keyring.
// A new key is checked with RunComfy first (settings.checkApiKey, one free call), as on first
// launch: a refused key is not saved over a working one; one that could not be checked is saved
// only when the user says so.
import { useId, useState } from 'react';
import type { AppSettingsDto } from '@common/contract';
import { api, errorText, hasCode } from '../api';
import { useI18n } from '../i18n';
import { useApp } from '../store/app-context';
import { showToast } from '../store/toasts';
import { QuestionDialog } from './Dialog';

/** Where the check of a new key stands (null: not asked, or accepted and saved). */
type CheckStatus = { kind: 'checking' } | { kind: 'refused' | 'unconfirmed'; message: string } | null;

export function ApiKeySettings({ autoFocus }: { autoFocus?: boolean }) {
  const { t } = useI18n();
  const { settings, setSettings } = useApp();
  const id = useId();
  const [keyText, setKeyText] = useState('');
  const [keyError, setKeyError] = useState<string | null>(null);
  const [askPlainText, setAskPlainText] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [saving, setSaving] = useState(false);
  const [check, setCheck] = useState<CheckStatus>(null);

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
      setCheck(null);
      setAskPlainText(false);
      showToast(t('settings.keySaved', { last4: next.apiKey.last4 ?? '' }));
    } catch (error) {
      if (hasCode(error, 'needs_confirmation')) setAskPlainText(true);
      else setKeyError(errorText(error));
    } finally {
      setSaving(false);
    }
  };

  const checkThenSave = async () => {
    setCheck({ kind: 'checking' });
    setKeyError(null);
    try {
      const answer = await api().settings.checkApiKey({ apiKey: keyText.trim() });
      if (answer.status !== 'accepted') return setCheck({ kind: answer.status, message: answer.message });
      setCheck(null);
      await saveKey(false);
    } catch (error) {
      setCheck(null);
      setKeyError(errorText(error));
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
          if (keyValid && check?.kind !== 'checking') void checkThenSave();
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
          onChange={(e) => {
            setKeyText(e.target.value);
            if (check?.kind !== 'checking') setCheck(null);
          }}
          aria-invalid={keyError || check?.kind === 'refused' ? true : undefined}
          aria-describedby={keyError ? `${id}-error` : `${id}-status`}
          data-testid="api-key-input"
        />
        <button
          type="submit"
          className="button button-primary"
          disabled={!keyValid || saving || check?.kind === 'checking'}
        >
          {check?.kind === 'checking'
            ? t('key.checking')
            : key.set
              ? t('settings.replaceKey')
              : t('settings.setKey')}
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
      {(check?.kind === 'refused' || check?.kind === 'unconfirmed') && (
        <div role="alert" data-testid="api-key-check">
          <p className="field-error">{t(`key.${check.kind}`)}</p>
          {/* RunComfy's own words (English), for support. */}
          <p className="muted small">{check.message}</p>
          {check.kind === 'unconfirmed' && (
            <button type="button" className="button" onClick={() => void saveKey(false)}>
              {t('key.saveAnyway')}
            </button>
          )}
        </div>
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
