// Settings → the account-wide daily spending cap: what is spent today across all batches, and
// the cap itself (empty: none). Saved in the job database through settings.update.
import { useState } from 'react';
import { api } from '../api';
import { useI18n } from '../i18n';
import { formatUsd } from '../lib/format';
import { useAction } from '../lib/use-action';
import { useAnswer } from '../lib/use-answer';
import { useApp } from '../store/app-context';
import { showToast } from '../store/toasts';
import { NumberField } from './NumberField';

export function DailyCapSetting({ autoFocus }: { autoFocus?: boolean }) {
  const { t, locale } = useI18n();
  const { settings, setSettings } = useApp();
  const [cap, setCap] = useState<number | null>(settings.dailyCapUsd);
  const spentToday =
    useAnswer(() => api().account.dailySpend(), [settings.dailyCapUsd])?.spentTodayUsd ?? null;
  const { busy, run } = useAction();

  const invalid = cap !== null && !(Number.isFinite(cap) && cap >= 0);
  const unchanged = cap === settings.dailyCapUsd;

  return (
    <section className="settings-section" data-testid="daily-cap-setting">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (invalid || unchanged) return;
          void run(async () => {
            setSettings(await api().settings.update({ dailyCapUsd: cap }));
            showToast(t('settings.saved'));
          });
        }}
      >
        <NumberField
          label={t('settings.dailyCap')}
          value={cap}
          onChange={setCap}
          min={0}
          step={0.01}
          allowEmpty
          hint={t('settings.dailyCapHint')}
          error={invalid ? t('settings.dailyCapInvalid') : null}
          testId="daily-cap-input"
          autoFocus={autoFocus}
        />
        <div className="input-row">
          {spentToday !== null && (
            <span className="muted small" data-testid="daily-cap-today">
              {t('settings.dailyCapToday', { spent: formatUsd(spentToday, locale) })}
            </span>
          )}
          <button type="submit" className="button" disabled={busy || invalid || unchanged}>
            {t('common.save')}
          </button>
        </div>
      </form>
    </section>
  );
}
