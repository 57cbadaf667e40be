// The batch's reference element images, checked by main (scan.checkElements) whenever the list
// changes: each image's size or why it cannot be used. The preview waits for the check, because
// main plans elements from the images it has checked and kept with the scan.
import { useEffect, useState } from 'react';
import type { BatchSettingsDto, ElementCheckDto as ElementCheck } from '@common/contract';
import { api, errorText } from '../api';

type Elements = NonNullable<BatchSettingsDto['elements']>;

export function useElementChecks(
  scanId: string,
  elements: BatchSettingsDto['elements'],
): { scanId: string; checks: Record<string, ElementCheck>; ready: boolean; error: string | null } {
  const key = JSON.stringify(elements ?? []);
  const [state, setState] = useState<{
    key: string;
    checks: Record<string, ElementCheck>;
    error: string | null;
  }>({ key: '[]', checks: {}, error: null });
  useEffect(() => {
    const list = JSON.parse(key) as Elements;
    if (list.length === 0) return; // nothing to check: ready as it is
    let current = true;
    api()
      .scan.checkElements({ scanId, elements: list })
      .then(({ images }) => {
        if (current)
          setState({ key, checks: Object.fromEntries(images.map((i) => [i.path, i])), error: null });
      })
      .catch((error: unknown) => current && setState({ key, checks: {}, error: errorText(error) }));
    return () => {
      current = false;
    };
  }, [scanId, key]);
  if (key === '[]') return { scanId, checks: {}, ready: true, error: null };
  return { scanId, checks: state.checks, ready: state.key === key, error: state.error };
}
