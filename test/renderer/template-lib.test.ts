// The editor's template helpers: the @ElementN reading agrees with main's; what a template's
// variables cover, and a default in one step. The grammar itself (parseTemplate) is common/'s,
// tested with main's wording of it in test/main/core/intake/template.test.ts.
import { describe, expect, it } from 'vitest';
import { parseTemplate } from '@common/template-grammar';
import { coverageGaps, elementReferences, insertText, withDefault } from '../../renderer/src/lib/template';

describe('the template grammar, as the editor reads it: defaults', () => {
  it('reads the name before "|" and checks only that', () => {
    expect(parseTemplate('{caption|a quiet street}', ['caption']).problems).toEqual([]);
    expect(parseTemplate('{captoin|a quiet street}', ['caption']).problems).toEqual([
      { kind: 'unknown', at: 0, name: 'captoin' },
    ]);
    expect(parseTemplate('{|x}', ['caption']).problems).toEqual([{ kind: 'empty', at: 0 }]);
  });
});

describe('renderer template helpers: @ElementN', () => {
  it('reads the element numbers a prompt names as main does, each once, in order', async () => {
    const main = await import('../../main/core/intake/elements');
    for (const text of ['@Element3 and @element1, again @Element3', 'no elements', '@Element12x @ELEMENT2'])
      expect(elementReferences(text)).toEqual(main.elementReferences(text));
    expect(elementReferences('@Element3 and @element1, again @Element3')).toEqual([1, 3]);
  });

  it('inserts a token at the caret or over the selection, and puts the caret after it', () => {
    expect(insertText('A  walks', '@Element1', 2, 2)).toEqual({ text: 'A @Element1 walks', caret: 11 });
    expect(insertText('A cat walks', '@Element2', 2, 5)).toEqual({ text: 'A @Element2 walks', caret: 11 });
  });
});

describe('renderer template helpers: coverage', () => {
  const coverage = { caption: 2, mood: 26 };
  it('names each variable fewer images have, once, whether every use gives a default', () => {
    expect(coverageGaps('{caption}, {mood}, {name}, again {caption}', coverage, 26)).toEqual([
      { name: 'caption', have: 2, defaulted: false, start: 0, end: 9 },
    ]);
    expect(coverageGaps('{caption|calm} then {Caption}', coverage, 26)).toEqual([
      { name: 'caption', have: 2, defaulted: false, start: 20, end: 29 },
    ]);
    expect(coverageGaps('{caption|calm}', coverage, 26)).toEqual([
      { name: 'caption', have: 2, defaulted: true, start: 0, end: 14 },
    ]);
    expect(coverageGaps('{caption}', { caption: 26 }, 26)).toEqual([]);
  });

  it('gives a use a default to type, the caret after "|"', () => {
    const [gap] = coverageGaps('Dusk, {caption}.', coverage, 26);
    expect(withDefault('Dusk, {caption}.', gap!)).toEqual({ text: 'Dusk, {caption|}.', caret: 15 });
  });
});
