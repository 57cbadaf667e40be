// The template language, small enough to learn at a glance:
//   {name}     file name without extension        {folder}  parent folder name
//   {path}     path relative to the dropped root  {index}   1-based position, {count} total
//   {caption}  text of photo.txt next to photo.jpg
//   {take}     which take of the image (1..N, see takes.ts)
//   {column}   any column of a prompts.csv in the dropped folder (names case-insensitive)
//   {caption|a quiet street}  the text after "|" when the image has no (or an empty) value
//   {{ and }}  a literal brace
// Anything else is a TemplateError that says where and what to write instead. Parsing and
// rendering are separate so a template is checked once per plan, not once per image.

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

/**
 * Parses `source`; every variable must be one of `known` (compared case-insensitively).
 * `label` names the template in messages ("The prompt template", "prompts.csv row 4, column prompt").
 */
export function parseTemplate(
  source: string,
  known: Iterable<string>,
  label = 'The template',
): ParsedTemplate {
  const knownSet = new Set([...known].map((v) => v.toLowerCase()));
  const parts: TemplatePart[] = [];
  const variables = new Set<string>();
  let text = '';
  let i = 0;
  while (i < source.length) {
    const char = source[i]!;
    if (char === '{' && source[i + 1] === '{') {
      text += '{';
      i += 2;
    } else if (char === '}' && source[i + 1] === '}') {
      text += '}';
      i += 2;
    } else if (char === '}') {
      throw new TemplateError(
        'unmatched_brace',
        `${label} has a "}" at character ${i + 1} with no "{" before it; write "}}" for a literal brace`,
        null,
        i + 1,
      );
    } else if (char === '{') {
      const close = source.indexOf('}', i + 1);
      const nextOpen = source.indexOf('{', i + 1);
      if (close < 0 || (nextOpen >= 0 && nextOpen < close))
        throw new TemplateError(
          'unclosed_brace',
          `${label} has a "{" at character ${i + 1} that is never closed; close it with "}" ` +
            'or write "{{" for a literal brace',
          null,
          i + 1,
        );
      const inside = source.slice(i + 1, close);
      const bar = inside.indexOf('|');
      const raw = bar >= 0 ? inside.slice(0, bar) : inside;
      const fallback = bar >= 0 ? inside.slice(bar + 1) : undefined;
      const name = raw.trim().toLowerCase();
      if (name === '')
        throw new TemplateError(
          'empty_variable',
          `${label} has an empty "{}" at character ${i + 1}; put a variable inside, e.g. {name}, ` +
            'or write "{{}}" for literal braces',
          null,
          i + 1,
        );
      if (!knownSet.has(name)) {
        const suggestion = [...knownSet]
          .map((candidate) => ({ candidate, distance: editDistance(name, candidate) }))
          .filter((c) => c.distance <= 2)
          .sort((a, b) => a.distance - b.distance)[0];
        throw new TemplateError(
          'unknown_variable',
          `${label} uses {${raw.trim()}} at character ${i + 1}, which is not a known variable` +
            (suggestion ? ` (did you mean {${suggestion.candidate}}?)` : '') +
            `; available: ${[...knownSet].map((v) => `{${v}}`).join(', ')}. ` +
            'Write "{{" and "}}" for literal braces',
          name,
          i + 1,
        );
      }
      if (text) parts.push({ kind: 'text', text });
      text = '';
      parts.push(
        fallback === undefined
          ? { kind: 'variable', name, position: i + 1 }
          : { kind: 'variable', name, position: i + 1, fallback },
      );
      variables.add(name);
      i = close + 1;
    } else {
      text += char;
      i += 1;
    }
  }
  if (text) parts.push({ kind: 'text', text });
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
