// "Retry all failed…": asks main how many failed items there are and what retrying them may
// cost, says so (and whether that passes the cap, where the batch will pause), and retries
// only with that cost confirmed; main refuses if more failed meanwhile, and we ask again.
import { useState } from 'react';
import type { BatchViewDto, ResponseOf } from '../../../preload/contract';
import { api, errorText } from '../api';
import { useI18n } from '../i18n';
import { formatCount, formatUsd } from '../lib/format';
import { RETRY_ALL_STATES } from '../lib/states';
import { showToast } from '../store/toasts';
import { countOf } from './BatchHeader';
import { ConfirmDialog } from './Dialog';

type Plan = ResponseOf<'command:batch.retryFailed'>;

export function RetryFailedButton({ batch, onChanged }: { batch: BatchViewDto; onChanged: () => void }) {
  const { t, locale } = useI18n();
  const [plan, setPlan] = useState<Plan | null>(null);
  const [busy, setBusy] = useState(false);
  if (countOf(batch, RETRY_ALL_STATES) === 0) return null;
  const usd = (v: number) => formatUsd(v, locale);

  const ask = async () => {
    setBusy(true);
    try {
      setPlan(await api().batch.retryFailed({ batchId: batch.id }));
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

  return (
    <>
      <button type="button" className="button" disabled={busy} onClick={() => void ask()}>
        {t('retryFailed.button')}
      </button>
      {plan && plan.count === 0 && (
        <ConfirmDialog
          title={t('retryFailed.title')}
          message={t('retryFailed.nothing')}
          confirmLabel={t('common.close')}
          onConfirm={() => setPlan(null)}
          onCancel={() => setPlan(null)}
        />
      )}
      {plan && plan.count > 0 && (
        <ConfirmDialog
          title={t('retryFailed.title')}
          message={
            <>
              <p data-testid="retry-failed-cost">
                {t('retryFailed.cost', {
                  count: formatCount(plan.count, locale),
                  cost: usd(plan.estimatedCostUsd),
                })}
              </p>
              {plan.passesBudget && plan.budgetUsd !== null && (
                <p className="field-error" data-testid="retry-failed-cap">
                  {t('retryFailed.passesCap', {
                    cap: usd(plan.budgetUsd),
                    committed: usd(plan.spentUsd + plan.remainingEstimateUsd),
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
