// The catalog's public face: what the rest of the core may use of models as data.
export {
  createCatalog,
  toModelSpec,
  toModelInfo,
  durationRule,
  estimateCostUsd,
  estimateGenerationMs,
  estimateBatchMs,
} from './catalog';
export { SHIPPED_ENTRIES } from './shipped';
export { loadCatalog, parseEntryText, describeCatalogProblem } from './load';
export { pollingPriorMs, costCeilingUsd } from './engine-facts';
export { buildUserEntry, entryFileName, AddModelError } from './add-model';
