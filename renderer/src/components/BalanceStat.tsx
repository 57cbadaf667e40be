// The RunComfy balance in the app's header: the amount (or "unknown", with why in its tooltip),
// and a link to top up on the user's RunComfy account page. In simulated mode, the simulator's.
import { useI18n } from '../i18n';
import { formatDateTime, formatUsd } from '../lib/format';
import { useBalance } from '../lib/use-balance';
import './BalanceStat.css';

export function BalanceStat() {
  const { t, locale } = useI18n();
  const { balance } = useBalance();
  if (!balance || balance.state === 'noKey') return null;
  const label = balance.simulated ? t('balance.simulatedLabel') : t('balance.label');
  const known = balance.state === 'known';
  return (
    <div className="balance-stat" data-testid="balance-stat">
      <span className="balance-label">{label}</span>{' '}
      <span
        className={known && balance.usd <= 0 ? 'balance-value tone-bad' : 'balance-value'}
        title={
          known
            ? t('balance.asOf', { time: formatDateTime(balance.at, locale) })
            : t('balance.unknownWhy', { why: balance.why })
        }
        data-testid="balance-value"
      >
        {known ? formatUsd(balance.usd, locale) : t('balance.unknown')}
      </span>
      {balance.topUpUrl && (
        <a className="balance-top-up" href={balance.topUpUrl} target="_blank" rel="noreferrer">
          {t('balance.topUp')}
        </a>
      )}
    </div>
  );
}
