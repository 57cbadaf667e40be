// One form field as assistive tech needs it: a label bound to the control, and the hint and
// the error tied to it with aria-describedby (the error first, so it is heard first), with
// aria-invalid while there is an error. The error slot is a polite live region that is always
// there, so an error that appears while typing is read once, without interrupting.
//
//   <Field label={t('setup.duration')} hint={…} error={errors.duration}>
//     {(control) => <input type="number" {...control} value={…} onChange={…} />}
//   </Field>
//
// Use it for every field, including generated ones: the control gets id, aria-describedby and
// aria-invalid from `control`, and must spread them.
import { useId, type ReactNode } from 'react';

export interface FieldControlProps {
  id: string;
  'aria-describedby': string | undefined;
  'aria-invalid': true | undefined;
}

interface Props {
  label: ReactNode;
  /** One message or several (a template can have a few problems at once). */
  error?: string | readonly string[] | null;
  hint?: ReactNode;
  /** A checkbox or radio: the control comes first and the label after it, on one line. */
  inline?: boolean;
  /** The label is read, not shown (a search box with a placeholder that says the same). */
  hiddenLabel?: boolean;
  /** Shown between the control and the messages (the template's variable chips). */
  extra?: ReactNode;
  className?: string;
  children: (control: FieldControlProps) => ReactNode;
}

export function errorsOf(error: Props['error']): readonly string[] {
  if (!error) return [];
  return typeof error === 'string' ? [error] : [...new Set(error)];
}

export function Field({ label, error, hint, inline, hiddenLabel, extra, className, children }: Props) {
  const id = useId();
  const errors = errorsOf(error);
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy = [errors.length ? errorId : null, hint ? hintId : null].filter(Boolean).join(' ');
  const control = children({
    id,
    'aria-describedby': describedBy || undefined,
    'aria-invalid': errors.length ? true : undefined,
  });
  const labelElement = (
    <label htmlFor={id} className={hiddenLabel ? 'visually-hidden' : undefined}>
      {label}
    </label>
  );
  const classes = ['field', inline ? 'checkbox-field' : null, className].filter(Boolean).join(' ');
  return (
    <div className={classes}>
      {inline ? (
        <div className="checkbox-row">
          {control}
          {labelElement}
        </div>
      ) : (
        <>
          {labelElement}
          {control}
        </>
      )}
      {extra}
      {hint && (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      )}
      <div id={errorId} className="field-errors" aria-live="polite">
        {errors.length === 1 && <p className="field-error">{errors[0]}</p>}
        {errors.length > 1 && (
          <ul className="field-error-list">
            {errors.map((message) => (
              <li key={message} className="field-error">
                {message}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

/** A checkbox field: the box, then its label on the same line, and an optional hint. */
export function CheckboxField({
  label,
  hint,
  checked,
  onChange,
  testId,
}: {
  label: ReactNode;
  hint?: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
  testId?: string;
}) {
  return (
    <Field label={label} hint={hint} inline>
      {(control) => (
        <input
          {...control}
          type="checkbox"
          data-testid={testId}
          checked={checked}
          onChange={(e) => onChange(e.target.checked)}
        />
      )}
    </Field>
  );
}

/** A one-line text field (mono for paths and endings), with what stands beside it on its row (a button). */
export function TextField({
  label,
  hint,
  error,
  value,
  onChange,
  placeholder,
  mono,
  testId,
  beside,
}: {
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  value: string;
  onChange: (text: string) => void;
  placeholder?: string;
  mono?: boolean;
  testId?: string;
  beside?: ReactNode;
}) {
  return (
    <Field label={label} hint={hint} error={error}>
      {(control) => {
        const input = (
          <input
            {...control}
            type="text"
            className={mono ? 'mono' : undefined}
            data-testid={testId}
            value={value}
            placeholder={placeholder}
            onChange={(e) => onChange(e.target.value)}
          />
        );
        return beside ? (
          <div className="input-row">
            {input}
            {beside}
          </div>
        ) : (
          input
        );
      }}
    </Field>
  );
}
