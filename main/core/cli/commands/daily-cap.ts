// `stillmotion daily-cap [usd|off]` shows or sets the account-wide spending cap per local day,
// kept in the job database so the app and the CLI share it.
import type { CliIo, Common } from '../io';
import { withEngine } from '../open-core';

export async function dailyCapCommand(usdArg: string | undefined, opts: Common, io: CliIo): Promise<void> {
  const { describeDailySpend, parseDailyCap } = await import('../daily-cap');
  await withEngine(opts, io, (engine) => {
    if (usdArg !== undefined) engine.commands.setDailyCap(parseDailyCap(usdArg, 'daily-cap'));
    io.out.write(`${describeDailySpend(engine.dailySpend())}\n`);
  });
}
