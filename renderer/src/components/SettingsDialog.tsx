// App settings: the API key (set, replace, remove; only its last four characters are shown),
// the API base URL, simulated mode, notifications, keeping the computer awake, language, the
// daily spending cap across all batches (DailyCapSetting), and
// Models → Add (AddModelDialog), and the webhook that tells a phone when a batch finishes,
// pauses or stalls.
import { useEffect, useId, useRef, useState } from 'react';
import type { AppSettingsDto, RequestOf } from '../../../preload/contract';
import { api, errorText, hasCode } from '../api';
import { useI18n } from '../i18n';
import { useAnswer } from '../lib/use-answer';
import { useApp, type SettingsFocus } from '../store/app-context';
import { showToast } from '../store/toasts';
import { AccountBalance } from './AccountBalance';
import { AddModelDialog } from './AddModelDialog';
import { DailyCapSetting } from './DailyCapSetting';
import { QueueSettings } from './QueueSettings';
import { Dialog, QuestionDialog } from './Dialog';
import { CheckboxField, Field } from './Field';
import { WebhookSettings } from './WebhookSettings';
import './SettingsDialog.css';

export function SettingsDialog({ focus, onClose }: { focus: SettingsFocus; onClose: () => void }) {
  const { t } = useI18n();
  const { settings, setSettings } = useApp();
  const ids = { key: useId(), url: useId() };
  const keyRef = useRef<HTMLInputElement>(null);
  const [keyText, setKeyText] = useState('');
  const [keyError, setKeyError] = useState<string | null>(null);
  const [askPlainText, setAskPlainText] = useState(false);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const [baseUrl, setBaseUrl] = useState(settings.apiBaseUrl);
  const [saving, setSaving] = useState(false);
  const [addingModel, setAddingModel] = useState(false);
  const modelProblems = useAnswer(() => api().models.problems(), []) ?? [];

  useEffect(() => {
    if (focus === 'apiKey') keyRef.current?.focus();
  }, [focus]);

  const update = async (patch: RequestOf<'command:settings.update'>) => {
    try {
      setSettings(await api().settings.update(patch));
    } catch (error) {
      showToast(errorText(error), 'error');
    }
  };

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
    <Dialog title={t('settings.title')} onClose={onClose} testId="settings-dialog">
      <section className="settings-section" aria-labelledby={`${ids.key}-h`}>
        <h3 id={`${ids.key}-h`}>{t('settings.apiKey')}</h3>
        <p className="muted" id={`${ids.key}-status`} data-testid="api-key-status">
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
          <label htmlFor={ids.key} className="visually-hidden">
            {key.set ? t('settings.replaceKey') : t('settings.setKey')}
          </label>
          <input
            id={ids.key}
            ref={keyRef}
            type="password"
            autoComplete="off"
            spellCheck={false}
            placeholder={key.set ? t('settings.replaceKeyPlaceholder') : t('settings.keyPlaceholder')}
            value={keyText}
            onChange={(e) => setKeyText(e.target.value)}
            aria-invalid={keyError ? true : undefined}
            aria-describedby={keyError ? `${ids.key}-error` : `${ids.key}-status`}
          />
          <button type="submit" className="button button-primary" disabled={!keyValid || saving}>
            {key.set ? t('settings.replaceKey') : t('settings.setKey')}
          </button>
          {key.set && (
            <button
              type="button"
              className="button button-danger-quiet"
              onClick={() => setConfirmRemove(true)}
            >
              {t('settings.removeKey')}
            </button>
          )}
        </form>
        {keyError && (
          <p className="field-error" id={`${ids.key}-error`} role="alert">
            {keyError}
          </p>
        )}
      </section>

      <AccountBalance />

      <section className="settings-section">
        <CheckboxField
          label={t('settings.simulated')}
          hint={t('settings.simulatedHint')}
          checked={settings.simulated}
          onChange={(checked) => void update({ simulated: checked })}
        />
        <CheckboxField
          label={t('settings.notifications')}
          checked={settings.notifications}
          onChange={(checked) => void update({ notifications: checked })}
        />
        <CheckboxField
          label={t('settings.keepAwake')}
          checked={settings.keepAwake}
          onChange={(checked) => void update({ keepAwake: checked })}
        />
        <Field label={t('settings.language')}>
          {(control) => (
            <select
              {...control}
              value={settings.language}
              onChange={(e) => void update({ language: e.target.value as AppSettingsDto['language'] })}
              data-testid="language-select"
            >
              <option value="system">{t('settings.languageSystem')}</option>
              <option value="en" lang="en">
                English
              </option>
              <option value="zh-CN" lang="zh-CN">
                简体中文
              </option>
            </select>
          )}
        </Field>
      </section>

      <DailyCapSetting autoFocus={focus === 'dailyCap'} />
      <QueueSettings />

      <section className="settings-section" aria-labelledby={`${ids.key}-models`}>
        <h3 id={`${ids.key}-models`}>{t('models.title')}</h3>
        <p className="field-hint">{t('models.sectionHint')}</p>
        {modelProblems.length > 0 && (
          <div className="field-error" role="alert" data-testid="model-problems">
            <p>{t('models.problemsTitle')}</p>
            <ul>
              {modelProblems.map((p, i) => (
                <li key={i} className="mono">
                  {[
                    p.file,
                    p.line !== null ? t('models.problemLine', { line: p.line }) : null,
                    p.field ? t('models.problemField', { field: p.field }) : null,
                  ]
                    .filter(Boolean)
                    .join(', ')}
                  : {p.message}
                </li>
              ))}
            </ul>
          </div>
        )}
        <button type="button" className="button" data-testid="add-model" onClick={() => setAddingModel(true)}>
          {t('models.add')}
        </button>
      </section>
      <WebhookSettings />

      <details className="settings-section advanced">
        <summary>{t('settings.advanced')}</summary>
        <form
          className="field"
          onSubmit={(e) => {
            e.preventDefault();
            void update({ apiBaseUrl: baseUrl.trim() }).then(() => showToast(t('settings.saved')));
          }}
        >
          <label htmlFor={ids.url}>{t('settings.apiBaseUrl')}</label>
          <div className="input-row">
            <input
              id={ids.url}
              type="url"
              className="mono"
              value={baseUrl}
              onChange={(e) => setBaseUrl(e.target.value)}
              aria-describedby={`${ids.url}-hint`}
            />
            <button type="submit" className="button" disabled={baseUrl.trim() === settings.apiBaseUrl}>
              {t('common.save')}
            </button>
          </div>
          <p className="field-hint" id={`${ids.url}-hint`}>
            {t('settings.apiBaseUrlHint')}
          </p>
        </form>
      </details>

      {addingModel && <AddModelDialog onClose={() => setAddingModel(false)} />}
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
    </Dialog>
  );
}
