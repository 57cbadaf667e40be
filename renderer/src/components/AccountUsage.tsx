// Settings → Account → usage: what was spent today across all batches (the batch header's
// definition, against the daily cap), and what every batch spent, real and simulated apart (a
// simulated run is never counted as money), with a way to the batches themselves.
import { useMemo } from 'react';
import { batchFigures } from '@common/batch-figures';
import { api } from '../api';
import { useI18n } from '../i18n';
import { formatCount } from '../lib/format';
import { useMoney } from '../lib/money';
import { routeHash } from '../lib/route';
import { useAnswer } from '../lib/use-answer';

export function AccountUsage() {
  const { t, locale } = useI18n();
  const real = useMoney(false);
  const simulated = useMoney(true);
  const today = useAnswer(() => api().account.dailySpend(), []);
  const batches = useAnswer(() => api().batches.list(), []);
  const totals = useMemo(() => {
    const sum = { batches: 0, done: 0, realUsd: 0, simulatedUsd: 0 };
    for (const batch of batches ?? []) {
      const f = batchFigures(batch);
      sum.batches++;
      sum.done += f.done;
      if (batch.simulated) sum.simulatedUsd += f.spentUsd;
      else sum.realUsd += f.spentUsd;
    }
    return sum;
  }, [batches]);
  return (
    <div className="settings-group" data-testid="account-usage">
      <h3>{t('settings.usage')}</h3>
      <dl className="stats stats-compact">
        <div>
          <dt>{t('settings.usageToday')}</dt>
          <dd data-testid="usage-today">{today ? real(today.billedTodayUsd) : '…'}</dd>
        </div>
        <div>
          <dt>{t('settings.usageAll', { count: formatCount(totals.batches, locale) })}</dt>
          <dd data-testid="usage-all">{batches ? real(totals.realUsd) : '…'}</dd>
        </div>
        {totals.simulatedUsd > 0 && (
          <div>
            <dt>{t('settings.usageSimulated')}</dt>
            <dd data-testid="usage-simulated">{simulated(totals.simulatedUsd)}</dd>
          </div>
        )}
      </dl>
      <p className="small">
        <a href={routeHash({ screen: 'history' })}>
          {t('settings.usageHistory', { count: formatCount(totals.done, locale) })}
        </a>
      </p>
    </div>
  );
}
