// A small parser for prompt and file-name templates, so the editor can point at a mistake
// while the user types, before asking main for a preview. Syntax: `{variable}` inserts a
// value, `{variable|text}` inserts text where the image has none; `{{` and `}}` are literal
// braces. Main's planner has the last word: its problems are shown next to these.

export type TemplatePart =
  | { kind: 'text'; text: string; start: number }
  /** `fallback`: the text after "|", written where an image has no value (absent: none given). */
  | { kind: 'var'; name: string; start: number; end: number; fallback?: string };

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
      const inside = source.slice(i + 1, close);
      const bar = inside.indexOf('|');
      const name = (bar >= 0 ? inside.slice(0, bar) : inside).trim();
      if (!name) problems.push({ kind: 'empty', at: i });
      else if (known && !known.has(name.toLowerCase())) problems.push({ kind: 'unknown', at: i, name });
      parts.push(
        bar >= 0
          ? { kind: 'var', name, start: i, end: close + 1, fallback: inside.slice(bar + 1) }
          : { kind: 'var', name, start: i, end: close + 1 },
      );
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

/** A variable of the template that some images have no value for. */
export interface CoverageGap {
  name: string;
  /** Images with a value. */
  have: number;
  /** Every use gives a default ("{caption|…}"): the others get it. Else they are not sent. */
  defaulted: boolean;
  /** Where its first use without a default is (to give that one a default), else its first use. */
  start: number;
  end: number;
}

/**
 * The variables of `source` that fewer than `images` images have a value for, per the scan's
 * coverage ({caption}, prompts.csv columns), each once, in order of use. Used without a default,
 * those images would not be sent: the editor says so as the template is typed.
 */
export function coverageGaps(
  source: string,
  coverage: Readonly<Record<string, number>>,
  images: number,
): CoverageGap[] {
  const gaps = new Map<string, CoverageGap>();
  for (const part of parseTemplate(source).parts) {
    if (part.kind !== 'var') continue;
    const name = part.name.toLowerCase();
    const have = coverage[name];
    if (have === undefined || have >= images) continue;
    const defaulted = part.fallback !== undefined;
    const seen = gaps.get(name);
    if (seen && (defaulted || !seen.defaulted)) continue;
    gaps.set(name, { name, have, defaulted, start: part.start, end: part.end });
  }
  return [...gaps.values()];
}

/** `{name}` at `gap` rewritten as `{name|}`, with the caret after the "|" to type the default. */
export function withDefault(source: string, gap: CoverageGap): { text: string; caret: number } {
  const token = source.slice(gap.start, gap.end - 1);
  const text = `${source.slice(0, gap.start)}${token}|}${source.slice(gap.end)}`;
  return { text, caret: gap.start + token.length + 1 };
}
