// The scans the renderer started: scanId -> running or finished ScanResult. A scan walks
// dropped folders and checks every image (it may take a minute for thousands of files), so it
// runs in the background and reports progress as events; the renderer asks for the summary
// and for preview pages by id. The registry also answers the media resolver ("is this file
// part of a known scan?") and caches the last plan per scan so paging a 10,000-item preview
// does not re-render every prompt for every page.
import { randomUUID } from 'node:crypto';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { BatchSettings, ElementImages } from '../domain';
import { DEFAULT_END_SUFFIXES } from '../intake/end-frames';
import { variableCoverage } from '../intake/plan-variables';
import { mergeScanResults } from '../intake/scan';
import type { BatchPlan, IntakeApi, ScanProgress, ScanResult, ScannedImage } from '../core-api';
import type { ElementCheckDto, ScanSummaryDto } from '@common/contract';
import { AppError } from './errors';

/** End-frame pairs listed in the summary (a folder of thousands lists its first ones). */
const MAX_PAIRS_SHOWN = 200;

export interface ScanProgressEvent extends ScanProgress {
  scanId: string;
}

export interface ScanRegistry {
  /**
   * `endSuffix`: another file-name ending that marks an end frame (beside .end and _end);
   * `only`: keep just these images of the scan (a re-run of chosen items); `addTo`: a finished
   * scan whose images this one adds to (files dropped during setup: the old ones are not read again).
   */
  start(paths: string[], options?: { endSuffix?: string; only?: readonly string[]; addTo?: string }): string;
  /** Checks reference element images and keeps them with the finished scan (plans read them). */
  checkElements(scanId: string, elements: readonly ElementImages[]): Promise<ElementCheck[]>;
  summary(scanId: string): ScanSummaryDto;
  /** Stops a scan that is still checking files (its summary then says it was stopped). */
  cancel(scanId: string): void;
  /** The finished result; not_found for an unknown id, conflict while it still runs. */
  result(scanId: string): ScanResult;
  /** The paths the user dropped (folders and files), absolute, as given. */
  dropped(scanId: string): string[];
  /** The image at `index` of a finished scan's accepted images, or null. */
  image(scanId: string, index: number): ScannedImage | null;
  /** A checked, usable element image of the scan by its number (ElementCheck.thumb), for its thumbnail. */
  elementImage(scanId: string, index: number): string | null;
  /** Plans (cached per scan and settings until `invalidatePlans`). */
  plan(scanId: string, settings: BatchSettings, force: boolean): BatchPlan;
  /** Plans without the cache (for creating a batch: what is paid for must be current). */
  freshPlan(scanId: string, settings: BatchSettings, force: boolean): BatchPlan;
  /** Call when "already generated" answers may have changed (an item reached done). */
  invalidatePlans(): void;
  onProgress(listener: (event: ScanProgressEvent) => void): () => void;
  /** Resolves when the scan has finished (tests, the harness). */
  whenFinished(scanId: string): Promise<void>;
  /** Aborts running scans. */
  close(): void;
}

/** One element image as checked: the contract's shape (its number names its thumbnail). */
export type ElementCheck = ElementCheckDto;

interface Entry {
  id: string;
  roots: string[];
  endSuffix: string | null;
  startedAt: number;
  progress: ScanProgress;
  result: ScanResult | null;
  error: string | null;
  abort: AbortController;
  done: Promise<void>;
  plan: { key: string; plan: BatchPlan } | null;
  /** Element image paths in the order first checked: their numbers never change. */
  elementPaths: string[];
}

export interface ScanRegistryOptions {
  intake: IntakeApi;
  /** Finished scans kept (oldest dropped first); running ones are never dropped. */
  maxScans?: number;
  /** Progress events at most this often per scan; the final one goes out at once. */
  progressIntervalMs?: number;
  log?: (message: string) => void;
  /** The account's daily cap now (null: none); a model of unknown price needs a ceiling under it. */
  dailyCapUsd?: () => number | null;
}

/** A path under the dropped folder it was found in, as the user knows it; as it is when under none. */
function underRoot(path: string, roots: readonly string[]): string {
  for (const root of roots) {
    const rel = relative(root, path);
    if (rel && !rel.startsWith('..') && !isAbsolute(rel)) return rel.split(sep).join('/');
  }
  return path;
}

export function createScanRegistry(options: ScanRegistryOptions): ScanRegistry {
  const { intake } = options;
  const maxScans = options.maxScans ?? 20;
  const interval = options.progressIntervalMs ?? 100;
  const scans = new Map<string, Entry>();
  const listeners = new Set<(event: ScanProgressEvent) => void>();

  const emit = (event: ScanProgressEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        options.log?.(`scan progress listener failed: ${String(error)}`);
      }
    }
  };

  const get = (scanId: string): Entry => {
    const entry = scans.get(scanId);
    if (!entry)
      throw new AppError(
        'not_found',
        `No scan with id "${scanId}". Scans are kept while the app runs; drop the folders again to start a new one.`,
      );
    return entry;
  };

  const evict = () => {
    const finished = [...scans.values()]
      .filter((e) => e.result || e.error)
      .sort((a, b) => a.startedAt - b.startedAt);
    while (scans.size > maxScans && finished.length) scans.delete(finished.shift()!.id);
  };

  const finishedResult = (scanId: string): ScanResult => {
    const entry = get(scanId);
    if (entry.error) throw new AppError('conflict', `Scan "${scanId}" failed: ${entry.error}`);
    if (!entry.result)
      throw new AppError('conflict', `Scan "${scanId}" is still checking images; wait until it finishes.`);
    return entry.result;
  };

  const dailyCapUsd = () => options.dailyCapUsd?.() ?? null;
  const computePlan = (scanId: string, settings: BatchSettings, force: boolean) =>
    intake.plan(finishedResult(scanId), settings, { force, dailyCapUsd: dailyCapUsd() });

  return {
    start(paths, startOptions = {}) {
      // Before anything starts: a scan to add to that is gone or unfinished is the caller's error.
      const base = startOptions.addTo ? finishedResult(startOptions.addTo) : null;
      const endSuffix = startOptions.endSuffix?.trim() || (base ? get(startOptions.addTo!).endSuffix : null);
      const id = `scan-${randomUUID()}`;
      const abort = new AbortController();
      let timer: ReturnType<typeof setTimeout> | null = null;
      let pending: ScanProgress | null = null;
      const flush = () => {
        timer = null;
        if (pending) emit({ scanId: id, ...pending });
        pending = null;
      };
      const onProgress = (progress: ScanProgress) => {
        entry.progress = { ...progress };
        if (progress.finished) return; // the final event is sent once the result is stored
        pending = { ...progress };
        timer ??= setTimeout(flush, interval);
      };
      const entry: Entry = {
        id,
        roots: base ? [...new Set([...base.roots, ...paths])] : [...paths],
        endSuffix,
        startedAt: Date.now(),
        progress: { found: 0, checked: 0, finished: false },
        result: null,
        error: null,
        abort,
        plan: null,
        elementPaths: [],
        done: Promise.resolve(),
      };
      scans.set(id, entry);
      entry.done = (async () => {
        try {
          const result = await intake.scan(paths, onProgress, abort.signal, {
            endSuffixes: endSuffix ? [...DEFAULT_END_SUFFIXES, endSuffix] : [...DEFAULT_END_SUFFIXES],
          });
          const keep = startOptions.only ? new Set(startOptions.only) : null;
          const narrowed = keep
            ? {
                ...result,
                images: result.images.filter((image) => keep.has(image.sourcePath)),
                rejected: result.rejected.filter((rejected) => keep.has(rejected.path)),
              }
            : result;
          entry.result = base ? mergeScanResults(base, narrowed) : narrowed;
        } catch (error) {
          entry.error = error instanceof Error ? error.message : String(error);
          options.log?.(`scan ${id} failed: ${entry.error}`);
        } finally {
          if (timer) clearTimeout(timer);
          timer = null;
          pending = null;
          // End frames paired by name are files found too, riding on their start images.
          const found = entry.result
            ? entry.result.images.length +
              entry.result.rejected.length +
              (entry.result.endFramePairs?.length ?? 0)
            : entry.progress.found;
          entry.progress = { found, checked: found, finished: true };
          emit({ scanId: id, ...entry.progress });
          evict();
        }
      })();
      return id;
    },
    summary(scanId) {
      const entry = get(scanId);
      const result = entry.result;
      const errorProblem = entry.error
        ? [
            {
              code: 'scan_failed',
              message: `Could not read the dropped files: ${entry.error}`,
              file: null,
              row: null,
              field: null,
            },
          ]
        : [];
      return {
        scanId,
        finished: entry.progress.finished,
        roots: result?.roots ?? entry.roots,
        found: entry.progress.found,
        accepted: result?.images.length ?? 0,
        fixed: result?.images.filter((image) => image.fit !== null).length ?? 0,
        rejected: (result?.rejected ?? []).map((r) => ({
          ...r,
          relativePath: underRoot(r.path, result?.roots ?? entry.roots),
        })),
        // The first pairs are enough to check the naming worked; the count is all of them.
        endFramePairCount: result?.endFramePairs?.length ?? 0,
        endFramePairs: (result?.endFramePairs ?? []).slice(0, MAX_PAIRS_SHOWN),
        endSuffix: entry.endSuffix,
        variables: result?.variables ?? [],
        coverage: result ? variableCoverage(result.images, result.variables) : {},
        problems: [...(result?.problems ?? []), ...errorProblem],
      };
    },
    cancel(scanId) {
      const entry = get(scanId);
      if (!entry.progress.finished) entry.abort.abort(new Error('stopped by you'));
    },
    result: finishedResult,
    dropped: (scanId) => get(scanId).roots.map((path) => resolve(path)),
    image(scanId, index) {
      const result = scans.get(scanId)?.result;
      if (!result || !Number.isInteger(index) || index < 0) return null;
      return result.images[index] ?? null;
    },
    elementImage(scanId, index) {
      const entry = scans.get(scanId);
      const path = entry?.elementPaths[index];
      return path && entry.result?.elementImages?.[path]?.ok ? path : null;
    },
    plan(scanId, settings, force) {
      const entry = get(scanId);
      const key = JSON.stringify([settings, force, dailyCapUsd()]);
      if (entry.plan?.key === key) return entry.plan.plan;
      const plan = computePlan(scanId, settings, force);
      entry.plan = { key, plan };
      return plan;
    },
    freshPlan: computePlan,
    async checkElements(scanId, elements) {
      const entry = get(scanId);
      // Picked again: read again (the file may have been edited since).
      entry.result = await intake.checkElementImages(finishedResult(scanId), [...elements], {
        recheck: true,
      });
      // Plans made before the images were known named them unchecked.
      entry.plan = null;
      const known = entry.result.elementImages ?? {};
      return elements
        .flatMap((e) => [e.frontal, ...e.references])
        .map((path) => {
          const image = known[path];
          if (!image?.ok)
            return {
              path,
              ok: false,
              reason: image?.reason ?? 'not checked',
              width: null,
              height: null,
              thumb: null,
            };
          if (!entry.elementPaths.includes(path)) entry.elementPaths.push(path);
          const thumb = entry.elementPaths.indexOf(path);
          return { path, ok: true, reason: null, width: image.width, height: image.height, thumb };
        });
    },
    invalidatePlans() {
      for (const entry of scans.values()) entry.plan = null;
    },
    onProgress(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    whenFinished: (scanId) => get(scanId).done,
    close() {
      for (const entry of scans.values()) if (!entry.progress.finished) entry.abort.abort();
    },
  };
}
