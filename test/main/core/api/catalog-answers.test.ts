// The catalog's and the account's answers are undocumented: each reader takes the shapes
// RunComfy's integrations read and the usual wrappers, and says null rather than guess money.
import { describe, expect, it } from 'vitest';
import {
  accountBaseUrl,
  readBalance,
  readCategories,
  readModelEntry,
  readModelList,
} from '../../../../main/core/api/catalog-answers';

describe('catalog and account answers', () => {
  it('reads the balance only when it is sure of it', () => {
    expect(readBalance({ balance_usd: 4.83, balance_microdollars: 4_830_000, currency: 'USD' })).toEqual({
      usd: 4.83,
    });
    expect(readBalance({ data: { balance_usd: '12.50', currency: 'usd' } })).toEqual({ usd: 12.5 });
    expect(readBalance({ balance_microdollars: 1_234_567 })).toEqual({ usd: 1.234567 });
    expect(readBalance({ balance_usd: -1.2 })).toEqual({ usd: -1.2 });
    expect(readBalance({ balance_usd: 0, balance_microdollars: 0, currency: 'USD' })).toEqual({ usd: 0 });
    // Not a balance we can show: another currency, two figures that disagree, no figure, a boolean.
    expect(readBalance({ balance_usd: 5, currency: 'EUR' })).toBeNull();
    expect(readBalance({ balance_usd: 5, balance_microdollars: 3_000_000 })).toBeNull();
    expect(readBalance({ currency: 'USD' })).toBeNull();
    expect(readBalance({ balance_usd: true, balance_microdollars: 1 })).toEqual({ usd: 0.000001 });
    expect(readBalance({ balance_usd: true })).toBeNull();
    expect(readBalance([])).toBeNull();
    expect(readBalance(null)).toBeNull();
  });

  it('reads a page of models in the shapes seen, and nothing else', () => {
    const entry = { model_id: 'a/b', display_name: 'B' };
    expect(readModelList({ models: [entry, 'junk'], total: 7, limit: 1, offset: 0 })).toEqual({
      models: [entry],
      total: 7,
    });
    expect(readModelList([entry])).toEqual({ models: [entry], total: null });
    expect(readModelList({ data: { items: [entry], count: '3' } })).toEqual({ models: [entry], total: 3 });
    expect(readModelList({ data: [entry] })).toEqual({ models: [entry], total: null });
    expect(readModelList({ models: 'none' })).toBeNull();
    expect(readModelList('<html>')).toBeNull();
  });

  it('reads one model and the categories', () => {
    expect(readModelEntry({ data: { model: { model_id: 'a/b' } } })).toEqual({ model_id: 'a/b' });
    expect(readModelEntry({ id: 'a/b' })).toEqual({ id: 'a/b' });
    expect(readModelEntry({ display_name: 'no id' })).toBeNull();
    expect(readCategories({ categories: ['image-to-video', { slug: 'text-to-image' }, 3] })).toEqual([
      'image-to-video',
      'text-to-image',
    ]);
    expect(readCategories({ nothing: true })).toBeNull();
  });

  it('asks RunComfy’s core API host for the balance, and any other server itself', () => {
    expect(accountBaseUrl('https://model-api.runcomfy.net/')).toBe('https://api.runcomfy.net');
    expect(accountBaseUrl('http://127.0.0.1:8787')).toBe('http://127.0.0.1:8787');
    expect(accountBaseUrl('https://proxy.runcomfy.net/base/')).toBe('https://proxy.runcomfy.net/base');
  });
});
