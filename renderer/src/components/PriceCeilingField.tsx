// The price per video the user accepts for a model whose price RunComfy has not told us, so the
// batch may run under a budget or the daily cap (each video then counts as this much against
// them; without it the preview refuses such a batch under a cap, and the engine sends nothing).
// Shown only when the picked model's price is unknown.
import type { BatchSettingsDto, ModelInfoDto } from '@common/contract';
import { useI18n } from '../i18n';
import { NumberField } from './NumberField';

export function PriceCeilingField({
  model,
  settings,
  onChange,
}: {
  model: ModelInfoDto | undefined;
  settings: BatchSettingsDto;
  onChange: (patch: Partial<BatchSettingsDto>) => void;
}) {
  const { t } = useI18n();
  if (!model || model.price.per !== 'unknown') return null;
  const value = settings.perVideoCeilingUsd ?? null;
  const wrong = value !== null && !(value > 0 && value <= 10_000);
  return (
    <NumberField
      label={t('models.ceilingLabel')}
      hint={t('models.ceilingHint', { model: model.displayName })}
      value={value}
      onChange={(v) => onChange({ perVideoCeilingUsd: v })}
      min={0}
      step={0.01}
      allowEmpty
      suffix="USD"
      error={wrong ? t('models.ceilingError') : null}
      testId="price-ceiling"
    />
  );
}
