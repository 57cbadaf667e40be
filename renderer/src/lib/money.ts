// Money as the window shows it: simulated money (a batch made in simulated mode, or the setup
// form while simulated mode is on) is never shown as real dollars: every amount of it carries the
// word "simulated", so a screenshot of a demo night cannot be mistaken for a bill.
import { createContext, useCallback, useContext } from 'react';
import { useI18n } from '../i18n';
import { formatUsd } from './format';

/** Whether the amounts of the screen around are simulated (the batch screen, the setup form). */
export const SimulatedMoney = createContext(false);

/** Formats an amount for this screen; `simulated` overrides the screen's (a History row's batch). */
export function useMoney(simulated?: boolean): (usd: number, precise?: boolean) => string {
  const { t, locale } = useI18n();
  const screen = useContext(SimulatedMoney);
  const fake = simulated ?? screen;
  return useCallback(
    (usd: number, precise = false) => {
      const amount = formatUsd(usd, locale, precise);
      return fake ? t('money.simulated', { amount }) : amount;
    },
    [fake, locale, t],
  );
}
