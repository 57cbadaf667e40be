// The batch at a glance, readable from across the room: how many are done, failing, running
// and waiting; money spent and still to spend against the cap, today's spend of all batches
// against the daily cap; time left; and the controls.
import { useState } from 'react';
import type { BatchViewDto, ItemStateDto } from '../../../preload/contract';
import { api } from '../api';
import { useI18n } from '../i18n';
import { useAction } from '../lib/use-action';
import { formatCount, formatDateTime, formatSpan, formatUsd } from '../lib/format';
import { ACTIVE_STATES, BATCH_TONES, ITEM_STATES, PROBLEM_STATES, TONE_ICONS, toneOf } from '../lib/states';
import { useApp } from '../store/app-context';
import { showToast } from '../store/toasts';
import { QuestionDialog } from './Dialog';
import { exportCsv } from '../lib/export-csv';
import { DailySpendStat } from './DailySpendStat';
import { GlanceStat } from './GlanceStat';
import { RerunButton } from './RerunDialog';
import { RetryFailedButton } from './RetryFailedButton';
import './BatchHeader.css';

export function countOf(batch: BatchViewDto, states: readonly ItemStateDto[]): number {
  return states.reduce((sum, s) => sum + (batch.counts[s] ?? 0), 0);
}

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
  const { busy, run } = useAction(onChanged);
  const n = (v: number) => formatCount(v, locale);
  const usd = (v: number) => formatUsd(v, locale);

  const done = countOf(batch, ['done']);
  const problems = countOf(batch, PROBLEM_STATES);
  const active = countOf(batch, ACTIVE_STATES);
  const queued = countOf(batch, ['queued']);
  const notSent = countOf(batch, ['rejected', 'skipped', 'cancelled']);
  const toRun = batch.total - notSent;
  const doneShare = toRun > 0 ? Math.min(1, done / toRun) : 0;
  const problemShare = toRun > 0 ? Math.min(1 - doneShare, problems / toRun) : 0;
  const budget = batch.settings.budgetUsd;
  // The cap counts what may be paid too (answers lost), so the meter does.
  const spendShare = budget ? Math.min(1, (batch.spentUsd + batch.unconfirmedUsd) / budget) : null;

  const cancelAll = () =>
    run(async () => {
      setConfirmCancel(false);
      const r = await api().batch.cancel({ batchId: batch.id });
      showToast(
        t('batch.cancelResult', { cancelled: r.cancelledLocally + r.cancelRequested, running: r.running }),
      );
    });

  const step = STEPS[batch.state];

  const eta =
    batch.etaMs !== null && (batch.state === 'running' || batch.state === 'paused')
      ? formatSpan(batch.etaMs, {
          h: t('time.h'),
          min: t('time.min'),
          lessThanMinute: t('time.lessThanMinute'),
        })
      : null;

  return (
    <section className="batch-header" aria-labelledby="batch-title" data-testid="batch-header">
      <div className="batch-title-row">
        <div>
          <h1 id="batch-title">{batch.name}</h1>
          <p className="muted small">
            {models.find((m) => m.id === batch.settings.modelId)?.displayName ?? batch.settings.modelId} ·{' '}
            {t('batch.created', { when: formatDateTime(batch.createdAt, locale) })}
          </p>
        </div>
        <span className={`tag batch-state tone-${BATCH_TONES[batch.state]}`} data-testid="batch-state">
          {t(`batchState.${batch.state}`)}
        </span>
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
          <div className="glance-number" data-testid="done-count">
            <span className="tone-good">{n(done)}</span>
            <span className="of">/ {n(toRun)}</span>
          </div>
          <div className="glance-label">{t('batch.videosDone')}</div>
          <div
            className="meter"
            role="progressbar"
            aria-label={t('batch.progress')}
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={Math.round(doneShare * 100)}
          >
            <div className="meter-fill" style={{ width: `${doneShare * 100}%` }} />
            <div className="meter-fill meter-bad" style={{ width: `${problemShare * 100}%` }} />
          </div>
        </div>
        <GlanceStat value={n(active)} tone="tone-active" label={t('batch.generating')} />
        <GlanceStat value={n(queued)} label={t('batch.waiting')} />
        <GlanceStat
          value={n(problems)}
          tone={problems ? 'tone-bad' : undefined}
          label={t('batch.needAttention')}
        />
        <GlanceStat
          value={usd(batch.spentUsd)}
          valueTestId="spent"
          label={budget ? t('batch.spentOfBudget', { budget: usd(budget) }) : t('batch.spentNoBudget')}
          note={
            batch.unconfirmedUsd > 0
              ? t('batch.unconfirmed', { amount: usd(batch.unconfirmedUsd) })
              : undefined
          }
          share={spendShare}
        />
        <DailySpendStat batch={batch} />
        <GlanceStat
          value={usd(batch.spentUsd + batch.remainingEstimateUsd)}
          label={t('batch.estimatedTotal', { remaining: usd(batch.remainingEstimateUsd) })}
        />
        <GlanceStat value={eta ?? '—'} label={t('batch.eta')} />
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
