// The one back-off formula, for API calls, downloads, the database and webhooks: a base delay
// doubled per attempt up to a cap, of which a share is drawn at random. Full jitter (all of it
// random) spreads the retries of many items so they do not hit a recovering server in lock-step;
// equal jitter (half) keeps a floor, so a long outage is still retried about once per cap.

export interface Backoff {
  /** The delay of attempt 0, doubled per attempt. */
  baseMs: number;
  /** No delay is longer (Infinity: none). */
  capMs: number;
  /** The share of the delay drawn at random: 1 full jitter, 0.5 equal jitter, 0 none. */
  jitter: number;
}

/** The delay before retry `attempt` (0-based); `draw` is a random number in [0, 1). */
export function backoffDelay(attempt: number, policy: Backoff, draw = 0): number {
  // 2 ** 60 is far past any cap; a larger exponent would only risk Infinity.
  const exponent = Math.min(Math.max(0, attempt), 60);
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** exponent);
  return Math.round(ceiling * (1 - policy.jitter) + draw * ceiling * policy.jitter);
}
