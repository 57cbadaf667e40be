// Every item a query matches, read a page at a time (the engine answers at most 1,000 items a
// page), for what needs a whole batch or all of one state of it: the re-run source, "Retry all
// failed", the review grid's groups, and the command line's report and resubmit.
import type { EngineApi } from '../core-api';
import type { ItemPageQuery, ItemView } from '../domain';

const PAGE = 1000;

/** The items `query` matches, in queue order, one page read as the previous one is used up. */
export function* eachItem(
  engine: Pick<EngineApi, 'pageItems'>,
  query: Omit<ItemPageQuery, 'offset' | 'limit'>,
): Generator<ItemView, void, undefined> {
  for (let offset = 0; ; offset += PAGE) {
    const page = engine.pageItems({ ...query, offset, limit: PAGE });
    yield* page.items;
    if (offset + PAGE >= page.total) return;
  }
}
