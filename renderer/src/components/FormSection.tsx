// One part of the batch form that folds to a one-line summary ("5 s · no audio · 1 take"), so
// the form fits a screen and Tab skips what is folded. A section holding an error stays open
// (the error must be seen and reached), and `open` from outside opens it (a "fix it" link).
import { useId, useState, type ReactNode } from 'react';
import './FormSection.css';

export function FormSection({
  title,
  summary,
  hasError,
  defaultOpen,
  testId,
  children,
}: {
  title: string;
  /** What the folded section holds, in a line. */
  summary: ReactNode;
  hasError?: boolean;
  defaultOpen?: boolean;
  testId?: string;
  children: ReactNode;
}) {
  const id = useId();
  const [open, setOpen] = useState(defaultOpen ?? false);
  const shown = open || !!hasError;
  return (
    <section
      className={shown ? 'form-section open' : 'form-section'}
      aria-labelledby={`${id}-title`}
      data-testid={testId}
      data-open={shown ? '' : undefined}
    >
      <h3 className="form-section-heading">
        <button
          type="button"
          className="form-section-toggle"
          aria-expanded={shown}
          aria-controls={`${id}-body`}
          // An open section with an error cannot be folded: its error would hide.
          aria-disabled={hasError ? true : undefined}
          onClick={() => !hasError && setOpen(!open)}
          id={`${id}-title`}
        >
          <span className="form-section-title">{title}</span>
          <span className="form-section-summary">{summary}</span>
        </button>
      </h3>
      <div id={`${id}-body`} className="form-section-body" hidden={!shown}>
        {children}
      </div>
    </section>
  );
}
