// A link refused in a row is called expired only after the refusals have lasted the grace on a
// steady clock: a machine whose wall clock is set forward (a sync, a wake from sleep) between
// two 404s of a CDN edge still catching up must not lose a paid video to the jump.
import { describe, expect, it } from 'vitest';
import { DownloadRetries } from '../../../../main/core/engine/download-retries';
import { engineLimits } from '../../../../main/core/engine/options';

const limits = engineLimits({ dbPath: ':memory:', owner: 't' } as Parameters<typeof engineLimits>[0]);

describe('refusals of a paid video link', () => {
  it('are timed on the steady clock: a wall-clock step between two 404s does not expire the video', () => {
    let steady = 0;
    const retries = new DownloadRetries(limits, () => steady);
    const wall = Date.UTC(2026, 11, 7, 2, 0);
    const jobEnded = wall - 60_000;
    // Three 404s two seconds apart (a CDN edge not caught up yet) with the wall clock set
    // forward 15 minutes between the first and the second.
    const first = retries.decide(1, 'refused', wall, wall - jobEnded, null, 0.5);
    steady += 2_000;
    const second = retries.decide(1, 'refused', wall + 15 * 60_000 + 2_000, 15 * 60_000 + 62_000, null, 0.5);
    steady += 2_000;
    const third = retries.decide(1, 'refused', wall + 15 * 60_000 + 4_000, 15 * 60_000 + 64_000, null, 0.5);
    expect([first.kind, second.kind, third.kind]).toEqual(['again', 'again', 'again']);
  });

  it('still expire a link that keeps refusing for the grace, steadily', () => {
    let steady = 0;
    const retries = new DownloadRetries(limits, () => steady);
    const wall = Date.UTC(2026, 11, 7, 2, 0);
    const decisions = [];
    for (let i = 0; i < 4; i++) {
      decisions.push(retries.decide(2, 'refused', wall + steady, 60_000 + steady, null, 0.5).kind);
      steady += limits.linkRefusalGraceMs / 3 + 1;
    }
    expect(decisions).toEqual(['again', 'again', 'again', 'expired']);
  });
});
