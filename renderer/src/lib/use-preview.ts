// The preview of the batch being set up: one page of what will be sent, asked of main
// (scan.preview) a moment after the last change, and again for another page; while the form
// has errors or the element images are still being checked it waits, and the last page stays.
// `current` says whether the preview shown is of the settings in the form now: until it is,
// its numbers are stale and Start waits (a click must never start another batch than shown).
import { useEffect, useMemo, useState } from 'react';
import type { BatchSettingsDto, PreviewDto } from '@common/contract';
import { api, errorText } from '../api';

/** Items on one page of the preview. */
export const PREVIEW_PAGE = 20;

/** Wait this long after the last keystroke before asking main for a new preview. */
const PREVIEW_DEBOUNCE_MS = 300;

export interface PreviewState {
  scanId: string;
  preview: PreviewDto | null;
  /** The preview is of the form as it is now (same settings, same "generate again"). */
  current: boolean;
  loading: boolean;
  error: string | null;
  /** The first item of the page shown. */
  offset: number;
  setOffset: (offset: number) => void;
  /** Asks again (main's plan changed under the same settings: a video was made meanwhile). */
  refresh: () => void;
}

/**
 * `ready`: the settings are good to preview (only the output folder may still be missing);
 * `simulated`: the app's mode, which decides what counts as already generated (a simulated
 * video stands for no real one), so a change of mode asks again.
 */
export function usePreview(
  scanId: string,
  settings: BatchSettingsDto,
  force: boolean,
  ready: boolean,
  simulated: boolean,
): PreviewState {
  const [offset, setOffset] = useState(0);
  const [shown, setShown] = useState<{ key: string; preview: PreviewDto } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [asked, setAsked] = useState(0);
  // The output folder does not change what is sent, so the preview does not wait for it.
  const request = useMemo(
    () => JSON.stringify({ ...settings, outputDir: settings.outputDir || '/' }),
    [settings],
  );
  const key = `${scanId}\n${force}\n${simulated}\n${asked}\n${request}`;

  useEffect(() => {
    if (!ready) return;
    let live = true;
    const timer = setTimeout(() => {
      setLoading(true);
      api()
        .scan.preview({
          scanId,
          settings: JSON.parse(request) as BatchSettingsDto,
          force,
          offset,
          limit: PREVIEW_PAGE,
        })
        .then((p) => {
          if (!live) return;
          setShown({ key: `${scanId}\n${force}\n${simulated}\n${asked}\n${request}`, preview: p });
          setError(null);
        })
        .catch((failure: unknown) => live && setError(errorText(failure)))
        .finally(() => live && setLoading(false));
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [scanId, request, force, offset, ready, simulated, asked]);

  return {
    scanId,
    preview: shown?.preview ?? null,
    current: ready && shown?.key === key,
    loading,
    error,
    offset,
    setOffset,
    refresh: () => setAsked((n) => n + 1),
  };
}
