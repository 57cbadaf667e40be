// The batch at a glance, compact so the items or the videos below keep the window: one line
// with the name, the state and the controls, one line of the key figures (done of planned, what
// needs attention, money spent against the cap, time left), and the rest (generating, waiting,
// the estimated total, today's spend of all batches, the counts per state) folded under "More".
// Every figure comes from common/batch-figures.ts, the one definition History and the tray use.
import { useId, useState } from 'react';
import type { BatchViewDto } from '@common/contract';
import { batchFigures, doneShare } from '@common/batch-figures';
import { api } from '../api';
import { useI18n } from '../i18n';
import { useAction } from '../lib/use-action';
import { formatCount, formatDateTime, formatSpan } from '../lib/format';
import { useMoney } from '../lib/money';
import { BATCH_TONES, ITEM_STATES, TONE_ICONS, toneOf } from '../lib/states';
import { useApp } from '../store/app-context';
import { showToast } from '../store/toasts';
import { QuestionDialog } from './Dialog';
import { exportCsv } from '../lib/export-csv';
import { DailySpendStat } from './DailySpendStat';
import { GlanceStat } from './GlanceStat';
import { RerunButton } from './RerunDialog';
import { RetryFailedButton } from './RetryFailedButton';
import './BatchHeader.css';

/** The one step a batch's state offers: start a draft, pause a running batch, resume a paused one. */
const STEPS: Partial<Record<BatchViewDto['state'], 'start' | 'pause' | 'resume'>> = {
  draft: 'start',
  running: 'pause',
  paused: 'resume',
};

export function BatchHeader({ batch, onChanged }: { batch: BatchViewDto; onChanged: () => void }) {
  const { t, locale, language } = useI18n();
  const { models } = useApp();
  const [confirmCancel, setConfirmCancel] = useState(false);
  const [more, setMore] = useState(false);
  const moreId = useId();
  const { busy, run } = useAction(onChanged);
  const n = (v: number) => formatCount(v, locale);
  const money = useMoney(batch.simulated);
  const figures = batchFigures(batch);
  const share = doneShare(figures);
  const problemShare = figures.planned > 0 ? Math.min(1 - share, figures.problems / figures.planned) : 0;
  const budget = batch.settings.budgetUsd;
  // The cap counts what may be paid too (answers lost), so the meter does.
  const spendShare = budget ? Math.min(1, (figures.spentUsd + figures.mayBePaidUsd) / budget) : null;

  const cancelAll = () =>
    run(async () => {
      setConfirmCancel(false);
      const r = await api().batch.cancel({ batchId: batch.id });
      showToast(
        t('batch.cancelResult', { cancelled: r.cancelledLocally + r.cancelRequested, running: r.running }),
      );
    });

  const step = STEPS[batch.state];
  const timeLeft =
    figures.timeLeftMs !== null
      ? formatSpan(figures.timeLeftMs, {
          h: t('time.h'),
          min: t('time.min'),
          lessThanMinute: t('time.lessThanMinute'),
        })
      : '—';

  return (
    <section className="batch-header" aria-labelledby="batch-title" data-testid="batch-header">
      <div className="batch-title-row">
        <div className="batch-title">
          <h1 id="batch-title">{batch.name}</h1>
          <span className={`tag batch-state tone-${BATCH_TONES[batch.state]}`} data-testid="batch-state">
            {t(`batchState.${batch.state}`)}
          </span>
          {batch.simulated && (
            <span className="tag simulated-tag" data-testid="batch-simulated">
              {t('app.simulated')}
            </span>
          )}
          <span className="muted small">
            {models.find((m) => m.id === batch.settings.modelId)?.displayName ?? batch.settings.modelId} ·{' '}
            {t('batch.created', { when: formatDateTime(batch.createdAt, locale) })}
          </span>
        </div>
        <div className="batch-controls">
          {step && (
            <button
              type="button"
              className={step === 'pause' ? 'button' : 'button button-primary'}
              disabled={busy}
              onClick={() => run(() => api().batch[step]({ batchId: batch.id }))}
            >
              {t(`batch.${step}`)}
            </button>
          )}
          {(batch.state === 'running' || batch.state === 'paused' || batch.state === 'draft') && (
            <button
              type="button"
              className="button button-danger-quiet"
              disabled={busy}
              onClick={() => setConfirmCancel(true)}
            >
              {t('batch.cancelAll')}
            </button>
          )}
          <RetryFailedButton batch={batch} onChanged={onChanged} />
          <RerunButton batch={batch} />
          <button type="button" className="button" onClick={() => exportCsv(batch.id, language)}>
            {t('history.exportCsv')}
          </button>
        </div>
      </div>

      <div className="glance">
        <div className="glance-main">
          <div className="glance-done">
            <span className="glance-number" data-testid="done-count">
              <span className="tone-good">{n(figures.done)}</span>
              <span className="of">/ {n(figures.planned)}</span>
            </span>{' '}
            <span className="glance-label" data-testid="done-label">
              {t('batch.videosDone')}
              {figures.cancelled > 0 && ` · ${t('batch.cancelledCount', { count: n(figures.cancelled) })}`}
            </span>
          </div>
          <div
            className="meter"
            role="progressbar"
            aria-label={t('batch.progress')}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(share * 100)}
          >
            <div className="meter-fill" style={{ width: `${share * 100}%` }} />
            <div className="meter-fill meter-bad" style={{ width: `${problemShare * 100}%` }} />
          </div>
        </div>
        <GlanceStat
          value={n(figures.problems)}
          tone={figures.problems ? 'tone-bad' : undefined}
          label={t('batch.needAttention')}
          testId="problems-stat"
        />
        <GlanceStat
          value={money(figures.spentUsd)}
          valueTestId="spent"
          label={budget ? t('batch.spentOfBudget', { budget: money(budget) }) : t('batch.spentNoBudget')}
          note={
            figures.mayBePaidUsd > 0
              ? t('batch.unconfirmed', { amount: money(figures.mayBePaidUsd) })
              : undefined
          }
          share={spendShare}
        />
        {(batch.state === 'running' || batch.state === 'paused') && (
          <GlanceStat
            value={timeLeft}
            valueTestId="time-left"
            label={batch.state === 'paused' ? t('batch.etaPaused') : t('batch.eta')}
          />
        )}
        <button
          type="button"
          className="button button-quiet glance-toggle"
          aria-expanded={more}
          aria-controls={moreId}
          onClick={() => setMore((open) => !open)}
          data-testid="header-more"
        >
          {more ? t('batch.fewerFigures') : t('batch.moreFigures')}
        </button>
      </div>

      <div id={moreId} hidden={!more} className="glance-more" data-testid="header-more-figures">
        <div className="glance">
          <GlanceStat value={n(figures.generating)} tone="tone-active" label={t('batch.generating')} />
          <GlanceStat value={n(figures.waiting)} label={t('batch.waiting')} />
          <GlanceStat
            value={money(figures.estimatedTotalUsd)}
            label={t('batch.estimatedTotal', { remaining: money(batch.remainingEstimateUsd) })}
          />
          {/* Today's real spending of all batches means nothing beside a simulated batch. */}
          {!batch.simulated && <DailySpendStat batch={batch} />}
        </div>
        <ul className="state-counts" aria-label={t('batch.countsByState')} data-testid="state-counts">
          {ITEM_STATES.filter((s) => (batch.counts[s] ?? 0) > 0).map((s) => (
            <li key={s} className={`tag state-pill tone-${toneOf(s)}`}>
              <span className="state-icon" aria-hidden="true">
                {TONE_ICONS[toneOf(s)]}
              </span>
              {t(`state.${s}`)} <strong>{n(batch.counts[s] ?? 0)}</strong>
            </li>
          ))}
        </ul>
      </div>

      {confirmCancel && (
        <QuestionDialog
          question="batch.cancelAll"
          danger
          onConfirm={cancelAll}
          onCancel={() => setConfirmCancel(false)}
        />
      )}
    </section>
  );
}
