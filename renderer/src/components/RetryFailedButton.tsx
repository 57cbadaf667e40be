// "Retry all failed…" and "Retry selected…": asks main how many of the items can be retried and
// what retrying them may cost, says so (and whether that passes the batch's cap or the daily
// cap across all batches, where the batch will pause), and retries only with that cost
// confirmed; main refuses if more failed meanwhile, and we ask again.
import { useState } from 'react';
import type { BatchViewDto, ResponseOf } from '@common/contract';
import { api, errorText } from '../api';
import { useI18n } from '../i18n';
import { fileNameOf, formatCount } from '../lib/format';
import { useMoney } from '../lib/money';
import { RETRY_ALL_STATES } from '../lib/states';
import { showToast } from '../store/toasts';
import { countOf } from '@common/batch-figures';
import { ConfirmDialog } from './Dialog';

type Plan = ResponseOf<'command:batch.retryFailed'>;

export function RetryFailedButton({ batch, onChanged }: { batch: BatchViewDto; onChanged: () => void }) {
  if (countOf(batch, RETRY_ALL_STATES) === 0) return null;
  return <RetryButton batch={batch} onChanged={onChanged} />;
}

/** Retries the chosen items (the review grid's selection); `onDone` clears the selection. */
export function RetrySelectedButton({
  batch,
  itemIds,
  onDone,
}: {
  batch: BatchViewDto;
  itemIds: readonly number[];
  onDone: () => void;
}) {
  if (itemIds.length === 0) return null;
  return <RetryButton batch={batch} itemIds={itemIds} onChanged={onDone} />;
}

function RetryButton({
  batch,
  itemIds,
  onChanged,
}: {
  batch: BatchViewDto;
  itemIds?: readonly number[];
  onChanged: () => void;
}) {
  const { t, locale } = useI18n();
  const [plan, setPlan] = useState<Plan | null>(null);
  const [busy, setBusy] = useState(false);
  const usd = useMoney(batch.simulated);
  const chosen = itemIds ? { itemIds: [...itemIds] } : {};
  const words = itemIds
    ? ({ button: 'retrySelected.button', title: 'retrySelected.title', cost: 'retrySelected.cost' } as const)
    : ({ button: 'retryFailed.button', title: 'retryFailed.title', cost: 'retryFailed.cost' } as const);

  const ask = async () => {
    setBusy(true);
    try {
      setPlan(await api().batch.retryFailed({ batchId: batch.id, ...chosen }));
    } catch (error) {
      showToast(errorText(error, t), 'error');
    } finally {
      setBusy(false);
    }
  };
  const retry = async (confirmed: Plan) => {
    setPlan(null);
    setBusy(true);
    try {
      const result = await api().batch.retryFailed({
        batchId: batch.id,
        ...chosen,
        confirmCostUsd: confirmed.estimatedCostUsd,
      });
      showToast(t('retryFailed.done', { count: formatCount(result.retried, locale) }));
      onChanged();
    } catch (error) {
      showToast(errorText(error, t), 'error');
    } finally {
      setBusy(false);
    }
  };

  const skipped =
    plan && plan.notRetryable.length > 0 ? (
      <p className="muted" data-testid="retry-not-retryable">
        {t('retrySelected.notRetryable', {
          count: formatCount(plan.notRetryable.length, locale),
          files:
            plan.notRetryable
              .slice(0, 3)
              .map((item) => `${fileNameOf(item.fileName)}: ${t(`state.${item.state}`)}`)
              .join(', ') + (plan.notRetryable.length > 3 ? ', …' : ''),
        })}
      </p>
    ) : null;

  return (
    <>
      <button
        type="button"
        className="button"
        disabled={busy}
        onClick={() => void ask()}
        data-testid={itemIds ? 'retry-selected' : 'retry-failed'}
      >
        {t(words.button)}
      </button>
      {plan && plan.count === 0 && (
        <ConfirmDialog
          title={t(words.title)}
          message={
            <>
              <p>{t(itemIds ? 'retrySelected.nothing' : 'retryFailed.nothing')}</p>
              {skipped}
            </>
          }
          confirmLabel={t('common.close')}
          onConfirm={() => setPlan(null)}
          onCancel={() => setPlan(null)}
        />
      )}
      {plan && plan.count > 0 && (
        <ConfirmDialog
          title={t(words.title)}
          message={
            <>
              <p data-testid="retry-failed-cost">
                {t(words.cost, { count: formatCount(plan.count, locale), cost: usd(plan.estimatedCostUsd) })}
              </p>
              {skipped}
              {plan.passesBudget && plan.budgetUsd !== null && (
                <p className="field-error" data-testid="retry-failed-cap">
                  {t('retryFailed.passesCap', {
                    cap: usd(plan.budgetUsd),
                    committed: usd(plan.spentUsd + plan.remainingEstimateUsd),
                  })}
                </p>
              )}
              {plan.passesDailyCap && plan.dailyCapUsd !== null && (
                <p className="field-error" data-testid="retry-daily-cap">
                  {t('retryFailed.passesDailyCap', {
                    cap: usd(plan.dailyCapUsd),
                    spent: usd(plan.spentTodayUsd),
                  })}
                </p>
              )}
            </>
          }
          confirmLabel={t('retryFailed.confirm', { count: formatCount(plan.count, locale) })}
          onConfirm={() => void retry(plan)}
          onCancel={() => setPlan(null)}
        />
      )}
    </>
  );
}
