// Roving focus over a virtualized list or grid: one element is in the Tab order and keys move
// it; while the focus is inside, the row holding it stays rendered even when scrolled away (so
// recycling never drops the focus), and a focus asked for lands once its row is rendered.
import { defaultRangeExtractor, type Range } from '@tanstack/react-virtual';
import {
  useCallback,
  useEffect,
  useRef,
  useState,
  type FocusEvent,
  type KeyboardEvent,
  type RefObject,
} from 'react';

/**
 * `selector` matches the focusable elements (each carries `data-index`); `rowOf` maps an index
 * to its virtualizer row (a grid has several per row).
 */
export function useRovingFocus(
  scrollRef: RefObject<HTMLElement | null>,
  selector: string,
  rowOf: (index: number) => number = (index) => index,
) {
  const [activeIndex, setActiveIndex] = useState(0);
  const [focusWithin, setFocusWithin] = useState(false);
  /** The index to focus once it is rendered (after scrollToIndex brought it in). */
  const focusRequest = useRef<number | null>(null);
  const keep = focusWithin ? rowOf(activeIndex) : null;

  const rangeExtractor = useCallback(
    (range: Range) => {
      const rows = defaultRangeExtractor(range);
      if (keep === null || keep >= range.count || rows.includes(keep)) return rows;
      return [...rows, keep].sort((a, b) => a - b);
    },
    [keep],
  );

  useEffect(() => {
    const wanted = focusRequest.current;
    if (wanted === null) return;
    const element = scrollRef.current?.querySelector<HTMLElement>(`${selector}[data-index="${wanted}"]`);
    if (!element) return;
    focusRequest.current = null;
    element.focus({ preventScroll: true });
  });

  const focusHandlers = {
    onFocus: (event: FocusEvent<HTMLElement>) => {
      setFocusWithin(true);
      const element = (event.target as HTMLElement).closest<HTMLElement>(selector);
      if (element) setActiveIndex(Number(element.dataset.index));
    },
    onBlur: (event: FocusEvent<HTMLElement>) => {
      if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setFocusWithin(false);
    },
  };

  /** The props of the element holding the rows: its full height, the keys, the focus tracking. */
  const bodyProps = (height: number, onKeyDown: (event: KeyboardEvent<HTMLDivElement>) => void) => ({
    style: { height, position: 'relative' as const },
    onKeyDown,
    ...focusHandlers,
  });

  return { activeIndex, setActiveIndex, focusRequest, keep, rangeExtractor, bodyProps };
}
