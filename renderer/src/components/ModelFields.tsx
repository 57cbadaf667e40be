// Controls for a model's own request fields, generated from its entry's schema (RunComfy's own,
// its shipped entry or the user's, as the line under the legend says): an enum is a
// select, a number a number field with its range, a boolean a switch, text a text field. Each
// is labelled, its description is its help text (both in the reader's language where the field
// is known, i18n/model-fields-texts.ts), and its error is tied to it by aria-describedby. Values go to settings.modelInputs; a field left alone is not sent, so the
// model's own default applies.
import { useId } from 'react';
import type { BatchSettingsDto, ModelInfoDto } from '@common/contract';
import { useI18n, type I18n } from '../i18n';
import { fieldWords } from '../i18n/model-fields-texts';
import { formatDateTime } from '../lib/format';
import './ModelFields.css';

type Field = ModelInfoDto['fields'][number];
type Inputs = NonNullable<BatchSettingsDto['modelInputs']>;

/** Errors of the generated fields, by field name (the plan checks again, against the schema). */
export function validateModelInputs(
  model: ModelInfoDto | undefined,
  inputs: Inputs,
  t: I18n['t'],
  language: I18n['language'] = 'en',
): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const field of model?.fields ?? []) {
    const value = inputs[field.name];
    if (value === undefined || field.kind !== 'number') continue;
    const n = typeof value === 'number' ? value : Number.NaN;
    const inRange = (field.min === null || n >= field.min) && (field.max === null || n <= field.max);
    if (!Number.isFinite(n) || (field.integer && !Number.isInteger(n)) || !inRange)
      errors[field.name] = t('models.errNumber', {
        field: fieldWords(field, language).label,
        range:
          field.min !== null && field.max !== null
            ? t('models.rangeFromTo', { min: field.min, max: field.max })
            : t(field.integer ? 'models.wholeNumber' : 'models.aNumber'),
      });
  }
  return errors;
}

function FieldControl({
  field,
  value,
  error,
  onChange,
}: {
  field: Field;
  value: Inputs[string] | undefined;
  error: string | undefined;
  onChange: (value: Inputs[string] | undefined) => void;
}) {
  const { t, language } = useI18n();
  const id = useId();
  const words = fieldWords(field, language);
  const described = [words.hint ? `${id}-help` : null, error ? `${id}-error` : null]
    .filter(Boolean)
    .join(' ');
  const common = {
    id,
    'aria-describedby': described || undefined,
    'aria-invalid': error ? true : undefined,
    'data-testid': `model-field-${field.name}`,
  };
  const defaultText =
    field.default === null
      ? t('models.modelDefault')
      : t('models.defaultIs', { value: words.option(field.default) });
  let control;
  if (field.kind === 'switch') {
    control = (
      <input
        {...common}
        type="checkbox"
        role="switch"
        checked={typeof value === 'boolean' ? value : field.default === true}
        onChange={(e) => onChange(e.target.checked)}
      />
    );
  } else if (field.kind === 'select') {
    control = (
      <select
        {...common}
        value={value === undefined ? '' : String(value)}
        onChange={(e) => {
          const picked = field.options?.find((o) => String(o) === e.target.value);
          onChange(e.target.value === '' ? undefined : picked);
        }}
      >
        <option value="">{defaultText}</option>
        {field.options?.map((o) => (
          <option key={String(o)} value={String(o)}>
            {words.option(o)}
          </option>
        ))}
      </select>
    );
  } else if (field.kind === 'number') {
    control = (
      <input
        {...common}
        type="number"
        inputMode="decimal"
        min={field.min ?? undefined}
        max={field.max ?? undefined}
        step={field.integer ? 1 : 'any'}
        placeholder={defaultText}
        value={typeof value === 'number' ? value : ''}
        onChange={(e) => onChange(e.target.value === '' ? undefined : Number(e.target.value))}
      />
    );
  } else {
    control = (
      <input
        {...common}
        type="text"
        placeholder={defaultText}
        value={typeof value === 'string' ? value : ''}
        onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)}
      />
    );
  }
  return (
    <div className={field.kind === 'switch' ? 'field checkbox-field' : 'field'}>
      {field.kind === 'switch' && control}
      <label htmlFor={id}>
        {words.label}
        {field.required && <span aria-hidden="true"> *</span>}
      </label>
      {field.kind !== 'switch' && control}
      {words.hint && (
        <p className="field-hint" id={`${id}-help`}>
          {words.hint}
        </p>
      )}
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

export function ModelFields({
  model,
  inputs,
  errors,
  onChange,
}: {
  model: ModelInfoDto;
  inputs: Inputs;
  errors: Record<string, string>;
  onChange: (inputs: Inputs) => void;
}) {
  const { t, locale } = useI18n();
  if (model.fields.length === 0) return null;
  return (
    <fieldset className="model-fields" data-testid="model-fields">
      <legend>{t('models.fieldsOf', { model: model.displayName })}</legend>
      <p className="field-hint" data-testid="model-facts">
        {model.origin === 'runcomfy'
          ? t('models.factsRunComfy', { time: formatDateTime(model.fetchedAt ?? 0, locale) })
          : model.origin === 'user'
            ? t('models.factsUser')
            : t('models.factsShipped')}
      </p>
      <div className="field-grid">
        {model.fields.map((field) => (
          <FieldControl
            key={`${model.id}:${field.name}`}
            field={field}
            value={inputs[field.name]}
            error={errors[field.name]}
            onChange={(value) => {
              const next = { ...inputs };
              if (value === undefined) delete next[field.name];
              else next[field.name] = value;
              onChange(next);
            }}
          />
        ))}
      </div>
    </fieldset>
  );
}
