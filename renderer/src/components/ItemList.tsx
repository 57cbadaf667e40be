// The batch's items: state filters, a name search, and a virtualized list that renders only
// the rows on screen and fetches only their pages, so 10,000 items scroll like 10. Items can be
// selected (X on a row, or its box; kept across filters) for "Retry selected" or a re-run.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useId, useRef, useState, type KeyboardEvent as ReactKeyboardEvent } from 'react';
import type { BatchViewDto } from '@common/contract';
import { useI18n } from '../i18n';
import { formatCount } from '../lib/format';
import { FILTERS, type FilterKey } from '../lib/states';
import { useRovingFocus } from '../lib/use-roving-focus';
import { useSelection, type Selection } from '../lib/use-selection';
import { rowPlace } from '../lib/virtual-row';
import { useItemsError, useItemsStore, useItemsTotal } from '../store/items-store';
import { countOf } from '@common/batch-figures';
import { FilterChip } from './FilterChip';
import { ItemRow } from './ItemRow';
import { ErrorAlert } from './ErrorAlert';
import { SelectionBar } from './SelectionBar';
import { HiddenHint, HiddenLabel } from './VisuallyHidden';
import './ItemList.css';

/** The estimate; rows are measured, so a narrow window (200 % zoom) can wrap a row onto more lines. */
const ROW_HEIGHT = 84;
const SEARCH_DEBOUNCE_MS = 250;

export function ItemList({ batch, onChanged }: { batch: BatchViewDto; onChanged?: () => void }) {
  const { t, locale } = useI18n();
  const [filter, setFilter] = useState<FilterKey>('all');
  const selection = useSelection(`items|${batch.id}`);
  const [searchText, setSearchText] = useState('');
  const [search, setSearch] = useState('');
  const searchId = useId();

  useEffect(() => {
    const timer = setTimeout(() => setSearch(searchText.trim()), SEARCH_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [searchText]);

  const filterKeys = Object.keys(FILTERS) as FilterKey[];
  return (
    <section className="item-section" aria-label={t('items.title')}>
      <div className="item-toolbar">
        <div className="filters" role="group" aria-label={t('items.filterLabel')}>
          {filterKeys.map((key) => {
            const states = FILTERS[key];
            const count = states ? countOf(batch, states) : batch.total;
            if (key !== 'all' && count === 0 && filter !== key) return null;
            return (
              <FilterChip key={key} pressed={filter === key} onSelect={() => setFilter(key)}>
                {t(`filter.${key}`)} <span className="filter-count">{formatCount(count, locale)}</span>
              </FilterChip>
            );
          })}
        </div>
        <div className="search">
          <HiddenLabel htmlFor={searchId}>{t('items.search')}</HiddenLabel>
          <input
            id={searchId}
            type="search"
            placeholder={t('items.search')}
            value={searchText}
            onChange={(e) => setSearchText(e.target.value)}
            data-testid="item-search"
          />
        </div>
        <SelectionBar batch={batch} selection={selection} onChanged={onChanged} />
      </div>
      <Rows
        key={`${batch.id}|${filter}|${search}`}
        batchId={batch.id}
        filter={filter}
        search={search}
        selection={selection}
      />
    </section>
  );
}

/** Keys that move the focus between rows, and where to. */
function targetIndex(key: string, index: number, total: number, pageRows: number): number | null {
  switch (key) {
    case 'ArrowDown':
      return Math.min(total - 1, index + 1);
    case 'ArrowUp':
      return Math.max(0, index - 1);
    case 'Home':
      return 0;
    case 'End':
      return total - 1;
    case 'PageDown':
      return Math.min(total - 1, index + pageRows);
    case 'PageUp':
      return Math.max(0, index - pageRows);
    default:
      return null;
  }
}

function Rows({
  batchId,
  filter,
  search,
  selection,
}: {
  batchId: number;
  filter: FilterKey;
  search: string;
  selection: Selection;
}) {
  const { t } = useI18n();
  const store = useItemsStore(() => ({ batchId, states: FILTERS[filter], search }));
  const total = useItemsTotal(store);
  const error = useItemsError(store);
  const scrollRef = useRef<HTMLDivElement>(null);
  const hintId = useId();
  // Roving focus: one row is in the Tab order; arrows move it (use-roving-focus.ts).
  const { activeIndex, setActiveIndex, focusRequest, keep, rangeExtractor, bodyProps } = useRovingFocus(
    scrollRef,
    '[data-index]',
  );

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render by design
  const virtualizer = useVirtualizer({
    count: total ?? 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
    rangeExtractor,
  });
  const rows = virtualizer.getVirtualItems();
  // The page fetch follows what is on screen, not the one row kept for the focus.
  const others = keep === null ? rows : rows.filter((row) => row.index !== keep);
  const keptInside =
    keep !== null &&
    others.length > 0 &&
    keep >= others[0]!.index - 1 &&
    keep <= others[others.length - 1]!.index + 1;
  const onScreen = keptInside || others.length === 0 ? rows : others;
  const first = onScreen[0]?.index ?? 0;
  const last = onScreen[onScreen.length - 1]?.index ?? 0;
  useEffect(() => {
    store.setVisibleRange(first, last);
  }, [store, first, last]);

  const count = total ?? 0;
  const tabbable = rows.some((row) => row.index === activeIndex) ? activeIndex : (rows[0]?.index ?? 0);
  const onKeyDown = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    // Only on a row itself: keys inside its buttons or its dialogs keep their own meaning.
    if (!target.hasAttribute('data-index') || count === 0) return;
    if (event.key === 'Enter') {
      event.preventDefault();
      target.querySelector<HTMLElement>('[data-testid=details-button]')?.click();
      return;
    }
    if (event.key.toLowerCase() === 'x' && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      const item = store.getItem(Number(target.dataset.index));
      if (item) selection.toggle(item.id);
      return;
    }
    const pageRows = Math.max(
      1,
      Math.floor((scrollRef.current?.clientHeight ?? ROW_HEIGHT) / ROW_HEIGHT) - 1,
    );
    const next = targetIndex(event.key, Number(target.dataset.index), count, pageRows);
    if (next === null) return;
    event.preventDefault();
    setActiveIndex(next);
    focusRequest.current = next;
    virtualizer.scrollToIndex(next, { align: 'auto' });
  };

  return (
    <div className="item-list-wrap">
      <ErrorAlert error={error} />
      {total === 0 && <p className="empty muted">{search ? t('items.noMatch') : t('items.empty')}</p>}
      <HiddenHint id={hintId}>{t('items.listHint')}</HiddenHint>
      <div
        ref={scrollRef}
        className="item-scroll"
        data-testid="item-scroll"
        tabIndex={-1}
        aria-busy={total === null}
      >
        <div
          role="list"
          aria-label={t('items.title')}
          aria-describedby={hintId}
          {...bodyProps(virtualizer.getTotalSize(), onKeyDown)}
        >
          {rows.map((row) => (
            <div
              key={row.key}
              ref={virtualizer.measureElement}
              data-index={row.index}
              role="listitem"
              aria-setsize={count}
              aria-posinset={row.index + 1}
              tabIndex={row.index === tabbable ? 0 : -1}
              className="item-row-slot"
              style={rowPlace(row.start)}
            >
              <ItemRow store={store} index={row.index} selected={selection.ids} onToggle={selection.toggle} />
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
