// The template language, small enough to learn at a glance:
//   {name}     file name without extension        {folder}  parent folder name
//   {path}     path relative to the dropped root  {index}   1-based position, {count} total
//   {caption}  text of photo.txt next to photo.jpg
//   {take}     which take of the image (1..N, see takes.ts)
//   {column}   any column of a prompts.csv in the dropped folder (names case-insensitive)
//   {caption|a quiet street}  the text after "|" when the image has no (or an empty) value
//   {{ and }}  a literal brace
// Anything else is a TemplateError that says where and what to write instead. The grammar is
// common/template-grammar.ts, which the window's editor reads templates with too; this module
// words its problems and fills templates in. Parsing and rendering are separate so a template
// is checked once per plan, not once per image.
import { parseTemplate as scanTemplate, type TemplateProblem } from '@common/template-grammar';

export const BUILTIN_VARIABLES = ['name', 'folder', 'path', 'index', 'count', 'caption', 'take'] as const;

export type TemplateErrorCode =
  'unclosed_brace' | 'unmatched_brace' | 'empty_variable' | 'unknown_variable' | 'missing_value';

export class TemplateError extends Error {
  override readonly name = 'TemplateError';
  constructor(
    readonly code: TemplateErrorCode,
    message: string,
    /** The variable concerned, lower-case, when there is one. */
    readonly variable: string | null = null,
    /** 1-based character position in the template, when there is one. */
    readonly position: number | null = null,
  ) {
    super(message);
  }
}

export type TemplatePart =
  | { kind: 'text'; text: string }
  | {
      kind: 'variable';
      name: string;
      position: number;
      /** Text written after "|": used when the value is missing or blank, instead of refusing. */
      fallback?: string;
    };

export interface ParsedTemplate {
  source: string;
  parts: TemplatePart[];
  /** Lower-case names of the variables used. */
  variables: Set<string>;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** The first problem the grammar found, worded: which character, what is wrong, what to write. */
function templateError(problem: TemplateProblem, label: string, known: ReadonlySet<string>): TemplateError {
  const at = problem.at + 1;
  switch (problem.kind) {
    case 'unopened':
      return new TemplateError(
        'unmatched_brace',
        `${label} has a "}" at character ${at} with no "{" before it; write "}}" for a literal brace`,
        null,
        at,
      );
    case 'unclosed':
      return new TemplateError(
        'unclosed_brace',
        `${label} has a "{" at character ${at} that is never closed; close it with "}" ` +
          'or write "{{" for a literal brace',
        null,
        at,
      );
    case 'empty':
      return new TemplateError(
        'empty_variable',
        `${label} has an empty "{}" at character ${at}; put a variable inside, e.g. {name}, ` +
          'or write "{{}}" for literal braces',
        null,
        at,
      );
    case 'unknown': {
      const name = problem.name.toLowerCase();
      const suggestion = [...known]
        .map((candidate) => ({ candidate, distance: editDistance(name, candidate) }))
        .filter((c) => c.distance <= 2)
        .sort((a, b) => a.distance - b.distance)[0];
      return new TemplateError(
        'unknown_variable',
        `${label} uses {${problem.name}} at character ${at}, which is not a known variable` +
          (suggestion ? ` (did you mean {${suggestion.candidate}}?)` : '') +
          `; available: ${[...known].map((v) => `{${v}}`).join(', ')}. ` +
          'Write "{{" and "}}" for literal braces',
        name,
        at,
      );
    }
  }
}

/**
 * Parses `source` with the shared grammar; every variable must be one of `known` (compared
 * case-insensitively), and the first problem is thrown as a TemplateError. `label` names the
 * template in messages ("The prompt template", "prompts.csv row 4, column prompt").
 */
export function parseTemplate(
  source: string,
  known: Iterable<string>,
  label = 'The template',
): ParsedTemplate {
  const knownSet = new Set([...known].map((v) => v.toLowerCase()));
  const scanned = scanTemplate(source, knownSet);
  const problem = scanned.problems[0];
  if (problem) throw templateError(problem, label, knownSet);
  const parts: TemplatePart[] = [];
  const variables = new Set<string>();
  for (const part of scanned.parts) {
    if (part.kind === 'text') {
      parts.push({ kind: 'text', text: part.text });
      continue;
    }
    const name = part.name.toLowerCase();
    const variable = { kind: 'variable' as const, name, position: part.start + 1 };
    parts.push(part.fallback === undefined ? variable : { ...variable, fallback: part.fallback });
    variables.add(name);
  }
  return { source, parts, variables };
}

/**
 * Fills in a parsed template. `lookup` answers a value, or `null` when this item has none
 * (no caption file, no prompts.csv row); `missing` then explains the gap for that variable.
 */
export function renderTemplate(
  template: ParsedTemplate,
  lookup: (name: string) => string | null,
  missing: (name: string) => string = (name) => `{${name}} has no value for this image`,
): string {
  let out = '';
  for (const part of template.parts) {
    if (part.kind === 'text') out += part.text;
    else {
      const value = lookup(part.name);
      if (part.fallback !== undefined && (value === null || value.trim() === '')) out += part.fallback;
      else if (value === null)
        throw new TemplateError('missing_value', missing(part.name), part.name, part.position);
      else out += value;
    }
  }
  return out;
}
