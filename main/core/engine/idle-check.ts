// The check that no held batch sits idle with work it could start: admission says a running
// batch could start queued items (or should pause) now, or its submit back-off has ended with no
// pump scheduled, while nothing will start them. Tests call it at quiet moments (between engine
// events): every settle pumps synchronously, so a path that scheduled nothing shows up here.
import { admit } from './admission';
import type { EngineContext } from './context';

export function assertNoIdleBatch(ctx: EngineContext): void {
  const idle: string[] = [];
  for (const runtime of ctx.held.values()) {
    const decision = admit(ctx, runtime);
    if (decision.kind === 'start')
      idle.push(
        `batch ${runtime.id}: ${decision.items.length} queued item(s) could start` +
          (decision.pause ? ` or it should pause (${decision.pause.reason})` : ''),
      );
    else if (decision.kind === 'wait' && !runtime.pumpScheduled)
      idle.push(`batch ${runtime.id}: its submit back-off ends with no pump scheduled`);
  }
  if (idle.length) throw new Error(`Idle with work it could start: ${idle.join('; ')}.`);
}
