// The review grid's filters, each an item-page query: the finished videos (all, or by the
// user's verdict) and the failed items, so the morning's two questions ("which takes are
// good?" and "what needs another go?") are one click each.
import type { ItemStateDto, ReviewFilterDto } from '../../../preload/contract';
import { RETRY_ALL_STATES } from '../../../preload/item-actions';

export const REVIEW_FILTERS = {
  videos: { states: ['done'], reviews: null },
  unreviewed: { states: ['done'], reviews: ['unreviewed'] },
  kept: { states: ['done'], reviews: ['kept'] },
  rejected: { states: ['done'], reviews: ['rejected'] },
  failed: { states: RETRY_ALL_STATES, reviews: null },
} as const satisfies Record<
  string,
  { states: readonly ItemStateDto[]; reviews: readonly ReviewFilterDto[] | null }
>;
export type ReviewFilterKey = keyof typeof REVIEW_FILTERS;

/** Where the arrow keys move the focus in a grid of `columns`, or null for other keys. */
export function gridTarget(key: string, index: number, total: number, columns: number): number | null {
  const last = total - 1;
  switch (key) {
    case 'ArrowRight':
      return Math.min(last, index + 1);
    case 'ArrowLeft':
      return Math.max(0, index - 1);
    case 'ArrowDown':
      return index + columns <= last ? index + columns : index;
    case 'ArrowUp':
      return index - columns >= 0 ? index - columns : index;
    case 'Home':
      return 0;
    case 'End':
      return last;
    default:
      return null;
  }
}
