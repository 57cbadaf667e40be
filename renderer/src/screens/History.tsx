// Earlier batches with their outcome; open one to see its items, or export its CSV report.
import { useEffect, useState } from 'react';
import type { BatchViewDto } from '../../../preload/contract';
import { api, errorText } from '../api';
import { useI18n } from '../i18n';
import { formatCount, formatDateTime, formatUsd } from '../lib/format';
import { exportCsv } from '../lib/export-csv';
import { navigate } from '../lib/route';
import { BATCH_TONES, PROBLEM_STATES } from '../lib/states';
import { ErrorAlert } from '../components/ErrorAlert';
import { QueuePanel } from '../components/QueuePanel';
import './History.css';

export function History() {
  const { t, locale, language } = useI18n();
  const [batches, setBatches] = useState<BatchViewDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let current = true;
    const load = () =>
      api()
        .batches.list()
        .then((list) => current && setBatches([...list].sort((a, b) => b.createdAt - a.createdAt)))
        .catch((e: unknown) => current && setError(errorText(e)));
    // Subscribe first, then load: a batch that changes meanwhile is not missed.
    const offs = [api().onBatchChanged(() => void load()), api().onBatchFinished(() => void load())];
    void load();
    return () => {
      current = false;
      for (const off of offs) off();
    };
  }, []);

  return (
    <>
      <QueuePanel />
      <section className="card history" aria-labelledby="history-title">
        <h1 id="history-title">{t('history.title')}</h1>
        <ErrorAlert error={error} />
        {batches === null && !error && <p className="muted">{t('common.loading')}</p>}
        {batches?.length === 0 && <p className="muted">{t('history.empty')}</p>}
        {batches && batches.length > 0 && (
          <table className="history-table">
            <thead>
              <tr>
                <th scope="col">{t('history.batch')}</th>
                <th scope="col">{t('history.state')}</th>
                <th scope="col">{t('history.done')}</th>
                <th scope="col">{t('history.problems')}</th>
                <th scope="col">{t('history.spent')}</th>
                <th scope="col">
                  <span className="visually-hidden">{t('history.actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {batches.map((b) => {
                const problems = PROBLEM_STATES.reduce((sum, s) => sum + (b.counts[s] ?? 0), 0);
                return (
                  <tr key={b.id} data-testid="history-row">
                    <td>
                      <div className="item-name">{b.name}</div>
                      <div className="muted small">{formatDateTime(b.createdAt, locale)}</div>
                    </td>
                    <td>
                      <span className={`tag batch-state tone-${BATCH_TONES[b.state]}`}>
                        {t(`batchState.${b.state}`)}
                      </span>
                    </td>
                    <td>
                      {formatCount(b.counts.done ?? 0, locale)} / {formatCount(b.total, locale)}
                    </td>
                    <td className={problems ? 'tone-bad' : undefined}>{formatCount(problems, locale)}</td>
                    <td>{formatUsd(b.spentUsd, locale)}</td>
                    <td className="row-actions">
                      <div>
                        <button
                          type="button"
                          className="button button-small button-primary"
                          onClick={() => navigate({ screen: 'batch', batchId: b.id })}
                          aria-label={t('history.openNamed', { name: b.name })}
                        >
                          {t('history.open')}
                        </button>
                        <button
                          type="button"
                          className="button button-small"
                          onClick={() => exportCsv(b.id, language)}
                          aria-label={t('history.exportNamed', { name: b.name })}
                        >
                          {t('history.exportCsv')}
                        </button>
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
