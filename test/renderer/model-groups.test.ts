// The model picker's order (renderer/src/lib/model-groups.ts), in Node: recently used on top,
// then families with a known price first, the known price first inside each, and a search that
// narrows by name, family, id or alias.
import { describe, expect, it } from 'vitest';
import type { ModelInfoDto } from '@common/contract';
import { matchesSearch, pickerGroups } from '../../renderer/src/lib/model-groups';

function model(
  id: string,
  displayName: string,
  usd: number | null,
  lastUsedAt: number | null = null,
): ModelInfoDto {
  return {
    id,
    displayName,
    aliases: [],
    status: 'known',
    origin: 'runcomfy',
    fetchedAt: 1,
    family: displayName.split(' ')[0]!,
    lastUsedAt,
    price: usd === null ? { per: 'unknown' } : { per: 'second', usd, withAudioUsd: null },
    priceSource: 'live',
    roles: { prompt: 'prompt', startImage: 'image' },
    duration: null,
    fields: [],
    shots: null,
    elements: null,
  };
}

const MODELS = [
  model('w/5', 'Wan 2.5', null),
  model('w/6', 'Wan 2.6', 0.06),
  model('k/s', 'Kling 3.0 Standard', 0.084, 200),
  model('k/p', 'Kling 3.0 Pro', 0.112),
  model('p/2', 'Pika 2.2', null, 100),
  model('v/3', 'Veo 3', null),
];

const shape = (groups: ReturnType<typeof pickerGroups>) =>
  groups.map((g) => [g.recent ? 'recent' : g.key, g.models.map((m) => m.id)]);

describe('the model picker’s groups', () => {
  it('puts the recently used on top, then families with a known price, the known price first', () => {
    expect(shape(pickerGroups(MODELS))).toEqual([
      ['recent', ['k/s', 'p/2']],
      ['Wan', ['w/6', 'w/5']],
      ['Kling', ['k/p']],
      ['Veo', ['v/3']],
    ]);
  });

  it('narrows every group by a search of name, family, id or alias', () => {
    expect(shape(pickerGroups(MODELS, 'kling pro'))).toEqual([['Kling', ['k/p']]]);
    expect(shape(pickerGroups(MODELS, 'WAN'))).toEqual([['Wan', ['w/6', 'w/5']]]);
    expect(pickerGroups(MODELS, 'nothing like it')).toEqual([]);
    expect(matchesSearch({ ...MODELS[0]!, aliases: ['wan'] }, ' wan ')).toBe(true);
    expect(matchesSearch(MODELS[0]!, 'w/5')).toBe(true);
  });
});
