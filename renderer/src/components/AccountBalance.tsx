// Settings → the RunComfy account's balance: the amount and when it was read (or why it is not
// known), "Check again", and the top-up link to the user's RunComfy account page. Self-contained,
// so the Settings page places it where the account's section is.
import { useId } from 'react';
import { useI18n } from '../i18n';
import { formatDateTime, formatUsd } from '../lib/format';
import { useBalance } from '../lib/use-balance';
import './BalanceStat.css';

export function AccountBalance() {
  const { t, locale } = useI18n();
  const id = useId();
  const { balance, check } = useBalance();
  return (
    <section className="settings-section account-balance" aria-labelledby={id} data-testid="account-balance">
      <h3 id={id}>{t('balance.settingsTitle')}</h3>
      <p>
        {!balance ? (
          '…'
        ) : balance.state === 'noKey' ? (
          <span className="muted">{t('balance.noKey')}</span>
        ) : balance.state === 'known' ? (
          <>
            <span className="balance-value" data-testid="account-balance-value">
              {formatUsd(balance.usd, locale)}
            </span>{' '}
            <span className="muted small">
              {balance.simulated ? `${t('balance.simulatedLabel')} · ` : ''}
              {t('balance.asOf', { time: formatDateTime(balance.at, locale) })}
            </span>
          </>
        ) : (
          <span className="tone-warn">{t('balance.unknownWhy', { why: balance.why })}</span>
        )}
      </p>
      <div className="input-row">
        <button type="button" className="button" onClick={check}>
          {t('balance.check')}
        </button>
        {balance?.topUpUrl && (
          <a className="button" href={balance.topUpUrl} target="_blank" rel="noreferrer">
            {t('balance.topUp')}
          </a>
        )}
      </div>
      <p className="field-hint">{t('balance.settingsHint')}</p>
    </section>
  );
}
