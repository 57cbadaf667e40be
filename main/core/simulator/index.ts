// The RunComfy Model API simulator: a real HTTP server on loopback that behaves like RunComfy's
// documented API (models and their fields: docs/models.md), with seeded faults, variants and a ledger that
// tests and benchmarks audit clients against. Used in-process (tests, bench, the app's demo
// mode) and from the command line (cli.ts, `npm run simulator`).
//
// Behaviour worth knowing when testing a client against it (choices where the docs are silent):
//  - A job waits `in_queue` at least 3 s (x timeScale) even on an idle account, then runs when
//    one of the account's `concurrencyCap` slots is free (FIFO). `queue_position` counts the
//    jobs ahead of it (0 = next) and falls as they start.
//  - Billing happens when a job starts running (price per second x duration, audio or not);
//    a failed generation started, so it is billed too. A submit is refused with 402/400002
//    when the key's credit minus charges minus queued jobs' prices cannot cover it.
//  - requestTtlMs / outputTtlMs count from the moment the job ended; unfinished jobs never expire.
//  - 5xx on submit: half are answered before any work, half after the job was created (a gateway
//    timeout). 429 never creates a job. The ledger's `created` says which.
//  - errorsAsHttp200 also covers 422 validation bodies (they carry error_code 422001 + detail);
//    429, 5xx and 413 keep their real status.
//  - ledger.downloads[].httpStatus is 0 and polls/submits httpStatus null when no answer was sent.
//  - Environment faults (environment.ts) look like the world, not like RunComfy: a CDN-lag or
//    expired-link 404 is the same bare text/plain 404; only the ledger's `fault` tells them apart.
//  - The catalog (`/v1/models`, `/v1/models/categories`) and the balance (`/prod/v2/balance`)
//    take no seeded faults, so reading them never shifts a seeded run; one model's entry takes
//    `model` faults. `POST /_simulator/credit` tops up a key (not a RunComfy endpoint).
//  - State is computed from the injected clock at every request and every read of
//    `handle.ledger`; a background loop also moves jobs at their due times when nobody polls.
export { startSimulator } from './server';
export { auditLedger } from './ledger-audit';
export type { LedgerAudit } from './ledger-audit';
export { DEMO_API_KEY } from './types';
export { SIMULATED_MODELS } from './simulated-models';
export type { SimulatorHandle, SimulatorOptions } from './types';
