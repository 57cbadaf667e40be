// The contract's account: the RunComfy balance as main read it (or why it could not), and where
// the user tops it up.
import { z } from 'zod';

const common = {
  /** The demo simulator's balance, not the user's RunComfy account. */
  simulated: z.boolean(),
  /** The user's RunComfy account page (https), or null in simulated mode. */
  topUpUrl: z.string().nullable(),
};

export const balanceSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('known'), usd: z.number(), at: z.number(), ...common }),
  /** RunComfy could not be asked, or answered in a shape not read with confidence: no number. */
  z.object({ state: z.literal('unknown'), why: z.string(), at: z.number(), ...common }),
  z.object({ state: z.literal('noKey'), ...common }),
]);

export type BalanceDto = z.output<typeof balanceSchema>;
