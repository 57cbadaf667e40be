// The prompt template editor: a textarea, the variables this scan offers as chips that insert
// `{variable}` at the caret, and inline errors from the client-side parser (unknown variable,
// unclosed brace) next to the ones main's preview reports.
import { useRef, type RefObject } from 'react';
import { useI18n } from '../i18n';
import { insertVariable, parseTemplate, type TemplateProblem } from '../lib/template';
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
}: Props) {
  const { t } = useI18n();
  const own = useRef<HTMLTextAreaElement & HTMLInputElement>(null);
  const ref = inputRef ?? own;
  const problems = parseTemplate(value, variables).problems;
  const messages = [
    ...(error ? [error] : []),
    ...problems.map((p) => problemText(p, value, t)),
    ...(serverProblems ?? []),
  ];
  const unique = [...new Set(messages)];

  const insert = (name: string) => {
    const el = ref.current;
    const start = el?.selectionStart ?? value.length;
    const end = el?.selectionEnd ?? value.length;
    const next = insertVariable(value, name, start, end);
    onChange(next.text);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(next.caret, next.caret);
    });
  };

  const chips = variables.length > 0 && (
    <div className="chips" role="group" aria-label={t('template.insertVariable')}>
      {variables.map((name) => (
        <button
          key={name}
          type="button"
          className="chip"
          onClick={() => insert(name)}
          // Starts with what the chip shows, so voice control can say "click {name}".
          aria-label={t('template.insertNamed', { name: `{${name}}`, field: label })}
        >
          {`{${name}}`}
        </button>
      ))}
    </div>
  );

  return (
    <Field label={label} error={unique} extra={chips} className="template-editor">
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
