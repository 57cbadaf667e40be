// Settings → Notifications to your phone: the webhook address and its kind (ntfy, Discord,
// Slack or plain JSON), saved, tested with a test notice, or removed. Main checks the address
// (http(s) only) and says why it refuses one; that reason shows under the field.
import { useState } from 'react';
import type { AppSettingsDto } from '@common/contract';
import { api, errorText } from '../api';
import { useI18n } from '../i18n';
import { useApp } from '../store/app-context';
import { showToast } from '../store/toasts';
import { Field } from './Field';

type Preset = NonNullable<AppSettingsDto['webhook']>['preset'];
const PRESETS: readonly Preset[] = ['ntfy', 'discord', 'slack', 'generic'];

export function WebhookSettings() {
  const { t } = useI18n();
  const { settings, setSettings } = useApp();
  const [url, setUrl] = useState(settings.webhook?.url ?? '');
  const [preset, setPreset] = useState<Preset>(settings.webhook?.preset ?? 'ntfy');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const saved = settings.webhook;
  const changed = !saved || saved.url !== url.trim() || saved.preset !== preset;

  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await action();
    } catch (failure) {
      setError(errorText(failure, t));
    } finally {
      setBusy(false);
    }
  };
  const save = () =>
    run(async () => {
      const next = await api().settings.update({ webhook: { url: url.trim(), preset } });
      setSettings(next);
      setUrl(next.webhook?.url ?? '');
      showToast(t('settings.saved'));
    });
  const remove = () =>
    run(async () => {
      setSettings(await api().settings.update({ webhook: null }));
      setUrl('');
      showToast(t('webhook.removed'));
    });
  const test = () =>
    run(async () => {
      // What is typed is tested, saved or not, so the user can try before saving.
      const { status } = await api().settings.testWebhook({ webhook: { url: url.trim(), preset } });
      showToast(t('webhook.testSent', { status }));
    });

  return (
    <section className="settings-section" aria-labelledby="webhook-heading" data-testid="webhook-settings">
      <h3 id="webhook-heading">{t('webhook.title')}</h3>
      <p className="muted small">{t('webhook.intro')}</p>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          if (url.trim() && changed) void save();
        }}
      >
        <Field label={t('webhook.url')} hint={t(`webhook.hint.${preset}`)} error={error}>
          {(control) => (
            <input
              {...control}
              type="url"
              className="mono"
              inputMode="url"
              spellCheck={false}
              placeholder="https://ntfy.sh/…"
              value={url}
              onChange={(event) => setUrl(event.target.value)}
              data-testid="webhook-url"
            />
          )}
        </Field>
        <Field label={t('webhook.preset')}>
          {(control) => (
            <select
              {...control}
              value={preset}
              onChange={(event) => setPreset(event.target.value as Preset)}
              data-testid="webhook-preset"
            >
              {PRESETS.map((key) => (
                <option key={key} value={key}>
                  {t(`webhook.preset.${key}`)}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="input-row">
          <button type="submit" className="button button-primary" disabled={busy || !url.trim() || !changed}>
            {t('common.save')}
          </button>
          <button type="button" className="button" disabled={busy || !url.trim()} onClick={() => void test()}>
            {t('webhook.sendTest')}
          </button>
          {saved && (
            <button
              type="button"
              className="button button-danger-quiet"
              disabled={busy}
              onClick={() => void remove()}
            >
              {t('webhook.remove')}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}
