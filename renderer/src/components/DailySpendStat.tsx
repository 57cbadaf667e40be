// The batch header's account-wide figure: what all batches spent today against the daily cap,
// re-read whenever this batch's spending or state changes (a change elsewhere shows on the next).
import type { BatchViewDto } from '../../../preload/contract';
import { api } from '../api';
import { useI18n } from '../i18n';
import { formatUsd } from '../lib/format';
import { useAnswer } from '../lib/use-answer';

export function DailySpendStat({ batch }: { batch: BatchViewDto }) {
  const { t, locale } = useI18n();
  const spend = useAnswer(() => api().account.dailySpend(), [batch.spentUsd, batch.state, batch.pauseReason]);

  if (!spend) return null;
  const usd = (v: number) => formatUsd(v, locale);
  const share = spend.capUsd ? Math.min(1, spend.spentTodayUsd / spend.capUsd) : null;
  return (
    <div className="glance-stat" data-testid="daily-spend">
      <div className={share !== null && share >= 1 ? 'glance-value tone-bad' : 'glance-value'}>
        {usd(spend.spentTodayUsd)}
      </div>
      <div className="glance-label">
        {spend.capUsd !== null
          ? t('batch.todayOfDailyCap', { cap: usd(spend.capUsd) })
          : t('batch.todayNoDailyCap')}
      </div>
      {share !== null && (
        <div className="meter meter-small" aria-hidden="true">
          <div
            className={share >= 0.9 ? 'meter-fill meter-warn' : 'meter-fill'}
            style={{ width: `${share * 100}%` }}
          />
        </div>
      )}
    </div>
  );
}
