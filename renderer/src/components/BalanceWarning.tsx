// A warning before Start (never a block) when the RunComfy balance is under the batch's estimate;
// the batch would pause when the balance runs out, and continue by itself after a top-up.
import { api } from '../api';
import { useI18n } from '../i18n';
import { formatUsd } from '../lib/format';
import { useAnswer } from '../lib/use-answer';

export function BalanceWarning({ estimateUsd }: { estimateUsd: number }) {
  const { t, locale } = useI18n();
  const balance = useAnswer(estimateUsd > 0 ? () => api().account.balance({}) : null, [estimateUsd > 0]);
  if (!balance || balance.state !== 'known' || balance.usd >= estimateUsd) return null;
  return (
    <p className="small tone-warn" role="status" data-testid="balance-warning">
      {t('balance.low', {
        balance: formatUsd(balance.usd, locale),
        estimate: formatUsd(estimateUsd, locale),
      })}{' '}
      {balance.topUpUrl && (
        <a href={balance.topUpUrl} target="_blank" rel="noreferrer">
          {t('balance.topUp')}
        </a>
      )}
    </p>
  );
}
