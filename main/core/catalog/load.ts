// Reading entry files: the shipped ones and the user's own (<dataDir>/models/*.json), where a
// user entry replaces the shipped entry with the same id. A file that cannot be used is
// reported with its file, line and field, and every other file still loads: one typo must not
// take the whole model list away.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findNodeAtLocation, parseTree, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { modelEntrySchema, type ModelEntry } from './entry';
import { schemaProblem } from './input-validation';
import { createCatalog, toModelSpec, type Catalog, type CatalogProblem } from './catalog';
import { SHIPPED_ENTRIES } from './shipped';

/** The folder, inside the data folder, that holds the user's own entries. */
export const USER_MODELS_FOLDER = 'models';

function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function pathWords(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`))
    .join('');
}

export type ParsedEntry = { ok: true; entry: ModelEntry } | { ok: false; problems: CatalogProblem[] };

/**
 * One entry file's text to an entry, or the problems in it. JSON syntax errors come with the
 * line of the error; schema errors with the line of the field (or of its parent when missing).
 */
export function parseEntryText(text: string, file: string): ParsedEntry {
  const syntax: ParseError[] = [];
  const tree = parseTree(text, syntax, { allowTrailingComma: false, disallowComments: true });
  if (syntax.length > 0 || !tree) {
    const first = syntax[0];
    return {
      ok: false,
      problems: [
        {
          file,
          line: first ? lineAt(text, first.offset) : 1,
          field: null,
          message: first
            ? `not valid JSON: ${printParseErrorCode(first.error)} (fix the JSON syntax)`
            : 'the file is empty; it must hold one model entry (a JSON object)',
        },
      ],
    };
  }
  const data: unknown = JSON.parse(text);
  const parsed = modelEntrySchema.safeParse(data);
  const lineOf = (path: readonly PropertyKey[]): number => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = findNodeAtLocation(tree, path.slice(0, depth) as (string | number)[]);
      if (node) return lineAt(text, node.parent?.type === 'property' ? node.parent.offset : node.offset);
    }
    return 1;
  };
  if (!parsed.success)
    return {
      ok: false,
      problems: parsed.error.issues.map((issue) => {
        const path = issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]!] : issue.path;
        const field = pathWords(path) || null;
        const message =
          issue.code === 'unrecognized_keys'
            ? `${issue.keys.join(', ')} is not a field of a model entry; remove it or check its spelling`
            : issue.code === 'invalid_type' && issue.input === undefined
              ? `${field ?? 'the entry'} is required but missing`
              : `${field ?? 'the entry'}: ${issue.message}`;
        return { file, line: lineOf(path), field, message };
      }),
    };
  const schemaError = schemaProblem(parsed.data.inputSchema);
  if (schemaError)
    return {
      ok: false,
      problems: [{ file, line: lineOf(['inputSchema']), field: 'inputSchema', message: schemaError }],
    };
  const roleProblems = unknownRoleFields(parsed.data).map((message) => ({
    file,
    line: lineOf(['roles']),
    field: 'roles',
    message,
  }));
  if (roleProblems.length > 0) return { ok: false, problems: roleProblems };
  return { ok: true, entry: parsed.data };
}

/**
 * A role naming a field the schema does not list is allowed (schemas are partly known), but
 * a role whose schema contradicts it (a start image that is not text) is a mistake.
 */
function unknownRoleFields(entry: ModelEntry): string[] {
  const properties = (entry.inputSchema.properties ?? {}) as Record<string, { type?: unknown }>;
  const problems: string[] = [];
  for (const role of ['prompt', 'startImage', 'endImage', 'negativePrompt'] as const) {
    const field = entry.roles[role];
    const type = field ? properties[field]?.type : undefined;
    if (type !== undefined && type !== 'string')
      problems.push(
        `roles.${role} names "${field}", whose schema type is ${JSON.stringify(type)}, not "string"`,
      );
  }
  return problems;
}

/** Every *.json entry in `folder` (none when the folder does not exist). */
export async function readUserEntries(
  folder: string,
): Promise<{ entries: { entry: ModelEntry; file: string }[]; problems: CatalogProblem[] }> {
  let names: string[];
  try {
    names = (await readdir(folder)).filter((name) => name.toLowerCase().endsWith('.json')).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], problems: [] };
    return {
      entries: [],
      problems: [
        {
          file: folder,
          line: null,
          field: null,
          message: `could not read the folder: ${(error as Error).message}`,
        },
      ],
    };
  }
  const entries: { entry: ModelEntry; file: string }[] = [];
  const problems: CatalogProblem[] = [];
  const seen = new Map<string, string>();
  for (const name of names) {
    const file = join(folder, name);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      problems.push({
        file,
        line: null,
        field: null,
        message: `could not read it: ${(error as Error).message}`,
      });
      continue;
    }
    const parsed = parseEntryText(text, file);
    if (!parsed.ok) {
      problems.push(...parsed.problems);
      continue;
    }
    const earlier = seen.get(parsed.entry.id);
    if (earlier) {
      problems.push({
        file,
        line: null,
        field: 'id',
        message: `"${parsed.entry.id}" is already defined in ${earlier}; this file is ignored (keep one of the two)`,
      });
      continue;
    }
    seen.set(parsed.entry.id, file);
    entries.push({ entry: parsed.entry, file });
  }
  return { entries, problems };
}

/** The shipped entries overlaid with the user's (<dataDir>/models); problems are on the catalog. */
export async function loadCatalog(options: { dataDir?: string | null } = {}): Promise<Catalog> {
  const specs = new Map(SHIPPED_ENTRIES.map((e) => [e.id, toModelSpec(e, 'shipped', null)]));
  const problems: CatalogProblem[] = [];
  if (options.dataDir) {
    const user = await readUserEntries(join(options.dataDir, USER_MODELS_FOLDER));
    problems.push(...user.problems);
    for (const { entry, file } of user.entries) specs.set(entry.id, toModelSpec(entry, 'user', file));
  }
  return createCatalog([...specs.values()], problems);
}

/** "models/wan.json, line 12, field roles.startImage: ..." for logs and the CLI. */
export function describeCatalogProblem(problem: CatalogProblem): string {
  const where = [
    problem.file,
    problem.line !== null ? `line ${problem.line}` : null,
    problem.field ? `field ${problem.field}` : null,
  ]
    .filter(Boolean)
    .join(', ');
  return `${where}: ${problem.message}`;
}
