// The review grid's groups for a batch with takes: each image's run of items in a filtered,
// queue-ordered list (takes of one image sit next to each other, so any filter keeps each
// image's items together), as the image's path and how many items it has there.
import type { EngineApi } from '../core-api';
import type { ItemPageQuery, ItemState, ReviewFilter } from '../domain';

const PAGE = 1000;

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
  for (let offset = 0; ; offset += PAGE) {
    const page = engine.pageItems({ ...query, offset, limit: PAGE } satisfies ItemPageQuery);
    for (const item of page.items) {
      const last = groups[groups.length - 1];
      if (last && last.sourcePath === item.sourcePath) last.count++;
      else groups.push({ sourcePath: item.sourcePath, relativePath: item.relativePath, count: 1 });
    }
    if (offset + PAGE >= page.total) break;
  }
  return { groups: groups.map(({ relativePath, count }) => ({ relativePath, count })) };
}
