// One part of the batch form that folds to a one-line summary ("5 s · no audio · 1 take"), so
// the form fits a screen and Tab skips what is folded. A section holding an error stays open
// (the error must be seen and reached). What the user opened stays open for the next batch set
// up while the app runs (a new scan is a new form).
import { useId, useState, type ReactNode } from 'react';
import './FormSection.css';

/** The sections the user has opened (by `name`), kept while the app runs. */
const openedByUser = new Set<string>();

export function FormSection({
  name,
  title,
  summary,
  hasError,
  testId,
  children,
}: {
  /** Which section it is, whatever the language (what is remembered open). */
  name: string;
  title: string;
  /** What the folded section holds, in a line. */
  summary: ReactNode;
  hasError?: boolean;
  testId?: string;
  children: ReactNode;
}) {
  const id = useId();
  const [open, setOpen] = useState(() => openedByUser.has(name));
  const toggle = () => {
    if (open) openedByUser.delete(name);
    else openedByUser.add(name);
    setOpen(!open);
  };
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
          onClick={() => !hasError && toggle()}
        >
          {/* The section is named by its title alone; the toggle also reads its summary. */}
          <span className="form-section-title" id={`${id}-title`}>
            {title}
          </span>
          <span className="form-section-summary">{summary}</span>
        </button>
      </h3>
      <div id={`${id}-body`} className="form-section-body" hidden={!shown}>
        {children}
      </div>
    </section>
  );
}
