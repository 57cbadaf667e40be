// The one back-off formula: doubled per attempt up to its cap, with the share of jitter each
// caller asks for (the API's full jitter, the downloads' equal jitter, none for the database and
// the webhooks).
import { describe, expect, it } from 'vitest';
import { API_BACKOFF } from '../../../../main/core/api/retry';
import { backoffDelay } from '../../../../main/core/util/backoff';
import { seededRandom } from '../../../../main/core/util/clock';

describe('backoffDelay', () => {
  it('doubles from its base up to its cap, without jitter', () => {
    const policy = { baseMs: 250, capMs: 5000, jitter: 0 };
    expect([0, 1, 2, 3, 4, 5, 6, 40].map((attempt) => backoffDelay(attempt, policy))).toEqual([
      250, 500, 1000, 2000, 4000, 5000, 5000, 5000,
    ]);
    expect(backoffDelay(-3, policy)).toBe(250);
    expect(backoffDelay(2000, { baseMs: 100, capMs: Infinity, jitter: 0 })).toBeGreaterThan(1e18);
  });

  it('draws the whole delay at random with full jitter, and half of it with equal jitter', () => {
    const random = seededRandom(1);
    for (let attempt = 0; attempt < 30; attempt++) {
      const ceiling = Math.min(API_BACKOFF.capMs, API_BACKOFF.baseMs * 2 ** attempt);
      const full = backoffDelay(attempt, API_BACKOFF, random());
      expect(full).toBeGreaterThanOrEqual(0);
      expect(full).toBeLessThanOrEqual(ceiling);
      const equal = backoffDelay(attempt, { ...API_BACKOFF, jitter: 0.5 }, random());
      expect(equal).toBeGreaterThanOrEqual(Math.round(ceiling / 2));
      expect(equal).toBeLessThanOrEqual(ceiling);
    }
    expect(backoffDelay(3, API_BACKOFF, 0)).toBe(0);
    expect(backoffDelay(3, API_BACKOFF, 0.5)).toBe(8000);
  });
});
