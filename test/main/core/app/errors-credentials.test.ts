import { describe, expect, it } from 'vitest';
import { checkApiBaseUrl } from '../../../../main/core/app/credentials';
import { AppError, errorCodeOf, errorMessageOf } from '../../../../main/core/app/errors';
import { redact } from '../../../../main/core/util/redact';
import { BatchHeldError, InvalidValueError, NotFoundError, StateError } from '../../../../main/core/domain';
import { createMemorySecretStore, describeKey } from '../../../../main/core/app/secret-store';

describe('error mapping', () => {
  it('maps app errors, coded errors and named errors to contract codes', () => {
    expect(errorCodeOf(new AppError('conflict', 'x'))).toBe('conflict');
    expect(errorCodeOf(Object.assign(new Error('x'), { code: 'not_found' }))).toBe('not_found');
    expect(errorCodeOf(Object.assign(new Error('x'), { name: 'IllegalTransitionError' }))).toBe('internal');
    expect(errorCodeOf(Object.assign(new Error('x'), { name: 'StateError' }))).toBe('conflict');
    expect(errorCodeOf(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe('not_found');
    expect(errorCodeOf('boom')).toBe('internal');
  });

  it('maps every kind of core error by its name too, as by its class (a second copy of the module)', () => {
    for (const Kind of [NotFoundError, StateError, BatchHeldError, InvalidValueError]) {
      const error = new Kind('x', { kind: 'batch_not_found', batchId: 1 });
      expect(errorCodeOf(error)).toBe(error.code);
      expect(errorCodeOf(Object.assign(new Error('x'), { name: error.name }))).toBe(error.code);
    }
  });

  it('redacts secrets from every message, however they appear', () => {
    const key = 'rk_live_SECRET_123456';
    expect(redact(`Bearer ${key} was refused; key=${key}`, [key])).toBe(
      'Bearer [redacted] was refused; key=[redacted]',
    );
    expect(errorMessageOf(new Error(`bad key ${key}`), [key])).toBe('bad key [redacted]');
    expect(errorMessageOf(new Error(''), [key])).toBe('An unexpected error happened.');
    expect(errorMessageOf('x'.repeat(5000), []).length).toBeLessThan(2100);
    // short strings are not treated as secrets (they would mask ordinary words)
    expect(redact('the cat', ['cat'])).toBe('the cat');
  });
});

describe('API base URL check', () => {
  it.each([
    ['https://model-api.runcomfy.net', 'https://model-api.runcomfy.net'],
    ['https://model-api.runcomfy.net/', 'https://model-api.runcomfy.net'],
    ['https://api.runcomfy.net/v2/', 'https://api.runcomfy.net/v2'],
    ['http://127.0.0.1:8787', 'http://127.0.0.1:8787'],
    ['http://localhost:8787/', 'http://localhost:8787'],
    ['http://[::1]:8787', 'http://[::1]:8787'],
  ])('accepts %s', (input, normalized) => {
    expect(checkApiBaseUrl(input)).toBe(normalized);
  });

  it.each([
    'http://model-api.runcomfy.net',
    'https://evil.example',
    'https://runcomfy.net.evil.example',
    'https://evilruncomfy.net',
    // Only the hosts RunComfy serves its API from: not any name under its domains.
    'https://api.runcomfy.com',
    'https://uploads.runcomfy.net',
    'https://runcomfy.net',
    'https://user:pass@model-api.runcomfy.net',
    'https://model-api.runcomfy.net/?to=evil',
    'http://10.0.0.5:8787',
    'http://127.0.0.1.evil.example',
    'ftp://127.0.0.1',
    'javascript:alert(1)',
    'not a url',
  ])('refuses %s with a reason and what is expected', (input) => {
    expect(() => checkApiBaseUrl(input)).toThrow(/Expected https:\/\/model-api\.runcomfy\.net/);
  });

  it('allows extra hosts only when configured', () => {
    expect(() => checkApiBaseUrl('https://gateway.example')).toThrow();
    expect(checkApiBaseUrl('https://gateway.example', ['gateway.example'])).toBe('https://gateway.example');
  });
});

describe('key description', () => {
  it('shows set/not set and at most the last four characters', () => {
    const store = createMemorySecretStore();
    expect(describeKey(store)).toEqual({ set: false, last4: null, storage: null });
    store.set('rk_live_0123456789', { allowPlainText: false });
    expect(describeKey(store)).toEqual({ set: true, last4: '6789', storage: 'Memory (test)' });
    store.set('short123', { allowPlainText: false });
    expect(describeKey(store).last4).toBeNull();
  });
});
