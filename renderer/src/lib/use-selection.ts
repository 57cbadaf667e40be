// The items a list or grid has selected (ids, kept across its filters): toggled one at a time
// and cleared at once, with stable functions so memoized rows do not draw again for them. Kept
// under a key (the batch and its view) while the user looks at another screen (Settings, say)
// and comes back: the last one kept, as the new-batch draft is.
import { useCallback, useEffect, useMemo, useState } from 'react';

export interface Selection {
  ids: ReadonlySet<number>;
  toggle: (itemId: number) => void;
  clear: () => void;
}

let kept: { key: string; ids: ReadonlySet<number> } | null = null;

export function useSelection(key: string): Selection {
  const [ids, setIds] = useState<ReadonlySet<number>>(() => (kept?.key === key ? kept.ids : new Set()));
  useEffect(() => {
    kept = { key, ids };
  }, [key, ids]);
  const toggle = useCallback(
    (itemId: number) =>
      setIds((current) => {
        const next = new Set(current);
        if (!next.delete(itemId)) next.add(itemId);
        return next;
      }),
    [],
  );
  const clear = useCallback(() => setIds(new Set()), []);
  return useMemo(() => ({ ids, toggle, clear }), [ids, toggle, clear]);
}
