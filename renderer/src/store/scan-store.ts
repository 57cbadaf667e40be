// The current scan: paths in, progress while the intake walks and checks the files, then its
// summary. Progress events are subscribed to before scan.start is called and kept by scan id,
// because the first events may arrive before scan.start answers with that id.
import { useSyncExternalStore } from 'react';
import type { ResponseOf, ScanSummaryDto } from '../../../preload/contract';
import { api, errorText } from '../api';
import { ValueStore } from './emitter';

/** The earlier batch a scan re-runs ("Re-run with changes"): its settings pre-fill the form. */
export type RerunOf = ResponseOf<'query:batch.rerunSource'>;

export type ScanState =
  | { phase: 'idle' }
  | { phase: 'scanning'; scanId: string | null; found: number; checked: number }
  | {
      phase: 'done';
      scanId: string;
      summary: ScanSummaryDto;
      rerun?: RerunOf;
      /** The images this scan was narrowed to (a re-run's), kept for a scan of them again. */
      only?: string[];
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
 * `only`: keep just these images of the scan; `rerun`: the batch it re-runs, if any;
 * `endSuffix`: another file-name ending that marks an end frame (beside .end and _end).
 */
export async function startScan(
  paths: string[],
  options: { only?: string[]; rerun?: RerunOf; endSuffix?: string } = {},
): Promise<void> {
  if (paths.length === 0) return;
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
    }));
    const seen = early.get(scanId);
    if (seen && mine === generation) {
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
        ...(options.rerun ? { rerun: options.rerun } : {}),
        ...(options.only ? { only: options.only } : {}),
      });
  } catch (error) {
    if (mine === generation) store.set({ phase: 'error', message: errorText(error) });
  } finally {
    off();
    clearInterval(poll);
  }
}
