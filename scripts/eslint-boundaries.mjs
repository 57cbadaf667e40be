// The architecture as ESLint rules (part of `npm run lint`), one config object per place:
//  - main/ outside main/electron/ is the Electron-free core: it must run under plain Node
//    (tests, CLI, benchmarks), so it never imports `electron` nor anything in main/electron/.
//  - renderer/ is web content: nothing from main/, no Node or Electron module; it reaches main
//    through the contract in common/ (and window.api, which preload/ builds).
//  - common/ (what every process speaks, imported as @common/...) is read by all of them, the
//    renderer too: nothing from main/, preload/ or renderer/, no Node or Electron module.
//  - preload/ is the bridge: electron, common/ and its own files, never main/ or renderer/.
//  - main/core is layered; a module imports only from lower layers (or its own folder):
//    util < domain < api, db, core-api.ts < catalog < intake < engine < app, index.ts (the
//    core's entry) < cli. The simulator stands beside them and uses util and domain only.
// Static imports and re-exports are checked by no-restricted-imports, `import()` by
// no-restricted-syntax; relative paths are matched per folder depth, so each pattern names
// exactly the folder it forbids.
import { builtinModules } from 'node:module';

/** Rank of each part of main/core; a module may import only strictly lower ranks. */
export const CORE_LAYERS = {
  util: 0,
  version: 0,
  domain: 1,
  'core-api': 2,
  api: 2,
  db: 2,
  catalog: 3,
  intake: 4,
  engine: 5,
  app: 6,
  index: 6,
  cli: 7,
};
/** Parts that may only use these others (besides themselves); any part may start a simulator. */
const CORE_ONLY = { simulator: ['util', 'domain'] };
/** Parts that are one file in main/core rather than a folder. */
const FILE_PARTS = new Set(['version', 'core-api', 'index']);
/** Folders below a part's folder that hold sources (main/core/<part>/a/b/x.ts is depth 3). */
const MAX_DEPTH = 3;

const up = (levels) => (levels === 0 ? '\\./' : '\\.\\./'.repeat(levels));
const escape = (name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * A specifier `levels` folders up, then into `path` (a folder or a module, with or without .ts).
 * A JSON file is data (a model's catalog entry, say): it imports nothing, so any layer may read it.
 */
function relativeInto(levels, path) {
  return `^(?!.*\\.json$)${up(levels)}${escape(path)}(\\.ts)?(/|$)`;
}

/** The forbidden specifiers of a place, as patterns with the reason. */
function restrictions(forbidden) {
  const patterns = forbidden.map(({ regex, why }) => ({ regex, message: why }));
  // esquery regex literals cannot hold "/" unescaped; the specifiers' slashes are escaped.
  const dynamic = forbidden.map(({ regex, why }) => ({
    selector: `ImportExpression[source.value=/${regex.replace(/\//g, '\\/')}/]`,
    message: why,
  }));
  return {
    'no-restricted-imports': ['error', { patterns }],
    'no-restricted-syntax': ['error', ...dynamic],
  };
}

const ELECTRON = {
  regex: '^electron(/|$)',
  why: 'the core of main/ must stay Electron-free; move this into main/electron/',
};
const nodeOrElectron = (who) => [
  { regex: '^electron(/|$)', why: `${who}: no Node or Electron modules` },
  { regex: '^node:', why: `${who}: no Node or Electron modules` },
  ...builtinModules.map((name) => ({
    regex: `^${escape(name)}$`,
    why: `${who}: no Node or Electron modules`,
  })),
];

/** What a core file `levels` folders below main/core may not import, being in `part`. */
function coreForbidden(part, levels) {
  const only = CORE_ONLY[part];
  const forbidden = [
    ELECTRON,
    { regex: relativeInto(levels + 1, 'electron'), why: 'the core must not depend on the Electron glue' },
  ];
  for (const other of [...Object.keys(CORE_LAYERS), ...Object.keys(CORE_ONLY)]) {
    if (other === part) continue;
    let why = null;
    if (only) {
      if (!only.includes(other)) why = `main/core/${part} may use only ${only.join(' and ')}`;
    } else if (!CORE_ONLY[other] && CORE_LAYERS[other] >= CORE_LAYERS[part]) {
      why =
        `main/core/${part} (layer ${CORE_LAYERS[part]}) must not import main/core/${other} ` +
        `(layer ${CORE_LAYERS[other]}); move the shared part lower`;
    }
    if (why) forbidden.push({ regex: relativeInto(levels, other), why });
  }
  return forbidden;
}

/** The config objects, one per place (later objects win for a file, so each says all its rules). */
export function boundaryConfigs() {
  const configs = [
    {
      files: ['main/**/*.ts'],
      ignores: ['main/electron/**'],
      rules: restrictions([ELECTRON]),
    },
  ];
  for (const part of [...Object.keys(CORE_LAYERS), ...Object.keys(CORE_ONLY)]) {
    if (FILE_PARTS.has(part)) {
      configs.push({ files: [`main/core/${part}.ts`], rules: restrictions(coreForbidden(part, 0)) });
      continue;
    }
    for (let depth = 1; depth <= MAX_DEPTH; depth++)
      configs.push({
        files: [`main/core/${part}/${'*/'.repeat(depth - 1)}*.ts`],
        rules: restrictions(coreForbidden(part, depth)),
      });
  }
  const intoFolders = (folders, why) =>
    folders.map((folder) => ({ regex: `^(\\.\\./)+${folder}(/|$)`, why }));
  configs.push(
    {
      files: ['renderer/**/*.{ts,tsx}'],
      rules: restrictions([
        ...intoFolders(['main'], 'the renderer reaches main only through the contract in common/'),
        ...nodeOrElectron('the renderer is web content'),
      ]),
    },
    {
      files: ['common/**/*.ts'],
      rules: restrictions([
        ...intoFolders(
          ['main', 'preload', 'renderer'],
          'common/ is below every process: it imports none of them; move the shared part into common/',
        ),
        ...nodeOrElectron('common/ is read by every process, the renderer too'),
      ]),
    },
    {
      files: ['preload/**/*.ts'],
      rules: restrictions(
        intoFolders(
          ['main', 'renderer'],
          'the preload is the bridge: electron, common/ and its own files only',
        ),
      ),
    },
  );
  return configs;
}
