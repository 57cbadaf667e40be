// The template grammar, the one reading of a prompt or file-name template that main's planner
// and the window's editor share: `{variable}` inserts a value, `{variable|text}` inserts the
// text where the image has none, `{{` and `}}` are literal braces. Names compare
// case-insensitively. Tolerant: it reads on past a problem and reports each one with where it
// is, so the editor can point at every mistake while the user types; the planner refuses the
// first (main/core/intake/template.ts words it).

export type TemplatePart =
  | { kind: 'text'; text: string; start: number }
  /**
   * `name` as written (trimmed); `start` and `end` the 0-based span of `{…}`; `fallback`: the text
   * after "|", written where an image has no value (absent: none given).
   */
  | { kind: 'var'; name: string; start: number; end: number; fallback?: string };

/** What is wrong, at a 0-based position: `unopened` is a "}" with no "{" before it. */
export type TemplateProblem =
  | { kind: 'unclosed'; at: number }
  | { kind: 'unopened'; at: number }
  | { kind: 'empty'; at: number }
  | { kind: 'unknown'; at: number; name: string };

export interface ScannedTemplate {
  parts: TemplatePart[];
  /** In the order they appear in the template. */
  problems: TemplateProblem[];
}

/** Reads `source`; with `variables`, a name none of them matches is an `unknown` problem. */
export function parseTemplate(source: string, variables?: Iterable<string>): ScannedTemplate {
  const parts: TemplatePart[] = [];
  const problems: TemplateProblem[] = [];
  const known = variables ? new Set([...variables].map((v) => v.toLowerCase())) : null;
  let text = '';
  let textStart = 0;
  const addText = (chars: string, at: number) => {
    if (!text) textStart = at;
    text += chars;
  };
  const flushText = () => {
    if (text) parts.push({ kind: 'text', text, start: textStart });
    text = '';
  };
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if ((ch === '{' || ch === '}') && source[i + 1] === ch) {
      addText(ch, i);
      i += 2;
    } else if (ch === '{') {
      const close = source.indexOf('}', i + 1);
      const nextOpen = source.indexOf('{', i + 1);
      if (close === -1 || (nextOpen !== -1 && nextOpen < close)) {
        problems.push({ kind: 'unclosed', at: i });
        addText(ch, i);
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
    } else {
      if (ch === '}') problems.push({ kind: 'unopened', at: i });
      addText(ch, i);
      i += 1;
    }
  }
  flushText();
  return { parts, problems };
}
