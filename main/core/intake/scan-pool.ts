// The scan's first step: walks the dropped roots and checks every candidate file in a bounded
// pool (a few files open at a time, a bounded backlog, so a 10,000-image folder keeps memory
// flat), reading each image's caption sidecar and noting the prompts.csv files on the way.
import { basename, extname, join, resolve } from 'node:path';
import type { InputProblem, ScanResult } from '../core-api';
import { readCaption, siblingsOf, type Siblings } from './captions';
import type { CsvFile } from './csv-match';
import { checkImageFile } from './image-check';
import type { CheckedImage } from './image-check';
import { PROMPTS_CSV } from './prompts-csv';
import { fsReason, walkRoot } from './walk';
import { formatReason } from '@common/reasons';
import type { WalkRoot } from './walk';

/** Text files next to images are captions or prompts, never images. */
const TEXT_EXTENSIONS = new Set([
  '.txt',
  '.csv',
]); /** Paths waiting for a check before the walk pauses (memory stays flat on huge trees). */
const MAX_BACKLOG = 1000;
export interface Candidate {
  seq: number;
  rootIndex: number;
  rootPath: string;
  sourcePath: string;
  relativePath: string;
  explicit: boolean;
  siblings: Siblings;
}
export interface Checked {
  candidate: Candidate;
  result: CheckedImage;
  caption: string | null;
  captionProblem: InputProblem | null;
  /** A shots sidecar (photo.shots.txt): its text and its name relative to the dropped folder. */
  shots: { file: string; text: string } | null;
  shotsProblem: InputProblem | null;
}
function limiter(concurrency: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= concurrency) await new Promise<void>((resolveSlot) => waiting.push(resolveSlot));
    active += 1;
    try {
      return await task();
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  };
}
/** Files found and checked so far (what progress reports say). */
export interface Tally {
  found: number;
  checked: number;
}

export async function walkAndCheck(
  roots: WalkRoot[],
  rejected: ScanResult['rejected'],
  options: { concurrency: number; tally: Tally; report: () => void; signal?: AbortSignal },
): Promise<{ checks: Checked[]; csvFiles: CsvFile[] }> {
  const { concurrency, tally, report, signal } = options;
  const run = limiter(concurrency);
  const checks: Checked[] = [];
  const csvFiles: CsvFile[] = [];
  const tasks = new Set<Promise<void>>();
  let backlogDrained: (() => void) | null = null;
  let failure: unknown = null;
  let seq = 0;

  const check = async (candidate: Candidate) => {
    if (signal?.aborted) return;
    const result = await checkImageFile(candidate.sourcePath, signal);
    let caption: string | null = null;
    let captionProblem: InputProblem | null = null;
    let shots: Checked['shots'] = null;
    let shotsProblem: InputProblem | null = null;
    if (result.ok) {
      const dirPath = resolve(candidate.sourcePath, '..');
      const name = basename(candidate.sourcePath);
      ({ caption, problem: captionProblem } = await readCaption(
        dirPath,
        name,
        candidate.siblings,
        candidate.rootPath,
      ));
      const sidecar = await readCaption(dirPath, name, candidate.siblings, candidate.rootPath, 'shots');
      shotsProblem = sidecar.problem;
      if (sidecar.caption && sidecar.file) shots = { file: sidecar.file, text: sidecar.caption };
    }
    checks.push({ candidate, result, caption, captionProblem, shots, shotsProblem });
  };

  const enqueue = (candidate: Candidate) => {
    tally.found += 1;
    const task = run(() => check(candidate))
      .catch((error: unknown) => {
        failure ??= error;
      })
      .finally(() => {
        tasks.delete(task);
        // After an abort the remaining tasks return at once: they are not "checked".
        if (!signal?.aborted) {
          tally.checked += 1;
          report();
        }
        if (tasks.size < MAX_BACKLOG / 2) backlogDrained?.();
      });
    tasks.add(task);
  };

  for (const [rootIndex, root] of roots.entries()) {
    try {
      for await (const event of walkRoot(root, signal)) {
        if (event.type === 'skipped') {
          rejected.push({ path: event.path, reason: event.reason, why: event.why });
          continue;
        }
        const siblings = siblingsOf(event.siblings);
        for (const name of event.siblings)
          if (name.toLowerCase() === PROMPTS_CSV)
            csvFiles.push({
              rootIndex,
              path: join(event.dirPath, name),
              relativeDir: event.relativeDir,
              label: event.relativeDir ? `${event.relativeDir}/${name}` : name,
            });
        for (const name of event.fileNames) {
          if (TEXT_EXTENSIONS.has(extname(name).toLowerCase())) continue;
          enqueue({
            seq: seq++,
            rootIndex,
            rootPath: root.rootPath,
            sourcePath: join(event.dirPath, name),
            relativePath: event.relativeDir ? `${event.relativeDir}/${name}` : name,
            explicit: root.onlyFiles !== null,
            siblings,
          });
        }
        report();
        if (tasks.size >= MAX_BACKLOG) await new Promise<void>((r) => (backlogDrained = r));
      }
    } catch (error) {
      if (signal?.aborted) break;
      const why = fsReason(error, 'scan_fs_folder');
      rejected.push({ path: root.rootPath, reason: formatReason(why), why });
    }
  }
  await Promise.all([...tasks]);
  if (signal?.aborted) throw signal.reason;
  if (failure) throw failure;
  return { checks, csvFiles };
}
