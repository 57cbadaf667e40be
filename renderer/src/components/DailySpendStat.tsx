// The batch header's account-wide figure: what all batches spent today against the daily cap,
// re-read whenever this batch's spending or state changes (a change elsewhere shows on the next).
import type { BatchViewDto } from '../../../preload/contract';
import { api } from '../api';
import { useI18n } from '../i18n';
import { formatUsd } from '../lib/format';
import { useAnswer } from '../lib/use-answer';
import { GlanceStat } from './GlanceStat';

export function DailySpendStat({ batch }: { batch: BatchViewDto }) {
  const { t, locale } = useI18n();
  const spend = useAnswer(() => api().account.dailySpend(), [batch.spentUsd, batch.state, batch.pauseReason]);

  if (!spend) return null;
  const usd = (v: number) => formatUsd(v, locale);
  const share = spend.capUsd ? Math.min(1, spend.spentTodayUsd / spend.capUsd) : null;
  return (
    <GlanceStat
      value={usd(spend.spentTodayUsd)}
      tone={share !== null && share >= 1 ? 'tone-bad' : undefined}
      label={
        spend.capUsd !== null
          ? t('batch.todayOfDailyCap', { cap: usd(spend.capUsd) })
          : t('batch.todayNoDailyCap')
      }
      share={share}
      testId="daily-spend"
    />
  );
}
