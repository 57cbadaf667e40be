// The prompt template editor: a textarea, the variables this scan offers as chips that insert
// `{variable}` at the caret, inline errors from the client-side parser (unknown variable,
// unclosed brace) next to the ones main's preview reports, and, as the template is typed, how
// many images have each variable some lack ("{caption}: 2 of 26 images") with a one-click default.
//
// The chips are one composite widget (a toolbar): one Tab stop, the arrow keys move between them.
import { useLayoutEffect, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { useI18n } from '../i18n';
import { formatCount } from '../lib/format';
import { parseTemplate, type TemplateProblem } from '@common/template-grammar';
import { coverageGaps, insertVariable, withDefault } from '../lib/template';
import { Field } from './Field';

interface Props {
  label: string;
  value: string;
  onChange: (value: string) => void;
  variables: readonly string[];
  serverProblems?: readonly string[];
  /** A problem with the whole template that the parser does not see (it is empty). */
  error?: string;
  multiline?: boolean;
  testId?: string;
  /** The control itself, for a chip elsewhere that inserts at its caret (@ElementN). */
  inputRef?: RefObject<(HTMLTextAreaElement & HTMLInputElement) | null>;
  /** How many of the scan's `images` have each variable some may lack (the scan summary's). */
  coverage?: { counts: Readonly<Record<string, number>>; images: number };
}

export function TemplateEditor({
  label,
  value,
  onChange,
  variables,
  serverProblems,
  error,
  multiline,
  testId,
  inputRef,
  coverage,
}: Props) {
  const { t, locale } = useI18n();
  const own = useRef<HTMLTextAreaElement & HTMLInputElement>(null);
  const ref = inputRef ?? own;
  const chipsRef = useRef<HTMLDivElement>(null);
  const [activeChip, setActiveChip] = useState(0);
  const problems = parseTemplate(value, variables).problems;
  const messages = [
    ...(error ? [error] : []),
    ...problems.map((p) => problemText(p, value, t)),
    ...(serverProblems ?? []),
  ];
  const unique = [...new Set(messages)];
  const gaps = coverage ? coverageGaps(value, coverage.counts, coverage.images) : [];

  // The caret a write asked for, placed as soon as the new text is committed: in a layout effect,
  // before the browser handles the next key, so a quick typist's first letters land after it (a
  // frame later they went to the button that was clicked).
  const pendingCaret = useRef<number | null>(null);
  useLayoutEffect(() => {
    const caret = pendingCaret.current;
    if (caret === null) return;
    pendingCaret.current = null;
    ref.current?.focus();
    ref.current?.setSelectionRange(caret, caret);
  }, [value, ref]);

  /** Puts `next` in the control and the caret at `caret`, then focuses it. */
  const write = (next: { text: string; caret: number }) => {
    if (next.text === value) {
      ref.current?.focus();
      ref.current?.setSelectionRange(next.caret, next.caret);
      return;
    }
    pendingCaret.current = next.caret;
    onChange(next.text);
  };

  const insert = (name: string) => {
    const el = ref.current;
    write(insertVariable(value, name, el?.selectionStart ?? value.length, el?.selectionEnd ?? value.length));
  };

  const moveChip = (event: KeyboardEvent<HTMLDivElement>) => {
    const last = variables.length - 1;
    const next =
      event.key === 'ArrowRight' || event.key === 'ArrowDown'
        ? Math.min(last, activeChip + 1)
        : event.key === 'ArrowLeft' || event.key === 'ArrowUp'
          ? Math.max(0, activeChip - 1)
          : event.key === 'Home'
            ? 0
            : event.key === 'End'
              ? last
              : null;
    if (next === null) return;
    event.preventDefault();
    setActiveChip(next);
    chipsRef.current?.querySelectorAll<HTMLButtonElement>('button')[next]?.focus();
  };

  const chips = variables.length > 0 && (
    <div
      ref={chipsRef}
      className="chips"
      role="toolbar"
      aria-label={t('template.insertVariable')}
      onKeyDown={moveChip}
    >
      {variables.map((name, i) => (
        <button
          key={name}
          type="button"
          className="chip"
          tabIndex={i === Math.min(activeChip, variables.length - 1) ? 0 : -1}
          onFocus={() => setActiveChip(i)}
          onClick={() => insert(name)}
          // Starts with what the chip shows, so voice control can say "click {name}".
          aria-label={t('template.insertNamed', { name: `{${name}}`, field: label })}
        >
          {`{${name}}`}
        </button>
      ))}
    </div>
  );

  const coverageLines = gaps.length > 0 && coverage && (
    <ul className="coverage-list" data-testid={testId ? `${testId}-coverage` : undefined}>
      {gaps.map((gap) => {
        const vars = {
          name: `{${gap.name}}`,
          have: formatCount(gap.have, locale),
          images: formatCount(coverage.images, locale),
          others: formatCount(coverage.images - gap.have, locale),
        };
        return (
          <li
            key={gap.name}
            className={gap.defaulted ? 'coverage muted small' : 'coverage coverage-gap small'}
          >
            {t(gap.defaulted ? 'coverage.defaulted' : 'coverage.gap', vars)}{' '}
            {!gap.defaulted && (
              <button
                type="button"
                className="button button-small"
                onClick={() => write(withDefault(value, gap))}
                aria-label={t('coverage.addDefaultNamed', vars)}
              >
                {t('coverage.addDefault')}
              </button>
            )}
          </li>
        );
      })}
    </ul>
  );

  return (
    <Field
      label={label}
      error={unique}
      extra={
        <>
          {coverageLines}
          {chips}
        </>
      }
      className="template-editor"
    >
      {(control) => {
        const common = { ...control, value, 'data-testid': testId, spellCheck: multiline } as const;
        return multiline ? (
          <textarea ref={ref} rows={3} {...common} onChange={(e) => onChange(e.target.value)} />
        ) : (
          <input ref={ref} type="text" {...common} onChange={(e) => onChange(e.target.value)} />
        );
      }}
    </Field>
  );
}

function problemText(problem: TemplateProblem, source: string, t: ReturnType<typeof useI18n>['t']): string {
  const column = problem.at + 1;
  switch (problem.kind) {
    case 'unclosed':
      return t('template.unclosed', { column });
    case 'unopened':
      return t('template.unopened', { column });
    case 'empty':
      return t('template.empty', { column });
    case 'unknown':
      return t('template.unknown', {
        name: problem.name,
        column,
        near: source.slice(problem.at, problem.at + 30),
      });
  }
}
