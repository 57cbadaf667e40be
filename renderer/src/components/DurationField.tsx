// The video's duration: a choice of the model's allowed lengths where it has a list, a number
// of seconds within its range where it has one, nothing where its duration field is unknown.
import { useId } from 'react';
import type { ModelInfoDto } from '@common/contract';
import { useI18n } from '../i18n';
import { NumberField } from './NumberField';

export function DurationField({
  model,
  value,
  error,
  onChange,
}: {
  model: ModelInfoDto | undefined;
  value: number;
  error: string | undefined;
  /** NaN for text that is no number (the form says so). */
  onChange: (seconds: number) => void;
}) {
  const { t } = useI18n();
  const id = useId();
  if (model?.duration?.values)
    return (
      <div className="field">
        <label htmlFor={id}>{t('setup.duration')}</label>
        <select
          id={id}
          value={String(value)}
          data-testid="duration"
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
          onChange={(e) => onChange(Number(e.target.value))}
        >
          {!model.duration.values.includes(value) && <option value={String(value)}>—</option>}
          {model.duration.values.map((v) => (
            <option key={v} value={String(v)}>
              {v} {t('setup.secondsUnit')}
            </option>
          ))}
        </select>
        {error && (
          <p className="field-error" id={`${id}-error`}>
            {error}
          </p>
        )}
      </div>
    );
  if (model !== undefined && !model.duration) return null;
  return (
    <NumberField
      label={t('setup.duration')}
      value={value}
      onChange={(v) => onChange(v ?? Number.NaN)}
      min={model?.duration?.min ?? 3}
      max={model?.duration?.max ?? 15}
      step={1}
      suffix={t('setup.secondsUnit')}
      error={error}
      testId="duration"
    />
  );
}
