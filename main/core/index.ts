// The core's entry: the one place that wires the Electron-free core together. The engine
// (with the intake's materializeRequest, which inlines and, where needed, shrinks images at
// submit time), the intake (with the engine's "already generated" lookup) and the model
// catalog. The CLI, the Electron app, the browser harness, the benchmarks and the soak all start
// from here, so they run the very same wiring.
import { createCatalog, type Catalog } from './catalog/catalog';
import type { IntakeApi } from './core-api';
import { createEngine, defaultMaterializeRequest, type Engine, type EngineOptions } from './engine';
import { createIntake } from './intake';

export interface CoreServices {
  engine: Engine;
  intake: IntakeApi;
  catalog: Catalog;
}

/** What the core is made with: the engine's options, and the full catalog the intake plans with. */
export type CoreOptions = Omit<EngineOptions, 'catalog'> & { catalog?: Catalog };

export function createCoreServices(options: CoreOptions): CoreServices {
  const catalog = options.catalog ?? createCatalog();
  const engine = createEngine({
    ...options,
    catalog,
    // The intake's materializeRequest: it inlines and, where needed, shrinks images, and
    // refuses any image that changed since the scan instead of sending a different picture
    // (the engine passes each item's hash, fingerprint and model).
    materializeRequest: options.materializeRequest ?? defaultMaterializeRequest,
  });
  const intake = createIntake({
    catalog,
    findDone: (hash, fingerprint) => engine.findDone(hash, fingerprint),
  });
  return { engine, intake, catalog };
}
