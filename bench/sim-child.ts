// The RunComfy simulator in a child process for the benchmarks (lib.ts startSimulatorChild):
// its CPU and memory stay out of the engine's figures. Speaks over the fork IPC channel:
// sends {url} once listening; answers {type:'ledger'} with an audit and per-job download lags;
// exits on {type:'close'}.
import { auditLedger, startSimulator, type SimulatorOptions } from '../main/core/simulator';
import { scaledClock } from '../main/core/util/clock';

interface Config {
  options: SimulatorOptions & { generationMsConstant?: number };
  clock: { factor: number; epoch: number };
}

async function main(): Promise<void> {
  const { options, clock } = JSON.parse(process.argv[2]!) as Config;
  const { generationMsConstant, ...rest } = options;
  const sim = await startSimulator({
    ...rest,
    clock: scaledClock(clock.factor, clock.epoch, clock.epoch),
    ...(generationMsConstant !== undefined ? { generationMs: () => generationMsConstant } : {}),
  });
  process.on('message', (message: { type: string }) => {
    if (message.type === 'ledger') {
      const ledger = sim.ledger;
      const firstDownload = new Map<string, number>();
      for (const d of ledger.downloads)
        if (!firstDownload.has(d.requestId)) firstDownload.set(d.requestId, d.at);
      const downloadLagMs: number[] = [];
      let firstOutputUrl: string | null = null;
      for (const job of ledger.jobs.values()) {
        if (job.status !== 'succeeded' || job.finishedAt === null) continue;
        firstOutputUrl ??= `${sim.url}/outputs/${job.requestId}.mp4`;
        const at = firstDownload.get(job.requestId);
        if (at !== undefined) downloadLagMs.push(at - job.finishedAt);
      }
      process.send!({ audit: auditLedger(ledger), downloadLagMs, firstOutputUrl });
    } else if (message.type === 'close') {
      void sim.close().then(() => process.exit(0));
    }
  });
  // The bench process died or finished without closing us: do not linger.
  process.on('disconnect', () => process.exit(0));
  process.send!({ url: sim.url });
}

void main().catch((error: unknown) => {
  console.error(`simulator child: ${error instanceof Error ? error.stack : String(error)}`);
  process.exit(1);
});
