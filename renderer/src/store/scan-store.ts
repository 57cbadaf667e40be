// The current scan: paths in, progress while the intake walks and checks the files, then its
// summary. Progress events are subscribed to before scan.start is called and kept by scan id,
// because the first events may arrive before scan.start answers with that id.
//
// A scan started from the setup screen (files added, dropped, or paired again) carries the draft
// being set up, so nothing typed is lost; files dropped on the setup screen wait in `pendingPaths`
// until the user says whether they add to the images or replace them.
import { useSyncExternalStore } from 'react';
import type { BatchSettingsDto, ResponseOf, ScanSummaryDto } from '@common/contract';
import { api, errorText } from '../api';
import { ValueStore } from './emitter';

/** The earlier batch a scan re-runs ("Re-run with changes"): its settings pre-fill the form. */
export type RerunOf = ResponseOf<'query:batch.rerunSource'>;

/** What a scan from the setup screen takes over from the one before it. */
export interface Carry {
  draft: BatchSettingsDto;
  /** "Generate again" was ticked. */
  force: boolean;
  /** The folders the draft was set up for (a default output folder follows a replacement). */
  roots: readonly string[];
}

export type ScanState =
  | { phase: 'idle' }
  | { phase: 'scanning'; scanId: string | null; found: number; checked: number }
  | {
      phase: 'done';
      scanId: string;
      summary: ScanSummaryDto;
      /** What was dropped or picked, in order (files added during setup included). */
      paths: string[];
      rerun?: RerunOf;
      /** The images this scan was narrowed to (a re-run's), kept for a scan of them again. */
      only?: string[];
      carry?: Carry;
      /** Dropped on the setup screen, waiting for "add" or "replace". */
      pendingPaths?: string[];
    }
  | { phase: 'error'; message: string };

const store = new ValueStore<ScanState>({ phase: 'idle' });
let generation = 0;

export function useScan(): ScanState {
  return useSyncExternalStore(store.subscribe, store.get);
}

export function resetScan(): void {
  generation++;
  store.set({ phase: 'idle' });
}

/**
 * Stops the scan under way (main stops checking files) and goes back to the drop zone. A scan
 * whose id main has not answered yet is stopped as soon as it does (startScan sees it superseded).
 */
export function cancelScan(): void {
  const state = store.get();
  if (state.phase === 'scanning' && state.scanId)
    api()
      .scan.cancel({ scanId: state.scanId })
      .catch(() => {});
  resetScan();
}

/**
 * Files dropped anywhere on the window: scanned at once, unless a batch is being set up, whose
 * images and draft must not be thrown away without asking (the setup screen asks).
 */
export function offerPaths(paths: string[]): void {
  if (paths.length === 0) return;
  const state = store.get();
  if (state.phase === 'done') store.set({ ...state, pendingPaths: paths });
  else void startScan(paths);
}

/** The files dropped during setup, no longer waiting (the user answered, or cancelled). */
export function clearPendingPaths(): void {
  const state = store.get();
  if (state.phase === 'done' && state.pendingPaths) store.set({ ...state, pendingPaths: undefined });
}

/**
 * `only`: keep just these images of the scan; `rerun`: the batch it re-runs, if any;
 * `endSuffix`: another file-name ending that marks an end frame (beside .end and _end);
 * `carry`: the draft it continues; `addTo`: a finished scan these files are added to
 * (`paths` are then only the new files).
 */
export async function startScan(
  paths: string[],
  options: {
    only?: string[];
    rerun?: RerunOf;
    endSuffix?: string;
    carry?: Carry;
    addTo?: { scanId: string; paths: readonly string[] };
  } = {},
): Promise<void> {
  if (paths.length === 0) return;
  // A scan still checking files is replaced: main stops it rather than finish it for nothing.
  const before = store.get();
  if (before.phase === 'scanning' && before.scanId)
    api()
      .scan.cancel({ scanId: before.scanId })
      .catch(() => {});
  const mine = ++generation;
  store.set({ phase: 'scanning', scanId: null, found: 0, checked: 0 });
  const early = new Map<string, { found: number; checked: number; finished: boolean }>();
  let scanId: string | null = null;
  let settle: () => void = () => {};
  const finished = new Promise<void>((resolve) => (settle = resolve));
  const off = api().onScanProgress((p) => {
    if (mine !== generation) return;
    if (scanId === null) {
      early.set(p.scanId, p);
      return;
    }
    if (p.scanId !== scanId) return;
    store.set({ phase: 'scanning', scanId, found: p.found, checked: p.checked });
    if (p.finished) settle();
  });
  // A missed "finished" event must not leave the screen spinning: poll the summary too.
  const poll = setInterval(() => {
    if (mine !== generation) settle(); // superseded by a newer scan: stop listening
    if (!scanId) return;
    api()
      .scan.summary({ scanId })
      .then((s) => s.finished && settle())
      .catch(() => {});
  }, 1000);
  try {
    const endSuffix = options.endSuffix?.trim();
    ({ scanId } = await api().scan.start({
      paths,
      ...(endSuffix ? { endSuffix } : {}),
      ...(options.only ? { only: options.only } : {}),
      ...(options.addTo ? { addTo: options.addTo.scanId } : {}),
    }));
    if (mine !== generation) {
      // Cancelled (or replaced) before main answered: stop it there too.
      api()
        .scan.cancel({ scanId })
        .catch(() => {});
      return;
    }
    const seen = early.get(scanId);
    if (seen) {
      store.set({ phase: 'scanning', scanId, found: seen.found, checked: seen.checked });
      if (seen.finished) settle();
    }
    await finished;
    const summary = await api().scan.summary({ scanId });
    if (mine === generation)
      store.set({
        phase: 'done',
        scanId,
        summary,
        paths: [...(options.addTo?.paths ?? []), ...paths],
        ...(options.rerun ? { rerun: options.rerun } : {}),
        ...(options.only ? { only: options.only } : {}),
        ...(options.carry ? { carry: options.carry } : {}),
      });
  } catch (error) {
    if (mine === generation) store.set({ phase: 'error', message: errorText(error) });
  } finally {
    off();
    clearInterval(poll);
  }
}
