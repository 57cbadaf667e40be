// Earlier batches with their outcome: per batch its model, state, videos done of planned, what
// needs attention and what it spent (simulated money marked as such), the totals of what is
// listed, and a search over names and models; open one to see its items or review its videos,
// or export its CSV report. The figures are common/batch-figures.ts's, like the batch header's.
import { useEffect, useId, useMemo, useState } from 'react';
import type { BatchViewDto, ModelInfoDto } from '@common/contract';
import { batchFigures } from '@common/batch-figures';
import { api, errorText } from '../api';
import { useI18n } from '../i18n';
import { formatCount, formatDateTime } from '../lib/format';
import { exportCsv } from '../lib/export-csv';
import { useMoney } from '../lib/money';
import { navigate } from '../lib/route';
import { BATCH_TONES } from '../lib/states';
import { useApp } from '../store/app-context';
import { ErrorAlert } from '../components/ErrorAlert';
import { QueuePanel } from '../components/QueuePanel';
import './History.css';

/** The batches as they come and go: subscribe first, then load, so a change meanwhile is not missed. */
function useBatches(): { batches: BatchViewDto[] | null; error: string | null } {
  const [batches, setBatches] = useState<BatchViewDto[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let current = true;
    const load = () =>
      api()
        .batches.list()
        .then((list) => current && setBatches([...list].sort((a, b) => b.createdAt - a.createdAt)))
        .catch((e: unknown) => current && setError(errorText(e)));
    const offs = [api().onBatchChanged(() => void load()), api().onBatchFinished(() => void load())];
    void load();
    return () => {
      current = false;
      for (const off of offs) off();
    };
  }, []);
  return { batches, error };
}

const modelName = (models: readonly ModelInfoDto[], id: string) =>
  models.find((m) => m.id === id)?.displayName ?? id;

export function History() {
  const { t, locale } = useI18n();
  const { models } = useApp();
  const { batches, error } = useBatches();
  const [query, setQuery] = useState('');
  const searchId = useId();
  const real = useMoney(false);
  const simulated = useMoney(true);

  const shown = useMemo(() => {
    const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
    if (!batches || words.length === 0) return batches;
    return batches.filter((b) => {
      const text = `${b.name} ${modelName(models, b.settings.modelId)} ${t(`batchState.${b.state}`)}`;
      return words.every((word) => text.toLowerCase().includes(word));
    });
  }, [batches, query, models, t]);

  const totals = useMemo(() => {
    const sum = { batches: 0, done: 0, planned: 0, realUsd: 0, simulatedUsd: 0 };
    for (const b of shown ?? []) {
      const f = batchFigures(b);
      sum.batches++;
      sum.done += f.done;
      sum.planned += f.planned;
      if (b.simulated) sum.simulatedUsd += f.spentUsd;
      else sum.realUsd += f.spentUsd;
    }
    return sum;
  }, [shown]);

  return (
    <>
      <QueuePanel />
      <section className="card history" aria-labelledby="history-title">
        <div className="history-head">
          <h1 id="history-title">{t('history.title')}</h1>
          {batches && batches.length > 0 && (
            <div className="search">
              <label htmlFor={searchId} className="visually-hidden">
                {t('history.search')}
              </label>
              <input
                id={searchId}
                type="search"
                placeholder={t('history.search')}
                value={query}
                onChange={(e) => setQuery(e.target.value)}
                data-testid="history-search"
              />
            </div>
          )}
        </div>
        <ErrorAlert error={error} />
        {batches === null && !error && <p className="muted">{t('common.loading')}</p>}
        {batches?.length === 0 && <p className="muted">{t('history.empty')}</p>}
        {shown && batches && batches.length > 0 && (
          <p className="muted history-totals" data-testid="history-totals" aria-live="polite">
            {t('history.totals', {
              batches: formatCount(totals.batches, locale),
              done: formatCount(totals.done, locale),
              planned: formatCount(totals.planned, locale),
              spent: real(totals.realUsd),
            })}
            {totals.simulatedUsd > 0 && ` · ${simulated(totals.simulatedUsd)}`}
          </p>
        )}
        {shown?.length === 0 && batches && batches.length > 0 && (
          <p className="muted">{t('history.noMatch', { query: query.trim() })}</p>
        )}
        {shown && shown.length > 0 && (
          <table className="history-table">
            <thead>
              <tr>
                <th scope="col">{t('history.batch')}</th>
                <th scope="col">{t('history.model')}</th>
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
              {shown.map((b) => (
                <HistoryRow key={b.id} batch={b} model={modelName(models, b.settings.modelId)} />
              ))}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}

function HistoryRow({ batch: b, model }: { batch: BatchViewDto; model: string }) {
  const { t, locale, language } = useI18n();
  const money = useMoney(b.simulated);
  const f = batchFigures(b);
  const n = (v: number) => formatCount(v, locale);
  return (
    <tr data-testid="history-row" data-batch-id={b.id}>
      <td>
        <div className="item-name">{b.name}</div>
        <div className="muted small">{formatDateTime(b.createdAt, locale)}</div>
      </td>
      <td className="small">{model}</td>
      <td>
        <span className={`tag batch-state tone-${BATCH_TONES[b.state]}`}>{t(`batchState.${b.state}`)}</span>
        {b.simulated && <span className="tag simulated-tag">{t('app.simulated')}</span>}
      </td>
      <td data-testid="history-done">
        {n(f.done)} / {n(f.planned)}
        {(f.notPlanned > 0 || f.cancelled > 0) && (
          <div className="muted small">
            {[
              f.cancelled > 0 ? t('batch.cancelledCount', { count: n(f.cancelled) }) : null,
              f.notPlanned > 0 ? t('history.notSent', { count: n(f.notPlanned) }) : null,
            ]
              .filter(Boolean)
              .join(' · ')}
          </div>
        )}
      </td>
      <td className={f.problems ? 'tone-bad' : undefined}>{n(f.problems)}</td>
      <td data-testid="history-spent">{money(f.spentUsd)}</td>
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
          {f.done > 0 && (
            <button
              type="button"
              className="button button-small"
              onClick={() => navigate({ screen: 'batch', batchId: b.id, view: 'review' })}
              aria-label={t('history.reviewNamed', { name: b.name })}
            >
              {t('history.review')}
            </button>
          )}
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
}
