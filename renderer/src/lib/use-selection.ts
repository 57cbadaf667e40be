// The items a list or grid has selected (ids, kept across its filters): toggled one at a time
// and cleared at once, with stable functions so memoized rows do not draw again for them.
import { useCallback, useMemo, useState } from 'react';

export interface Selection {
  ids: ReadonlySet<number>;
  toggle: (itemId: number) => void;
  clear: () => void;
}

export function useSelection(): Selection {
  const [ids, setIds] = useState<ReadonlySet<number>>(() => new Set());
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
