// The preview of the batch being set up: one page of what will be sent, asked of main
// (scan.preview) a moment after the last change, and again for another page; while the form
// has errors or the element images are still being checked it waits, and the last page stays.
import { useEffect, useMemo, useState } from 'react';
import type { BatchSettingsDto, PreviewDto } from '../../../preload/contract';
import { api, errorText } from '../api';

/** Items on one page of the preview. */
export const PREVIEW_PAGE = 20;

/** Wait this long after the last keystroke before asking main for a new preview. */
const PREVIEW_DEBOUNCE_MS = 300;

export interface PreviewState {
  scanId: string;
  preview: PreviewDto | null;
  loading: boolean;
  error: string | null;
  /** The first item of the page shown. */
  offset: number;
  setOffset: (offset: number) => void;
}

/** `ready`: the settings are good to preview (only the output folder may still be missing). */
export function usePreview(
  scanId: string,
  settings: BatchSettingsDto,
  force: boolean,
  ready: boolean,
): PreviewState {
  const [offset, setOffset] = useState(0);
  const [preview, setPreview] = useState<PreviewDto | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  // The output folder does not change what is sent, so the preview does not wait for it.
  const request = useMemo(
    () => JSON.stringify({ ...settings, outputDir: settings.outputDir || '/' }),
    [settings],
  );

  useEffect(() => {
    if (!ready) return;
    let current = true;
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
          if (!current) return;
          setPreview(p);
          setError(null);
        })
        .catch((failure: unknown) => current && setError(errorText(failure)))
        .finally(() => current && setLoading(false));
    }, PREVIEW_DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [scanId, request, force, offset, ready]);

  return { scanId, preview, loading, error, offset, setOffset };
}
