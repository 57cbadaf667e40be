// A small parser for prompt and file-name templates, so the editor can point at a mistake
// while the user types, before asking main for a preview. Syntax: `{variable}` inserts a
// value, `{variable|text}` inserts text where the image has none; `{{` and `}}` are literal
// braces. Main's planner has the last word: its problems are shown next to these.

export type TemplatePart =
  { kind: 'text'; text: string; start: number } | { kind: 'var'; name: string; start: number; end: number };

export type TemplateProblem =
  | { kind: 'unclosed'; at: number }
  | { kind: 'unopened'; at: number }
  | { kind: 'empty'; at: number }
  | { kind: 'unknown'; at: number; name: string };

export interface ParsedTemplate {
  parts: TemplatePart[];
  problems: TemplateProblem[];
}

export function parseTemplate(source: string, variables?: readonly string[]): ParsedTemplate {
  const parts: TemplatePart[] = [];
  const problems: TemplateProblem[] = [];
  // Names compare case-insensitively, as in main's planner (main/core/intake/template.ts).
  const known = variables ? new Set(variables.map((v) => v.toLowerCase())) : null;
  let text = '';
  let textStart = 0;
  const flushText = () => {
    if (text) parts.push({ kind: 'text', text, start: textStart });
    text = '';
  };
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '{' && source[i + 1] === '{') {
      if (!text) textStart = i;
      text += '{';
      i += 2;
    } else if (ch === '}' && source[i + 1] === '}') {
      if (!text) textStart = i;
      text += '}';
      i += 2;
    } else if (ch === '{') {
      const close = source.indexOf('}', i + 1);
      const nextOpen = source.indexOf('{', i + 1);
      if (close === -1 || (nextOpen !== -1 && nextOpen < close)) {
        problems.push({ kind: 'unclosed', at: i });
        if (!text) textStart = i;
        text += ch;
        i += 1;
        continue;
      }
      flushText();
      // `{caption|default text}`: the name is before the "|", the rest is the fallback text.
      const name = source
        .slice(i + 1, close)
        .split('|')[0]!
        .trim();
      if (!name) problems.push({ kind: 'empty', at: i });
      else if (known && !known.has(name.toLowerCase())) problems.push({ kind: 'unknown', at: i, name });
      parts.push({ kind: 'var', name, start: i, end: close + 1 });
      i = close + 1;
    } else if (ch === '}') {
      problems.push({ kind: 'unopened', at: i });
      if (!text) textStart = i;
      text += ch;
      i += 1;
    } else {
      if (!text) textStart = i;
      text += ch;
      i += 1;
    }
  }
  flushText();
  return { parts, problems };
}

/** Inserts `{name}` at the caret (or replaces the selection); returns the new text and caret. */
export function insertVariable(
  source: string,
  name: string,
  selectionStart: number,
  selectionEnd: number,
): { text: string; caret: number } {
  const token = `{${name}}`;
  const text = source.slice(0, selectionStart) + token + source.slice(selectionEnd);
  return { text, caret: selectionStart + token.length };
}

/** Inserts `token` as it is at the caret (or over the selection); returns the new text and caret. */
export function insertText(
  source: string,
  token: string,
  selectionStart: number,
  selectionEnd: number,
): { text: string; caret: number } {
  const text = source.slice(0, selectionStart) + token + source.slice(selectionEnd);
  return { text, caret: selectionStart + token.length };
}

/** The element numbers a prompt refers to (`@Element2` -> 2), each once, in order; as main reads them. */
export function elementReferences(text: string): number[] {
  const found = new Set<number>();
  for (const match of text.matchAll(/@element(\d+)/gi)) found.add(Number(match[1]));
  return [...found].sort((a, b) => a - b);
}
