// The RunComfy Model API simulator: a real HTTP server on loopback that behaves like the API
// described in /work/shared/runcomfy-api.md, with seeded faults, variants and a ledger that
// tests and benchmarks audit clients against. Used in-process (tests, bench, the app's demo
// mode) and from the command line (cli.ts, `npm run simulator`).
export { startSimulator, defaultGenerationMs } from './server';
export { DEMO_API_KEY } from './types';
export type {
  FaultRates,
  FaultTarget,
  Ledger,
  SimulatorHandle,
  SimulatorOptions,
  SimulatorVariants,
  SubmitRecord,
} from './types';
