// The form a RunComfy key is pasted into, checked with RunComfy at once (settings.checkApiKey, one
// free call) and saved only when accepted (or, when RunComfy could not be asked, when the user
// says so); then used for real: simulated mode is turned off, so the next Start makes real videos.
// Where the OS has no keychain, storing it as plain text is asked first, as in Settings.
import { useId, useState, type FormEvent } from 'react';
import { api, errorText, hasCode } from '../api';
import { useI18n } from '../i18n';
import { useApp } from '../store/app-context';
import { QuestionDialog } from './Dialog';

type Status =
  | { kind: 'idle' }
  | { kind: 'checking' }
  | { kind: 'refused' | 'unconfirmed' | 'failed'; message: string }
  | { kind: 'saved'; last4: string | null };

export function ApiKeyForm({ autoFocus, onSaved }: { autoFocus?: boolean; onSaved?: () => void }) {
  const { t } = useI18n();
  const { settings, setSettings } = useApp();
  const id = useId();
  const [key, setKey] = useState('');
  const [status, setStatus] = useState<Status>({ kind: 'idle' });
  const [askPlainText, setAskPlainText] = useState(false);
  const usable = key.trim().length >= 8;

  const save = async (allowPlainTextStorage: boolean) => {
    setAskPlainText(false);
    try {
      let next = await api().settings.setApiKey({ apiKey: key.trim(), allowPlainTextStorage });
      // A key pasted here is for real videos: the next batch is sent to RunComfy with it.
      if (next.simulated) next = await api().settings.update({ simulated: false });
      setSettings(next);
      setKey('');
      setStatus({ kind: 'saved', last4: next.apiKey.last4 });
      onSaved?.();
    } catch (error) {
      if (hasCode(error, 'needs_confirmation')) setAskPlainText(true);
      else setStatus({ kind: 'failed', message: errorText(error, t) });
    }
  };

  const check = async (event: FormEvent) => {
    event.preventDefault();
    if (!usable || status.kind === 'checking') return;
    setStatus({ kind: 'checking' });
    try {
      const answer = await api().settings.checkApiKey({ apiKey: key.trim() });
      if (answer.status === 'accepted') await save(false);
      else setStatus({ kind: answer.status, message: answer.message });
    } catch (error) {
      setStatus({ kind: 'failed', message: errorText(error, t) });
    }
  };

  const problem = status.kind === 'refused' || status.kind === 'unconfirmed' || status.kind === 'failed';
  return (
    <form className="api-key-form" onSubmit={check} data-testid="api-key-form">
      <label htmlFor={id}>{t('key.label')}</label>
      <div className="input-row">
        <input
          id={id}
          type="password"
          autoComplete="off"
          spellCheck={false}
          // The form is shown to ask for a key: focus it, as a dialog focuses its first field.
          autoFocus={autoFocus}
          placeholder={t('key.placeholder')}
          value={key}
          onChange={(e) => {
            setKey(e.target.value);
            if (status.kind !== 'checking') setStatus({ kind: 'idle' });
          }}
          aria-invalid={status.kind === 'refused' ? true : undefined}
          aria-describedby={`${id}-status`}
          data-testid="api-key-input"
        />
        <button
          type="submit"
          className="button button-primary"
          disabled={!usable || status.kind === 'checking'}
        >
          {status.kind === 'checking' ? t('key.checking') : t('key.check')}
        </button>
      </div>
      <div id={`${id}-status`} aria-live="polite" data-testid="api-key-result">
        {status.kind === 'idle' && (
          <p className="field-hint">
            {settings.apiKey.set
              ? t('key.hintReplace', { last4: settings.apiKey.last4 ?? '????' })
              : t('key.hint')}
          </p>
        )}
        {status.kind === 'saved' && (
          <div className="key-accepted" data-testid="key-accepted">
            <p className="tone-good">{t('key.saved', { last4: status.last4 ?? '????' })}</p>
            {/* The account's balance goes here (RunComfy's balance endpoint, read with this key). */}
          </div>
        )}
        {problem && (
          <div role="alert">
            <p className="field-error">
              {status.kind === 'failed' ? status.message : t(`key.${status.kind}`)}
            </p>
            {/* RunComfy's own words (English), for support. */}
            {status.kind !== 'failed' && <p className="muted small">{status.message}</p>}
          </div>
        )}
      </div>
      {status.kind === 'unconfirmed' && (
        <button type="button" className="button" onClick={() => void save(false)}>
          {t('key.saveAnyway')}
        </button>
      )}
      {askPlainText && (
        <QuestionDialog
          question="settings.plainText"
          onCancel={() => {
            setAskPlainText(false);
            setStatus({ kind: 'idle' });
          }}
          onConfirm={() => void save(true)}
        />
      )}
    </form>
  );
}
