// Child process for the crash-recovery test: runs one batch with the engine until it is idle
// (or until STILLMOTION_CRASH_AT kills it), then prints a one-line JSON summary.
// env: SM_DB, SM_API, SM_BATCH, SM_EPOCH (real ms shared by every run, so all runs see one
// continuous fast timeline), SM_SPEED; optional SM_DAY_START (the daily cap's day start, clock ms).
import { createEngine, readImageRefsAsDataUris } from '../../../../main/core/engine';
import { DEMO_API_KEY } from '../../../../main/core/simulator/types';
import { systemClock, type Clock } from '../../../../main/core/util/clock';

const env = (name: string) => {
  const value = process.env[name];
  if (!value) throw new Error(`crash-runner needs ${name}`);
  return value;
};
const epoch = Number(env('SM_EPOCH'));
const speed = Number(env('SM_SPEED'));
const clock: Clock = {
  now: () => epoch + (Date.now() - epoch) * speed,
  sleep: (ms, signal) => systemClock.sleep(ms / speed, signal),
};
const batchId = Number(env('SM_BATCH'));

const engine = createEngine({
  dbPath: env('SM_DB'),
  owner: 'crash-runner',
  clock,
  ...(process.env.SM_DAY_START ? { dayStart: () => Number(process.env.SM_DAY_START) } : {}),
  apiBaseUrl: env('SM_API'),
  apiKey: DEMO_API_KEY,
  leaseMs: 600_000,
  materializeRequest: readImageRefsAsDataUris,
  requestTimeoutMs: 3000,
  submitTimeoutMs: 3000,
});
// The package is CommonJS (no top-level await).
void (async () => {
  engine.commands.startBatch(batchId);
  await engine.idle(120_000);
  const batch = engine.getBatch(batchId);
  await engine.close();
  process.stdout.write(JSON.stringify({ state: batch?.state, counts: batch?.counts }) + '\n');
})();
