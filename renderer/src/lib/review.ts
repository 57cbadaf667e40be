// The review grid's filters, each an item-page query: the finished videos (all, or by the
// user's verdict) and the failed items, so the morning's two questions ("which takes are
// good?" and "what needs another go?") are one click each.
import type { ItemStateDto, ReviewFilterDto } from '@common/contract';
import { RETRY_ALL_STATES } from '@common/item-actions';

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
