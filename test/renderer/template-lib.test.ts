// The renderer's own template parser agrees with main's on `{variable|default text}`.
import { describe, expect, it } from 'vitest';
import { parseTemplate } from '../../renderer/src/lib/template';

describe('renderer template parser: defaults', () => {
  it('reads the name before "|" and checks only that', () => {
    expect(parseTemplate('{caption|a quiet street}', ['caption']).problems).toEqual([]);
    expect(parseTemplate('{captoin|a quiet street}', ['caption']).problems).toEqual([
      { kind: 'unknown', at: 0, name: 'captoin' },
    ]);
    expect(parseTemplate('{|x}', ['caption']).problems).toEqual([{ kind: 'empty', at: 0 }]);
  });
});
