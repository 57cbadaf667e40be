// The batch header's account-wide figure: what all batches spent today (by the same definition
// as a batch's spent figure, so one batch alone today shows the same amount twice), what else
// is on its way, and the share of the daily cap, which counts both. Re-read whenever this
// batch's spending or state changes (a change elsewhere shows on the next).
import type { BatchViewDto } from '@common/contract';
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
  const onItsWay = Math.max(0, spend.spentTodayUsd - spend.billedTodayUsd);
  return (
    <GlanceStat
      value={usd(spend.billedTodayUsd)}
      tone={share !== null && share >= 1 ? 'tone-bad' : undefined}
      label={
        spend.capUsd !== null
          ? t('batch.todayOfDailyCap', { cap: usd(spend.capUsd) })
          : t('batch.todayNoDailyCap')
      }
      note={onItsWay >= 0.005 ? t('batch.todayOnItsWay', { amount: usd(onItsWay) }) : undefined}
      share={share}
      testId="daily-spend"
    />
  );
}
