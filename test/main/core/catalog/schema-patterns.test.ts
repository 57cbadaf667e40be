// A `pattern` in a model entry's schema (entries come from users) runs in linear time: a
// backtracking pattern such as ^(a+)+$ against a 40-character prompt used to hold the main
// process for hours (8.9 s at 31 characters, doubling with each). Patterns that cannot run in
// linear time, or are too long, make the entry refused in words.
import { describe, expect, it } from 'vitest';
import { compileInputSchema, schemaProblem } from '../../../../main/core/catalog/input-validation';

const schemaWith = (pattern: string) => ({
  type: 'object',
  properties: { prompt: { type: 'string', pattern, description: 'Letters a, then nothing else' } },
});

describe('schema patterns', () => {
  it('check a prompt against an exponential-time pattern at once, with the usual words', () => {
    const validate = compileInputSchema(schemaWith('^(a+)+$'));
    expect(validate({ prompt: `${'a'.repeat(40)}!` })).toEqual([
      `prompt must be letters a, then nothing else, got "${'a'.repeat(40)}!"`,
    ]);
    expect(validate({ prompt: 'a'.repeat(40) })).toEqual([]);
    // Unanchored, as JSON Schema says: the pattern may match anywhere in the text.
    expect(compileInputSchema(schemaWith('b+'))({ prompt: 'abba' })).toEqual([]);
  });

  it('keep the shipped entries’ patterns working', () => {
    const validate = compileInputSchema(
      schemaWith('^(https://[^\\s/]+|data:image/(jpeg|png|bmp|webp);base64,)'),
    );
    expect(validate({ prompt: 'https://cdn.example/x.jpg' })).toEqual([]);
    expect(validate({ prompt: 'data:image/png;base64,AAAA' })).toEqual([]);
    expect(validate({ prompt: 'ftp://x' })).toHaveLength(1);
  });

  it('refuse an entry whose pattern cannot run in linear time, or is too long', () => {
    expect(schemaProblem(schemaWith('^(?=a)a$'))).toMatch(
      /^the pattern "\^\(\?=a\)a\$" cannot be checked in linear time \(.*\); write it without lookahead, lookbehind or backreferences$/,
    );
    expect(schemaProblem(schemaWith('(a)\\1'))).toMatch(/cannot be checked in linear time/);
    expect(schemaProblem(schemaWith('a'.repeat(1001)))).toBe(
      'a pattern of 1001 characters is longer than the 1000 checked; shorten it',
    );
    expect(schemaProblem(schemaWith('^[a-z]+$'))).toBeNull();
  });
});
