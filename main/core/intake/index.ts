// The intake service: scan dropped paths, plan a batch. Electron-free; the shell, the CLI and
// the tests build it with `createIntake` and talk to it through IntakeApi.
import type { IntakeApi } from '../core-api';
import { createCatalog } from '../catalog/catalog';
import type { Catalog } from '../catalog/catalog';
import { planBatch } from './plan';
import type { FindDone } from './plan';
import { scanPaths } from './scan';
import { withElementImages } from './element-images';
import type { ScanOptions } from './scan';

export interface IntakeOptions {
  /** The engine's EngineApi.findDone: a done (or still unfinished) item with this image and request. */
  findDone: FindDone;
  /** Prices and schemas; share one with the live-price refresh so estimates use live prices. */
  catalog?: Catalog;
  scan?: ScanOptions;
}

export function createIntake(options: IntakeOptions): IntakeApi {
  const catalog = options.catalog ?? createCatalog();
  return {
    // prompts.csv `elements` cells name images outside the start images: checked with the scan.
    scan: async (paths, onProgress, signal, scanOptions = {}) =>
      withElementImages(
        await scanPaths(paths, onProgress, signal, { ...options.scan, ...scanOptions }),
        undefined,
        { signal },
      ),
    checkElementImages: (scan, elements, checkOptions = {}) =>
      withElementImages(scan, elements, checkOptions),
    plan: (scan, settings, planOptions = {}) =>
      planBatch(scan, settings, planOptions, { catalog, findDone: options.findDone }),
  };
}

export { previewItem } from './plan';
export type { FindDone } from './plan';
export { materializeRequest } from './requests';
