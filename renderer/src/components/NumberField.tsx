// A number input that lets the user type freely ("1.", "") and reports NaN for text that is
// not a number, so the form can show an inline error instead of silently snapping the value.
import { useState } from 'react';
import { Field } from './Field';
import './NumberField.css';

interface Props {
  label: string;
  value: number | null;
  onChange: (value: number | null) => void;
  min?: number;
  max?: number;
  step?: number;
  /** Empty means null (e.g. "no budget cap"). */
  allowEmpty?: boolean;
  placeholder?: string;
  error?: string | null;
  hint?: string;
  suffix?: string;
  testId?: string;
  /** Inside a Dialog: the control the dialog focuses when it opens (data-autofocus). */
  autoFocus?: boolean;
}

export function NumberField({
  label,
  value,
  onChange,
  min,
  max,
  step,
  allowEmpty,
  placeholder,
  error,
  hint,
  suffix,
  testId,
  autoFocus,
}: Props) {
  const shown = value === null || Number.isNaN(value) ? '' : String(value);
  const [text, setText] = useState(shown);
  const [lastValue, setLastValue] = useState(value);
  // Follow values set from outside (a preset applied) without fighting the user's typing.
  if (!Object.is(lastValue, value)) {
    setLastValue(value);
    if (!(Number.isNaN(value) || Number(text) === value)) setText(shown);
  }
  return (
    <Field label={label} hint={hint} error={error}>
      {(control) => (
        <div className="input-with-suffix">
          <input
            {...control}
            type="number"
            inputMode="decimal"
            value={text}
            min={min}
            max={max}
            step={step}
            placeholder={placeholder}
            data-testid={testId}
            data-autofocus={autoFocus ? '' : undefined}
            onChange={(e) => {
              const raw = e.target.value;
              setText(raw);
              if (raw.trim() === '') onChange(allowEmpty ? null : Number.NaN);
              else onChange(Number(raw));
            }}
          />
          {suffix && <span className="suffix">{suffix}</span>}
        </div>
      )}
    </Field>
  );
}
