// The review grid's groups for a batch with takes: each image's run of items in a filtered,
// queue-ordered list (takes of one image sit next to each other, so any filter keeps each
// image's items together), as the image's path and how many items it has there.
import type { EngineApi } from '../core-api';
import type { ItemState, ReviewFilter } from '../domain';
import { eachItem } from './all-items';

export interface ItemGroupsQuery {
  batchId: number;
  states?: ItemState[];
  reviews?: ReviewFilter[];
}

export function itemGroups(
  engine: EngineApi,
  query: ItemGroupsQuery,
): { groups: { relativePath: string; count: number }[] } {
  const groups: { sourcePath: string; relativePath: string; count: number }[] = [];
  for (const item of eachItem(engine, query)) {
    const last = groups[groups.length - 1];
    if (last && last.sourcePath === item.sourcePath) last.count++;
    else groups.push({ sourcePath: item.sourcePath, relativePath: item.relativePath, count: 1 });
  }
  return { groups: groups.map(({ relativePath, count }) => ({ relativePath, count })) };
}
