// The fit mode of a batch: what is done with images outside the model's shape or size limits
// (crop, pad with a blurred fill, or refuse), each option explained in words. Main plans and
// makes the fitted frames (intake/fit.ts); the preview shows them beside the originals.
import type { BatchSettingsDto, ModelInfoDto } from '@common/contract';
import { useI18n } from '../i18n';
import './FitModeField.css';

type FitMode = NonNullable<BatchSettingsDto['fit']>;

const MODES: readonly FitMode[] = ['crop', 'pad', 'refuse'];

export function FitModeField({
  value,
  model,
  onChange,
}: {
  value: BatchSettingsDto['fit'];
  model: ModelInfoDto | undefined;
  /** Crop is the default and is sent as no setting, so batches made before fit modes plan alike. */
  onChange: (fit: BatchSettingsDto['fit']) => void;
}) {
  const { t } = useI18n();
  const current = value ?? 'crop';
  const name = model?.displayName ?? '';
  return (
    <fieldset className="option-cards fit-mode" data-testid="fit-mode">
      <legend>{t('fit.title')}</legend>
      {MODES.map((mode) => (
        <label
          key={mode}
          className={current === mode ? 'option-card fit-option selected' : 'option-card fit-option'}
        >
          <input
            type="radio"
            name="fit-mode"
            value={mode}
            checked={current === mode}
            aria-describedby={`fit-hint-${mode}`}
            data-testid={`fit-${mode}`}
            onChange={() => onChange(mode === 'crop' ? undefined : mode)}
          />
          <span className="option-name">{t(`fit.${mode}`)}</span>
          {/* The option's description (aria-describedby), not part of its name: hidden from the label. */}
          <span className="option-hint" id={`fit-hint-${mode}`} aria-hidden="true">
            {t(`fit.${mode}Hint`, { model: name })}
          </span>
        </label>
      ))}
    </fieldset>
  );
}
