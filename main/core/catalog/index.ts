export {
  MODELS,
  IMAGE_REF_PREFIX,
  createCatalog,
  toModelInfo,
  roundUsd,
  estimateCostUsd,
  estimateGenerationMs,
  estimateBatchMs,
} from './models';
export type { Catalog, ModelInfo, ModelLimits, ModelSpec, UsdPerSecond } from './models';
export { fetchLivePrices } from './live-prices';
export type { FetchLike, LivePriceResult } from './live-prices';
export { describeIssues, describeIssue } from './issue-words';
