// The morning report on launch: one card saying what happened since the user last looked
// (videos done, what failed and why, what was spent, what waits for a person), with Review
// and Retry; dismissed, the next report starts from then. Nothing is shown when nothing happened.
import { useEffect, useState } from 'react';
import type { ActivitySummaryDto } from '@common/contract';
import { formatReason } from '@common/reasons';
import { api } from '../api';
import { useI18n } from '../i18n';
import { formatUsd } from '../lib/format';
import { navigate } from '../lib/route';
import './MorningCard.css';

export function MorningCard() {
  const { t, locale, language } = useI18n();
  const [summary, setSummary] = useState<ActivitySummaryDto | null>(null);

  useEffect(() => {
    api()
      .queue.morning({})
      .then(setSummary)
      .catch(() => {});
  }, []);

  if (!summary) return null;
  const seen = () => {
    setSummary(null);
    void api().queue.seenMorning({});
  };
  const failed = summary.failed.reduce((sum, group) => sum + group.count, 0);
  const first = summary.batches.find((b) => b.failed > 0) ?? summary.batches[0];
  const since = new Date(summary.since).toLocaleString(locale, {
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
  return (
    <section className="card morning-card" aria-labelledby="morning-title" data-testid="morning-card">
      <div className="morning-head">
        <h2 id="morning-title">{t('morning.title')}</h2>
        <span className="muted small">{t('morning.since', { time: since })}</span>
      </div>
      <ul className="morning-figures">
        <li>{t('morning.done', { count: summary.done })}</li>
        {failed > 0 && <li className="tone-bad">{t('morning.failed', { count: failed })}</li>}
        <li>{t('morning.spent', { amount: formatUsd(summary.spentUsd, locale) })}</li>
        {summary.simulatedUsd > 0 && (
          <li className="muted">
            {t('morning.spentSimulated', { amount: formatUsd(summary.simulatedUsd, locale) })}
          </li>
        )}
      </ul>
      {summary.failed.length > 0 && (
        <div className="morning-why">
          <h3>{t('morning.why')}</h3>
          <ul>
            {summary.failed.map((group) => (
              <li key={group.code ?? group.message ?? ''}>
                {group.reason ? formatReason(group.reason, language) : group.message}{' '}
                <span className="muted">{t('morning.times', { count: group.count })}</span>
              </li>
            ))}
          </ul>
        </div>
      )}
      {summary.unknown > 0 && <p>{t('morning.unknown', { count: summary.unknown })}</p>}
      {summary.waiting.map((waiting) => (
        <p key={waiting.batchId} className="tone-bad">
          {t('morning.waiting', { name: waiting.name })}
          {waiting.pauseDetail && `: ${formatReason(waiting.pauseDetail, language)}`}
        </p>
      ))}
      <div className="morning-actions">
        {first && (
          <button
            type="button"
            className="button button-primary"
            onClick={() => {
              seen();
              navigate({ screen: 'batch', batchId: first.batchId, view: 'review' });
            }}
          >
            {t('morning.review')}
          </button>
        )}
        {failed > 0 && first && (
          <button
            type="button"
            className="button"
            onClick={() => {
              seen();
              navigate({ screen: 'batch', batchId: first.batchId });
            }}
          >
            {t('morning.retry')}
          </button>
        )}
        <button type="button" className="button" onClick={seen}>
          {t('morning.dismiss')}
        </button>
      </div>
    </section>
  );
}
