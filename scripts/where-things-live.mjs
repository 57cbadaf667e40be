#!/usr/bin/env node
// Writes docs/where-things-live.md: every source folder and file with its one responsibility, taken
// from the first sentence of the file's own header comment (so the map and the code cannot
// disagree: the comment is the one source). `npm run docs:map` rewrites it; a test fails when the
// committed map is out of date or a file has no header comment to take it from.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const MAPPED_ROOTS = [
  'common',
  'main',
  'preload',
  'renderer/src',
  'scripts',
  'bench',
  'test/harness',
  'test/soak',
];
const SOURCE = /\.(ts|tsx|mjs)$/;

/** Folders with what lives there, and where a newcomer adds the common things. */
const FOLDERS = {
  'main/core/util': 'Injected clock and small pure helpers (CSV cells).',
  'main/core/domain':
    'The shared vocabulary: item and batch states, the transition table, typed errors, settings and views.',
  'main/core/api': 'The RunComfy HTTP client: requests, response parsing, failure kinds, retry back-off.',
  'main/core/db': 'The SQLite job database: connection, frozen migrations, rows, the job store.',
  'main/core/db/migrations': 'One file per schema step; shipped steps are never edited.',
  'main/core/catalog': 'Models as data: entry files, loading, schema validation, prices and polling priors.',
  'main/core/catalog/models': 'One JSON entry per RunComfy model.',
  'main/core/intake':
    'From dropped folders to planned items: walk, probe, check, templates, prompts.csv, request building.',
  'main/core/engine': 'The job engine: phases around the coordinator’s one settle path.',
  'main/core/app':
    'The app’s core services and the IPC handler map (Electron-free; also served to the browser harness).',
  'main/core/cli': 'The `stillmotion` command line: the program, what its commands share.',
  'main/core/cli/commands': 'One module per subcommand, loaded when that command runs.',
  'main/core/simulator': 'The shipped RunComfy simulator (independent of the app’s catalog).',
  'main/core': 'The Electron-free core, runnable under plain Node.',
  'main/electron': 'The thin Electron layer: lifecycle, window, IPC registration, tray, power, secrets.',
  common:
    'What every process speaks, imported as `@common/...`: the typed contract between main and the renderer, and the pure lists all sides read (item and batch states and their actions, model roles, reason texts, batch figures). Imports nothing but zod and itself.',
  preload: 'The bridge: the sandboxed preload that exposes `window.api`, built from the contract in common/.',
  'common/contract':
    'The contract’s parts by area (common/contract.ts is their one entry): shapes, channels, errors.',
  'renderer/src': 'The React app.',
  'renderer/src/screens':
    'The screens the route picks (new batch, a batch, history), each built from widgets.',
  'renderer/src/components': 'Widgets: the parts screens are built from, each with its stylesheet beside it.',
  'renderer/src/store': 'Renderer state stores read with useSyncExternalStore.',
  'renderer/src/lib': 'Pure renderer helpers.',
  'renderer/src/i18n': 'UI texts, one file per language (en, zh-CN).',
  scripts: 'Build and check scripts run by npm scripts.',
  bench: '`npm run bench`: each figure with a baseline measured in the same run.',
  'test/harness': 'Serves the renderer to a real browser over the same handler map.',
  'test/soak': '`npm run soak`: the night test and its checker.',
};

export const HOW_TO = `## Where to add…

- **a model**: a JSON entry in \`main/core/catalog/models/\` and its line in \`shipped.ts\` (users: a file in
  \`<data folder>/models/\`); the simulator's own table in \`main/core/simulator/simulated-models.ts\`; facts in
  \`docs/models.md\`.
- **a model field**: a field the user sets needs no code, it is the entry's input schema (the JSON entry
  above), shown by the generated form \`renderer/src/components/ModelFields.tsx\` from the contract's
  \`modelFieldSchema\` (\`common/contract/models.ts\`); a field the app fills itself is a role: its name in
  \`common/model-roles.ts\`, its usual field names in \`main/core/catalog/role-field-names.json\`, what an
  entry says of it in \`main/core/catalog/entry.ts\`, and where the intake fills it in
  \`main/core/intake/model-request.ts\`.
- **an item or batch state**: an item state in \`common/item-states.ts\` (the list main and the renderer
  share), its transitions in \`main/core/domain/states.ts\` (batch states: \`common/batch-states.ts\`) and its action
  in \`common/item-actions.ts\` (the build fails without one; the groups in flight, unfinished, problems
  follow from it); a new migration in \`main/core/db/migrations/\`
  (shipped ones are frozen); its tone and filter in \`renderer/src/lib/states.ts\` (tied by a compile-time
  check) and its texts in both \`renderer/src/i18n/\` files; \`docs/state-machine.md\` (diagram and actions)
  is checked against the tables.
- **a failure or pause reason**: a code with its en and zh-CN sentences in \`common/reasons.ts\`, produced in
  \`main/core/engine/messages.ts\`.
- **a CLI command**: a module in \`main/core/cli/commands/\` (its action; heavy modules imported inside it)
  and its definition (options, help) in \`main/core/cli/index.ts\`, which imports the module only when the
  command runs (\`test/packaging/cli-bundle.test.ts\` keeps \`--help\` light).
- **a screen**: a component in \`renderer/src/screens/\` with its styles beside it (\`Name.css\`; its parts in
  \`renderer/src/components/\`), its route in \`renderer/src/lib/route.ts\` and \`app.tsx\`, texts in both
  \`renderer/src/i18n/\` files, and an e2e test with the axe pass in \`test/renderer/\`.
- **an IPC channel**: its request and response schemas in \`common/contract/channels.ts\` (shapes it shares
  in the area's file beside it: \`batches.ts\`, \`intake.ts\`, \`models.ts\`, \`settings.ts\`), its handler in
  \`main/core/app/handlers.ts\`; \`window.api\` is derived from the contract (\`preload/api.ts\`).
`;

function* walk(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else if (SOURCE.test(name) && !name.endsWith('.d.ts')) yield path;
  }
}

/** The first sentence of a file's header comment (after a shebang), or null. */
export function headerSentence(text) {
  const lines = text.split('\n');
  let i = lines[0]?.startsWith('#!') ? 1 : 0;
  const comment = [];
  for (; i < lines.length; i++) {
    const line = lines[i].trim();
    if (line.startsWith('//')) comment.push(line.replace(/^\/\/\s?/, ''));
    else if (line.startsWith('/*') || line.startsWith('*')) comment.push(line.replace(/^\/?\*+\/?\s?/, ''));
    else break;
  }
  const prose = comment.join(' ').replace(/\s+/g, ' ').trim();
  if (!prose) return null;
  // The first sentence end outside parentheses (a '(e.g. x.)' does not end it). A colon does not
  // end it: "The coordinator: the centre of the engine's star..." is one sentence, and cut at the
  // colon the map read "The coordinator." for a dozen files.
  let depth = 0;
  let end = prose.length;
  for (let k = 0; k < prose.length; k++) {
    const ch = prose[k];
    if (ch === '(') depth++;
    else if (ch === ')') depth = Math.max(0, depth - 1);
    else if (depth === 0 && '.!?'.includes(ch) && (k + 1 === prose.length || prose[k + 1] === ' ')) {
      end = k + 1;
      break;
    }
  }
  return prose.slice(0, end).replace(/\|/g, '\\|');
}

export function buildMap(projectRoot = root) {
  const rows = new Map();
  const missing = [];
  for (const top of MAPPED_ROOTS) {
    for (const file of walk(join(projectRoot, top))) {
      const path = relative(projectRoot, file).split(sep).join('/');
      const folder = path.slice(0, path.lastIndexOf('/'));
      const sentence = headerSentence(readFileSync(file, 'utf8'));
      if (!sentence) missing.push(path);
      if (!rows.has(folder)) rows.set(folder, []);
      rows
        .get(folder)
        .push(`| \`${path.slice(folder.length + 1)}\` | ${sentence ?? '(no header comment)'} |`);
    }
  }
  const parts = [
    '# Where things live',
    '',
    'Generated by `npm run docs:map` from the first sentence of each file’s header comment; a test keeps it',
    'current. The folders are the processes: `main/` (an Electron-free core plus thin Electron glue),',
    '`preload/` (the bridge), `renderer/`, with `common/` (what they all speak: the contract, states,',
    'reasons) below them and `test/` beside them.',
    '',
    HOW_TO,
  ];
  for (const [folder, lines] of rows) {
    parts.push(
      `## \`${folder}/\``,
      '',
      FOLDERS[folder] ?? '',
      '',
      '| file | responsibility |',
      '|---|---|',
      ...lines,
      '',
    );
  }
  return { text: parts.join('\n').replace(/\n{3,}/g, '\n\n'), missing };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { text, missing } = buildMap();
  writeFileSync(join(root, 'docs', 'where-things-live.md'), text);
  console.log(
    `docs/where-things-live.md written${missing.length ? `; no header comment: ${missing.join(', ')}` : ''}.`,
  );
}
