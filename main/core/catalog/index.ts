// The catalog's public face: what the rest of the core may use of models as data.
export {
  IMAGE_REF_PREFIX,
  DEFAULT_SECONDS_PER_VIDEO_SECOND,
  createCatalog,
  toModelSpec,
  toModelInfo,
  roleField,
  fieldSchema,
  durationRule,
  durationWords,
  durationAllowed,
  roundUsd,
  estimateCostUsd,
  videoSeconds,
  estimateGenerationMs,
  estimateBatchMs,
} from './catalog';
export type {
  Catalog,
  CatalogProblem,
  DurationRule,
  ModelInfo,
  ModelSpec,
  ModelEntry,
  PriceRule,
  RoleName,
} from './catalog';
export { ROLE_NAMES, modelEntrySchema } from './entry';
export { SHIPPED_ENTRIES } from './shipped';
export {
  loadCatalog,
  parseEntryText,
  readUserEntries,
  describeCatalogProblem,
  USER_MODELS_FOLDER,
} from './load';
export { compileInputSchema, schemaProblem } from './input-validation';
export { pollingPriorMs, costCeilingUsd } from './engine-facts';
export type { CostCeiling } from './engine-facts';
export { buildUserEntry, entryFileName, AddModelError } from './add-model';
export type { AddModelInput, AddModelResult, CatalogAnswer } from './add-model';
export { fetchLivePrices, readCatalogEntry } from './live-prices';
export type { FetchLike, LivePriceResult } from './live-prices';
export { describeIssues, describeIssue } from './issue-words';
