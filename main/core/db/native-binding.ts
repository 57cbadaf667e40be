// better-sqlite3 ships one native binary per ABI. Under plain Node (tests, CLI, benchmarks)
// the copy in node_modules is right; under Electron (`npm start`) we load the copy built for
// Electron's ABI that scripts/native-sqlite.mjs keeps in <root>/.native/, so one checkout runs
// both without rebuilding back and forth. Packaged apps rebuild node_modules for Electron and
// have no .native folder: then we return undefined and better-sqlite3 loads its own binary.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function findProjectRoot(start = process.cwd()): string | null {
  const fromEnv = process.env.STILLMOTION_ROOT;
  if (fromEnv) return fromEnv;
  let dir = start;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'stillmotion')
          return dir;
      } catch {
        // An unreadable package.json belongs to something else; keep walking up.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

/** The path for better-sqlite3's `nativeBinding` option, or undefined for its default. */
export function electronNativeBinding(
  versions: NodeJS.ProcessVersions = process.versions,
  root: string | null = findProjectRoot(),
): string | undefined {
  if (!versions.electron || !root) return undefined;
  const file = join(
    root,
    '.native',
    `better_sqlite3-electron-abi${versions.modules}-${process.platform}-${process.arch}.node`,
  );
  return existsSync(file) ? file : undefined;
}
