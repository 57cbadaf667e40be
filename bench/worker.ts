// Runs one benchmark in a fresh process (so memory and CPU figures start clean) and prints
// its rows as one JSON line prefixed BENCH-ROWS. Started by run.ts with --expose-gc.
import { prepareImages, type Row } from './lib';

const benches: Record<string, () => Promise<Row[]>> = {
  slots: async () => (await import('./slots')).benchSlots(),
  intake: async () => (await import('./intake')).benchIntake(),
  overhead: async () => (await import('./overhead')).benchOverhead(),
  download: async () => (await import('./download')).benchDownload(),
  memory: async () => (await import('./memory')).benchMemory(),
  startup: async () => (await import('./startup')).benchStartup(),
  cold: async () => (await import('./cold')).benchCold(),
  renderer: async () => (await import('./renderer')).benchRenderer(),
  'review-grid': async () => (await import('./review-grid')).benchReviewGrid(),
  pickup: async () => (await import('./pickup')).benchPickup(),
  queue: async () => (await import('./queue')).benchQueue(),
  watch: async () => (await import('./watch')).benchWatch(),
  picker: async () => (await import('./picker')).benchPicker(),
};

async function main(): Promise<void> {
  const name = process.argv[2] ?? '';
  const bench = benches[name];
  if (!bench) throw new Error(`Unknown bench "${name}"; one of ${Object.keys(benches).join(', ')}.`);
  await prepareImages();
  const rows = await bench();
  process.stdout.write(`BENCH-ROWS ${JSON.stringify(rows)}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : String(error));
    process.exit(1);
  },
);
