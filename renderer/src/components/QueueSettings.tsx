// Settings → Queue: the account-wide limit on generations in flight (shared by every batch, the
// app and the command line, kept in the job database) and the hours new batches take by default
// (a start time and a daily window of local time).
import { useEffect, useState } from 'react';
import { api, errorText } from '../api';
import { useI18n } from '../i18n';
import { clockTimeOrNull, windowInvalid as hoursWindowInvalid, windowOf } from '../lib/hours';
import { useAction } from '../lib/use-action';
import { showToast } from '../store/toasts';
import { NumberField } from './NumberField';

export function QueueSettings() {
  const { t } = useI18n();
  const [limit, setLimit] = useState<number | null>(null);
  const [start, setStart] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const { busy, run } = useAction();

  useEffect(() => {
    void Promise.all([api().queue.limit({}), api().queue.defaultSchedule({})])
      .then(([account, schedule]) => {
        setLimit(account.configured);
        setStart(schedule?.startAt ?? '');
        setFrom(schedule?.window?.start ?? '');
        setTo(schedule?.window?.end ?? '');
      })
      .catch((error: unknown) => showToast(errorText(error), 'error'));
  }, []);

  const limitInvalid = limit !== null && !(Number.isInteger(limit) && limit >= 1 && limit <= 100);
  const windowInvalid = hoursWindowInvalid(from, to);

  return (
    <section className="settings-section" data-testid="queue-settings">
      <h3>{t('settings.queue')}</h3>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (limitInvalid || windowInvalid) return;
          void run(async () => {
            await api().queue.setLimit({ limit });
            await api().queue.setDefaultSchedule({
              schedule: {
                startAt: clockTimeOrNull(start),
                window: windowOf(from, to),
              },
            });
            showToast(t('settings.saved'));
          });
        }}
      >
        <NumberField
          label={t('settings.queueLimit')}
          value={limit}
          onChange={setLimit}
          min={1}
          step={1}
          allowEmpty
          hint={t('settings.queueLimitHint')}
          error={limitInvalid ? t('settings.queueLimitInvalid') : null}
          testId="queue-limit-input"
        />
        <label className="field">
          <span>{t('settings.defaultStart')}</span>
          <input
            type="time"
            value={start}
            onChange={(e) => setStart(e.target.value)}
            data-testid="default-start"
          />
        </label>
        <fieldset className="field">
          <legend>{t('settings.defaultWindow')}</legend>
          <input
            type="time"
            value={from}
            onChange={(e) => setFrom(e.target.value)}
            aria-label={t('settings.defaultWindow')}
          />{' '}
          {t('settings.defaultWindowAnd')}{' '}
          <input
            type="time"
            value={to}
            onChange={(e) => setTo(e.target.value)}
            aria-label={t('settings.defaultWindowAnd')}
          />
          <p className="muted small">{t('settings.defaultScheduleHint')}</p>
        </fieldset>
        <div className="input-row">
          <button type="submit" className="button" disabled={busy || limitInvalid || windowInvalid}>
            {t('common.save')}
          </button>
        </div>
      </form>
    </section>
  );
}
