// The renderer's own template parser agrees with main's on `{variable|default text}`, and its
// @ElementN reading with main's.
import { describe, expect, it } from 'vitest';
import { elementReferences, insertText, parseTemplate } from '../../renderer/src/lib/template';

describe('renderer template parser: defaults', () => {
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
