// RunComfy's catalog as last fetched, kept on disk with the time it was fetched, one copy per API
// (RunComfy's own, another base URL, the simulator of demo mode): an offline start uses it before
// falling back to the shipped entries. A copy that cannot be read is ignored (and replaced at the
// next fetch): it is a cache, never the only source of anything.
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { LiveSnapshot } from '../catalog/live-catalog';
import { writeFileAtomic } from './atomic-file';

const snapshotSchema = z.object({
  fetchedAt: z.number(),
  models: z.array(z.record(z.string(), z.unknown())),
});
const fileSchema = z.object({ version: z.literal(1), apis: z.record(z.string(), snapshotSchema) });

/** The cache's key for an API: demo mode's simulator moves port at every start, so it is one key. */
export function catalogCacheKey(credentials: { apiBaseUrl: string; simulated: boolean }): string {
  return credentials.simulated ? 'simulator' : credentials.apiBaseUrl.replace(/\/+$/, '');
}

function readAll(file: string): z.output<typeof fileSchema>['apis'] {
  try {
    const parsed = fileSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success ? parsed.data.apis : {};
  } catch {
    return {};
  }
}

export function readCachedCatalog(file: string, key: string): LiveSnapshot | null {
  return readAll(file)[key] ?? null;
}

export function writeCachedCatalog(file: string, key: string, snapshot: LiveSnapshot): void {
  const apis = { ...readAll(file), [key]: snapshot };
  writeFileAtomic(file, `${JSON.stringify({ version: 1, apis })}\n`, 0o644);
}
