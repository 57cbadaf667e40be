import { describe, expect, it } from 'vitest';
import { AddModelError, buildUserEntry, entryFileName } from '../../../../main/core/catalog';

const schema = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: 'object', properties, ...extra });

describe('adding a model from its id and what is known of it', () => {
  it('takes the start image field from a pasted schema, and name and price from the catalog answer', () => {
    const result = buildUserEntry(
      {
        id: 'acme/motion-2/image-to-video',
        schemaText: schema(
          {
            prompt: { type: 'string' },
            img_url: { type: 'string' },
            duration: { type: 'integer', enum: [5, 10] },
          },
          { required: ['prompt', 'img_url'] },
        ),
      },
      { displayName: 'Acme Motion 2', basePriceUsd: 0.05, priceUnit: 'second' },
    );
    expect(result).toMatchObject({
      status: 'entry',
      entry: {
        id: 'acme/motion-2/image-to-video',
        displayName: 'Acme Motion 2',
        status: 'partly-known',
        roles: { prompt: 'prompt', startImage: 'img_url', duration: 'duration' },
        price: { per: 'second', usd: 0.05 },
      },
    });
  });

  it('asks for the start image field when it cannot tell, offering the likely ones', () => {
    expect(buildUserEntry({ id: 'acme/x/image-to-video' })).toMatchObject({
      status: 'needsStartImageField',
      candidates: expect.arrayContaining(['image_url', 'img_url', 'image']),
    });
    expect(
      buildUserEntry({
        id: 'acme/x/image-to-video',
        schemaText: schema({ text: { type: 'string' }, picture: { type: 'string', title: 'Input image' } }),
      }),
    ).toEqual({ status: 'needsStartImageField', candidates: ['picture'] });
    const told = buildUserEntry({ id: 'acme/x/image-to-video', startImageField: 'picture' });
    expect(told).toMatchObject({
      status: 'entry',
      entry: { roles: { startImage: 'picture' }, price: { per: 'unknown' } },
    });
  });

  it("refuses a schema that does not parse with the parser's message, and one that is not JSON Schema", () => {
    expect(() =>
      buildUserEntry({ id: 'acme/x/i2v', schemaText: '{"type": "object", "properties": {' }),
    ).toThrow(AddModelError);
    expect(() =>
      buildUserEntry({ id: 'acme/x/i2v', schemaText: '{"type": "object", "properties": {' }),
    ).toThrow(
      /^The input schema is not valid JSON: .*(Expected|Unexpected|Unterminated).*Paste the whole schema/,
    );
    expect(() =>
      buildUserEntry({ id: 'acme/x/i2v', schemaText: schema({ image: { type: 'picture' } }) }),
    ).toThrow(
      /^The input schema is not usable: .*properties\/image\/type must be equal to one of the allowed values/,
    );
  });

  it('names the file after the id, safely', () => {
    expect(entryFileName('minimax/Hailuo Video 01 Live')).toBe('minimax_Hailuo_Video_01_Live.json');
    expect(entryFileName('../../etc/passwd')).toBe('etc_passwd.json');
  });
});
