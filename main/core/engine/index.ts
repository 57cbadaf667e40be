// The job engine's public entry: `createEngine(options)` gives an `Engine` (EngineApi plus
// lease, budget and test hooks). See coordinator.ts for how the phases fit together.
export { createEngine, DEFAULT_API_BASE_URL } from './engine';
export type { Engine, EngineOptions } from './engine';
export { fixedPollPolicy } from './poll-policy';
export type { PollPolicy } from './poll-policy';
export { defaultMaterializeRequest, readImageRefsAsDataUris } from './materialize';
export type { MaterializeRequest } from './materialize';
export { CRASH_POINTS } from './crash-points';
export { journalDirFor } from './request-journal';
