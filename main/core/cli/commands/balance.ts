// `stillmotion balance` prints the RunComfy account's balance, read from RunComfy (never a number
// it could not read with confidence), and where to top it up.
import { createBalanceService } from '../../app/account-balance';
import { timeWords } from '../catalog-for-cli';
import { EXIT, ExitError, type CliIo } from '../io';
import { credentialsOf } from '../open-core';

export async function balanceCommand(io: CliIo): Promise<void> {
  const credentials = await credentialsOf(io);
  const balance = await createBalanceService({
    credentials: { current: async () => ({ ...credentials, simulated: false }) },
    now: Date.now,
  }).read(true);
  switch (balance.state) {
    case 'noKey':
      throw new ExitError(
        EXIT.needsUser,
        `No API key: set RUNCOMFY_API_KEY to your RunComfy key${credentials.keyHint} to see its balance.`,
      );
    case 'unknown':
      throw new ExitError(
        EXIT.someFailed,
        `The RunComfy balance is not known: ${balance.why}. See it at ${balance.topUpUrl ?? 'runcomfy.com'}.`,
      );
    case 'known':
      io.out.write(
        `RunComfy balance: $${balance.usd.toFixed(2)} (read ${timeWords(balance.at)}). Top up at ${balance.topUpUrl}\n`,
      );
  }
}
