// The template language: main's planner reads it with the grammar the window's editor uses
// (common/template-grammar.ts), so the editor flags exactly what the planner refuses, where.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseTemplate as scanTemplate } from '@common/template-grammar';
import {
  BUILTIN_VARIABLES,
  parseTemplate,
  renderTemplate,
  TemplateError,
} from '../../../../main/core/intake/template';

const known = [...BUILTIN_VARIABLES, 'mood', 'camera move'];
const values: Record<string, string> = {
  name: 'photo',
  folder: 'beach',
  path: 'beach/photo.jpg',
  index: '3',
  count: '12',
  caption: 'a boat',
  mood: 'calm',
  'camera move': 'dolly in',
};
const render = (source: string) => renderTemplate(parseTemplate(source, known), (n) => values[n] ?? null);

function errorOf(fn: () => unknown): TemplateError {
  try {
    fn();
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error('expected a TemplateError');
}

describe('template language', () => {
  it('fills in variables, case-insensitively and with spaces allowed inside braces', () => {
    expect(render('A {MOOD} shot of {name} in {folder} ({index}/{count}): {caption}, {path}')).toBe(
      'A calm shot of photo in beach (3/12): a boat, beach/photo.jpg',
    );
    expect(render('{ camera move } then {Camera Move}')).toBe('dolly in then dolly in');
  });

  it('escapes braces by doubling them', () => {
    expect(render('{{name}} is {name}, }} and {{')).toBe('{name} is photo, } and {');
    expect(render('{{{name}}}')).toBe('{photo}');
  });

  it('names an unknown variable, where it is, suggests a close one and lists what exists', () => {
    const error = errorOf(() => parseTemplate('A {moood} shot', known, 'The prompt template'));
    expect(error.code).toBe('unknown_variable');
    expect(error.position).toBe(3);
    expect(error.message).toBe(
      'The prompt template uses {moood} at character 3, which is not a known variable (did you mean {mood}?); ' +
        'available: {name}, {folder}, {path}, {index}, {count}, {caption}, {take}, {mood}, {camera move}. ' +
        'Write "{{" and "}}" for literal braces',
    );
  });

  it('rejects an unclosed brace, a lone closing brace and an empty variable, saying what to write', () => {
    expect(errorOf(() => parseTemplate('Hello {name', known, 'The prompt template')).message).toBe(
      'The prompt template has a "{" at character 7 that is never closed; close it with "}" or write "{{" for a literal brace',
    );
    expect(errorOf(() => parseTemplate('a {b {name}', known)).code).toBe('unclosed_brace');
    expect(errorOf(() => parseTemplate('50} off', known, 'The prompt template')).message).toBe(
      'The prompt template has a "}" at character 3 with no "{" before it; write "}}" for a literal brace',
    );
    expect(errorOf(() => parseTemplate('x {} y', known)).code).toBe('empty_variable');
  });

  it("reports a variable with no value for one item as missing_value, with the caller's words", () => {
    const parsed = parseTemplate('{name}: {caption}', known);
    const error = errorOf(() =>
      renderTemplate(
        parsed,
        (n) => (n === 'caption' ? null : 'x'),
        (n) => `no ${n} here`,
      ),
    );
    expect(error).toMatchObject({ code: 'missing_value', variable: 'caption', message: 'no caption here' });
  });

  it('property: random templates either render or throw a TemplateError, never anything else', () => {
    const piece = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom('{', '}', '{{', '}}', '{name}', '{mood}', '{nope}', '{ }', '{caption}', '{{name}}'),
      fc.string({ unit: 'grapheme', maxLength: 4 }),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), fc.string({ maxLength: 20 }), (pieces, fileName) => {
        const source = pieces.join('');
        try {
          const parsed = parseTemplate(source, known);
          const out = renderTemplate(parsed, (n) => (n === 'name' ? fileName : (values[n] ?? null)));
          expect(typeof out).toBe('string');
          // Text outside variables survives: no variable -> output is the unescaped source.
          if (parsed.variables.size === 0)
            expect(out).toBe(source.replace(/\{\{/g, '{').replace(/\}\}/g, '}'));
        } catch (error) {
          expect(error).toBeInstanceOf(TemplateError);
          expect((error as TemplateError).message.length).toBeGreaterThan(20);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('{variable|default text}', () => {
  const without = (source: string, missing: string[]) =>
    renderTemplate(parseTemplate(source, known), (n) => (missing.includes(n) ? null : (values[n] ?? null)));

  it('uses the text after "|" where the value is missing or blank, the value where there is one', () => {
    expect(render('{caption|a quiet street}, golden light')).toBe('a boat, golden light');
    expect(without('{caption|a quiet street}, golden light', ['caption'])).toBe(
      'a quiet street, golden light',
    );
    expect(renderTemplate(parseTemplate('{Caption | x }', known), () => '   ')).toBe(' x ');
    expect(without('[{mood|}]', ['mood'])).toBe('[]');
  });

  it('still refuses an unknown name before the bar, and a missing value without a bar', () => {
    expect(errorOf(() => parseTemplate('{captoin|x}', known)).code).toBe('unknown_variable');
    expect(errorOf(() => without('{caption}', ['caption'])).code).toBe('missing_value');
  });
});

describe('one grammar for the planner and the editor', () => {
  it('refuses exactly where the editor points first, and reads the same variables otherwise', () => {
    const templates = fc.stringMatching(/^[{}|a-z MO]{0,16}$/);
    fc.assert(
      fc.property(templates, (source) => {
        const scanned = scanTemplate(source, known);
        let refusedAt: number | null = null;
        let names: string[] = [];
        try {
          names = [...parseTemplate(source, known).variables];
        } catch (error) {
          if (!(error instanceof TemplateError)) throw error;
          refusedAt = error.position;
        }
        const first = scanned.problems[0];
        expect(refusedAt).toBe(first ? first.at + 1 : null);
        if (!first) {
          const read = scanned.parts.flatMap((part) =>
            part.kind === 'var' ? [part.name.toLowerCase()] : [],
          );
          expect(names).toEqual([...new Set(read)]);
        }
      }),
      { numRuns: 500 },
    );
  });
});
