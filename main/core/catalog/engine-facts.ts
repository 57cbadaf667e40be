// Catalog facts the engine needs, as pure functions, so the engine asks the catalog instead of
// guessing from the model id: how long a generation usually takes (the polling prior) and how
// much to hold against the budget cap before a submit.
import { DEFAULT_SECONDS_PER_VIDEO_SECOND, estimateGenerationMs, type Catalog } from './catalog';

/**
 * Expected wall-clock generation time of one video, in ms: the entry's prior, or the
 * conservative default for a model the catalog does not know (a batch made before an entry
 * was removed).
 */
export function pollingPriorMs(
  catalog: Pick<Catalog, 'find'>,
  modelId: string,
  durationSeconds: number,
): number {
  const model = catalog.find(modelId);
  if (model) return estimateGenerationMs(model, durationSeconds);
  return Math.round(DEFAULT_SECONDS_PER_VIDEO_SECOND * Math.max(1, durationSeconds) * 1000);
}

export type CostCeiling = { ok: true; usd: number } | { ok: false; reason: string };

/**
 * What to reserve against a budget cap before submitting one item: the estimate, raised to the
 * highest cost actually billed for this model so far (a price that went up since the entry was
 * written must not let the batch pass its cap). With no price known and nothing billed yet,
 * there is nothing safe to reserve: the answer is a refusal that says what to do.
 */
export function costCeilingUsd(
  model: { displayName: string },
  estimatedCostUsd: number | null,
  highestSeenCostUsd: number | null,
): CostCeiling {
  const seen = highestSeenCostUsd !== null && highestSeenCostUsd > 0 ? highestSeenCostUsd : null;
  if (estimatedCostUsd !== null && estimatedCostUsd > 0)
    return { ok: true, usd: Math.max(estimatedCostUsd, seen ?? 0) };
  if (seen !== null) return { ok: true, usd: seen };
  return {
    ok: false,
    reason:
      `The price of ${model.displayName} is unknown, so a budget cap cannot be kept. Give its price ` +
      '(Settings → Models, or "price" in its entry file), or remove the budget cap.',
  };
}
