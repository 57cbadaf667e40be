// The one contract between main and the renderer. Pure: zod plus the domain's dependency-free
// state vocabulary (main/core/domain/states.ts), so main imports its values (to validate), the
// renderer its types, the test harness both. Its parts live in contract/ by area (vocabulary,
// batches, intake, models, settings, channels, errors); this module is the one entry to them,
// and `window.api` is derived from its channels (api.ts).
//
// Channels are named by kind: `command:` changes something, `query:` reads, `event:` is
// pushed from main. Every command and query has a request and a response schema; every
// event a payload schema. Handlers answer an envelope (see `Envelope`), because a rejected
// ipcRenderer.invoke keeps only the message of an error.
import type { z } from 'zod';
import type { batchSettingsSchema, batchViewSchema, itemViewSchema } from './contract/batches';
import type {
  inputProblemSchema,
  previewItemSchema,
  previewSchema,
  scanSummarySchema,
} from './contract/intake';
import type { modelInfoSchema } from './contract/models';
import type { appSettingsSchema } from './contract/settings';
import type { itemReviewSchema, itemStateSchema, reviewFilterSchema } from './contract/vocabulary';

export * from './contract/vocabulary';
export * from './contract/batches';
export * from './contract/intake';
export * from './contract/models';
export * from './contract/settings';
export * from './contract/channels';
export * from './contract/errors';

export type BatchSettingsDto = z.output<typeof batchSettingsSchema>;
export type ItemViewDto = z.output<typeof itemViewSchema>;
export type BatchViewDto = z.output<typeof batchViewSchema>;
export type ScanSummaryDto = z.output<typeof scanSummarySchema>;
export type PreviewDto = z.output<typeof previewSchema>;
export type PreviewItemDto = z.output<typeof previewItemSchema>;
export type ModelInfoDto = z.output<typeof modelInfoSchema>;
export type AppSettingsDto = z.output<typeof appSettingsSchema>;
export type ItemStateDto = z.output<typeof itemStateSchema>;
export type ItemReviewDto = z.output<typeof itemReviewSchema>;
export type ReviewFilterDto = z.output<typeof reviewFilterSchema>;
export type InputProblemDto = z.output<typeof inputProblemSchema>;
