// The item list's data: pages of rows fetched on demand with items.page, never all rows.
// Each row reads its own item with useSyncExternalStore (see useItemAt), so a change to one
// item re-renders one row. Live updates: subscribe to items.changed first, then load the
// snapshot; a change marks loaded pages stale, patches the states it names at once, and
// refetches only the pages under the viewport (throttled), since the list may hold 10,000
// rows of which 20 are on screen.
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { ItemStateDto, ItemViewDto, ReviewFilterDto } from '@common/contract';
import { api, errorText } from '../api';
import { Emitter } from './emitter';

export const PAGE_SIZE = 100;
/**
 * At most one refetch of the visible pages per this window, however many items.changed events
 * arrive in it: the engine already batches item changes into one event per 50 ms (and sends
 * terminal states at once), and states are patched at once; only the rows' other fields wait.
 */
const REFRESH_MS = 250;

export interface ItemQuery {
  batchId: number;
  states: readonly ItemStateDto[] | null;
  search: string;
  /** Only items with these verdicts (the review grid); absent: any. */
  reviews?: readonly ReviewFilterDto[] | null;
}

type ItemsApi = ReturnType<typeof api>['items'];
type PageAnswer = Awaited<ReturnType<ItemsApi['page']>>;

function pageRequest(query: ItemQuery, page: number): Parameters<ItemsApi['page']>[0] {
  const { batchId, states, search, reviews } = query;
  return {
    batchId,
    ...(states ? { states: [...states] } : {}),
    ...(search ? { search } : {}),
    ...(reviews ? { reviews: [...reviews] } : {}),
    offset: page * PAGE_SIZE,
    limit: PAGE_SIZE,
  };
}

const keyOf = (query: ItemQuery) =>
  JSON.stringify([query.batchId, query.states, query.search, query.reviews ?? null]);

/** A list's first page asked for before the list exists (see prefetchFirstPage). */
let early: { key: string; answer: Promise<PageAnswer> } | null = null;

/**
 * Asks for a list's first page before the list is drawn: the batch screen asks beside
 * batch.get, so the first rows do not wait for that answer and the header's render first. The
 * first store with the same query takes it; since the answer may predate that store's
 * subscription to changes, the store fetches the page once more.
 */
export function prefetchFirstPage(query: ItemQuery): void {
  const answer = api().items.page(pageRequest(query, 0));
  answer.catch(() => {}); // the store that takes it reports the error
  early = { key: keyOf(query), answer };
}

function takeEarly(query: ItemQuery): Promise<PageAnswer> | null {
  if (early?.key !== keyOf(query)) return null;
  const { answer } = early;
  early = null;
  return answer;
}

export class ItemsStore extends Emitter {
  private pages = new Map<number, ItemViewDto[]>();
  private stale = new Set<number>();
  private inFlight = new Set<number>();
  private indexById = new Map<number, number>();
  private total: number | null = null;
  private error: string | null = null;
  private visible = { start: 0, end: 0 };
  private refreshTimer: ReturnType<typeof setTimeout> | null = null;
  private unsubscribe: (() => void) | null = null;
  private disposed = false;

  constructor(readonly query: ItemQuery) {
    super();
  }

  /** Subscribes to changes first, then loads the first page: no change can fall in between. */
  start(): void {
    // StrictMode mounts, unmounts and mounts again: start() must work after dispose().
    this.disposed = false;
    this.unsubscribe = api().onItemsChanged((event) => {
      if (event.batchId !== this.query.batchId) return;
      this.applyChanges(event.changes);
    });
    void this.load(0);
  }

  dispose(): void {
    this.disposed = true;
    this.unsubscribe?.();
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = null;
  }

  getTotal = (): number | null => this.total;
  getError = (): string | null => this.error;

  getItem(index: number): ItemViewDto | undefined {
    return this.pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE];
  }

  /** The virtualizer reports the rows it renders (overscan included); load what they need. */
  setVisibleRange(start: number, end: number): void {
    this.visible = { start, end };
    for (const page of this.visiblePages()) {
      if (!this.pages.has(page) || this.stale.has(page)) void this.load(page);
    }
  }

  /**
   * Shows a change made here at once (a keep/reject), before the refetch confirms it; an item
   * that no longer fits the query (a kept one under "unreviewed") leaves at that refetch.
   */
  patchItem(id: number, patch: Partial<ItemViewDto>): void {
    const index = this.indexById.get(id);
    if (index === undefined) return;
    const page = this.pages.get(Math.floor(index / PAGE_SIZE));
    const item = page?.[index % PAGE_SIZE];
    if (!page || !item || item.id !== id) return;
    page[index % PAGE_SIZE] = { ...item, ...patch };
    this.emit();
    this.invalidate();
  }

  /** Everything changed (e.g. after retry-all or a reconnect): refetch what is on screen. */
  invalidate(): void {
    for (const page of this.pages.keys()) this.stale.add(page);
    this.scheduleRefresh();
  }

  private visiblePages(): number[] {
    const first = Math.floor(this.visible.start / PAGE_SIZE);
    const last = Math.floor(Math.max(this.visible.start, this.visible.end) / PAGE_SIZE);
    const pages: number[] = [];
    for (let p = first; p <= last; p++) pages.push(p);
    return pages;
  }

  private applyChanges(changes: { id: number; state: ItemStateDto }[]): void {
    let patched = false;
    for (const change of changes) {
      const index = this.indexById.get(change.id);
      if (index === undefined) continue;
      const page = this.pages.get(Math.floor(index / PAGE_SIZE));
      const item = page?.[index % PAGE_SIZE];
      if (!page || !item || item.id !== change.id || item.state === change.state) continue;
      // Show the new state now; the refetch below brings the details (cost, times, error).
      page[index % PAGE_SIZE] = { ...item, state: change.state, stateChangedAt: Date.now() };
      patched = true;
    }
    if (patched) this.emit();
    this.invalidate();
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer || this.disposed) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = null;
      // Pages off screen stay stale and are refetched when scrolled back into view.
      for (const page of this.visiblePages()) if (this.stale.has(page)) void this.load(page);
      if (this.pages.size === 0) void this.load(0);
    }, REFRESH_MS);
  }

  private async load(page: number): Promise<void> {
    if (this.inFlight.has(page) || this.disposed) return;
    this.inFlight.add(page);
    this.stale.delete(page);
    const prefetched = page === 0 ? takeEarly(this.query) : null;
    try {
      const result = await (prefetched ?? api().items.page(pageRequest(this.query, page)));
      if (this.disposed) return;
      this.error = null;
      this.storePage(page, result.items);
      this.total = result.total;
      this.emit();
    } catch (error) {
      if (this.disposed) return;
      this.error = errorText(error);
      this.stale.add(page);
      this.emit();
    } finally {
      this.inFlight.delete(page);
      // Asked before this store listened for changes: fetch it again now that it does.
      if (prefetched && !this.disposed) this.stale.add(page);
      // A change arrived while this page was on the wire: fetch it again.
      if (this.stale.has(page) && !this.error) this.scheduleRefresh();
    }
  }

  private storePage(page: number, items: ItemViewDto[]): void {
    const previous = this.pages.get(page);
    const next = items.map((item, i) => {
      // Keep the old object when nothing changed, so that row does not re-render.
      const old = previous?.[i];
      return old && old.id === item.id && sameItem(old, item) ? old : item;
    });
    if (previous) {
      for (const item of previous)
        if (this.indexById.get(item.id) !== undefined) this.indexById.delete(item.id);
    }
    next.forEach((item, i) => this.indexById.set(item.id, page * PAGE_SIZE + i));
    this.pages.set(page, next);
  }
}

function sameItem(a: ItemViewDto, b: ItemViewDto): boolean {
  return (
    a.state === b.state &&
    a.stateChangedAt === b.stateChangedAt &&
    a.queuePosition === b.queuePosition &&
    a.costUsd === b.costUsd &&
    a.attempts === b.attempts &&
    a.outputPath === b.outputPath &&
    a.errorMessage === b.errorMessage &&
    a.renderedPrompt === b.renderedPrompt &&
    a.review === b.review
  );
}

/** One row's item: re-renders only when that item's object changes. */
export function useItemAt(store: ItemsStore, index: number): ItemViewDto | undefined {
  return useSyncExternalStore(store.subscribe, () => store.getItem(index));
}

export function useItemsTotal(store: ItemsStore): number | null {
  return useSyncExternalStore(store.subscribe, store.getTotal);
}

export function useItemsError(store: ItemsStore): string | null {
  return useSyncExternalStore(store.subscribe, store.getError);
}

/** A store for one query, started while the component is mounted (StrictMode-safe). */
export function useItemsStore(query: () => ItemQuery): ItemsStore {
  const [store] = useState(() => new ItemsStore(query()));
  useEffect(() => {
    store.start();
    return () => store.dispose();
  }, [store]);
  return store;
}
