// The editor's helpers over the template grammar (common/template-grammar.ts, the one parser
// main's planner uses too): inserting a variable or a default, the @ElementN references, and
// which variables some images have no value for. Main's planner has the last word: its problems
// are shown next to the editor's.
import { parseTemplate } from '@common/template-grammar';

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
