// The one contract between main and the renderer. Pure: zod plus the dependency-free state
// lists beside it in common/, so main imports its values (to validate), the renderer its types,
// the test harness both. Its parts live in contract/ by area (vocabulary,
// batches, intake, models, settings, account, channels, errors); this module is the one entry to them,
// and `window.api` is derived from its channels (api.ts). Each part carries the Dto types of
// its shapes (what the renderer imports).
//
// Channels are named by kind: `command:` changes something, `query:` reads, `event:` is
// pushed from main. Every command and query has a request and a response schema; every
// event a payload schema. Handlers answer an envelope (see `Envelope`), because a rejected
// ipcRenderer.invoke keeps only the message of an error.
export * from './contract/vocabulary';
export * from './contract/batches';
export * from './contract/intake';
export * from './contract/models';
export * from './contract/settings';
export * from './contract/account';
export * from './contract/channels';
export * from './contract/queue';
export * from './contract/errors';
