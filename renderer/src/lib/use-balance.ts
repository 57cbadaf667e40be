// The RunComfy balance for a view: asked when it shows, every 5 minutes while it stays, whenever
// a batch finishes or pauses (what was spent changed), and at once on "Check again" (fresh, past
// main's one-minute reuse). Main never answers a number it could not read with confidence.
import { useCallback, useEffect, useState } from 'react';
import type { BalanceDto } from '@common/contract';
import { api } from '../api';

const EVERY_MS = 5 * 60_000;

export function useBalance(): { balance: BalanceDto | null; check: () => void } {
  const [balance, setBalance] = useState<BalanceDto | null>(null);
  const ask = useCallback((fresh: boolean) => {
    api()
      .account.balance({ fresh })
      .then(setBalance)
      .catch(() => {});
  }, []);
  useEffect(() => {
    ask(false);
    const timer = setInterval(() => ask(false), EVERY_MS);
    const offFinished = api().onBatchFinished(() => ask(true));
    const offChanged = api().onBatchChanged((e) => {
      if (e.state === 'paused') ask(true);
    });
    return () => {
      clearInterval(timer);
      offFinished();
      offChanged();
    };
  }, [ask]);
  return { balance, check: () => ask(true) };
}
