// The batch's items: state filters, a name search, and a virtualized list that renders only
// the rows on screen and fetches only their pages, so 10,000 items scroll like 10.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useId, useRef, useState } from 'react';
import type { BatchViewDto } from '../../../preload/contract';
import { useI18n } from '../i18n';
import { formatCount } from '../lib/format';
import { FILTERS, type FilterKey } from '../lib/states';
import { ItemsStore, useItemsError, useItemsTotal } from '../store/items-store';
import { countOf } from './BatchHeader';
import { ItemRow } from './ItemRow';

const ROW_HEIGHT = 84;
const SEARCH_DEBOUNCE_MS = 250;

export function ItemList({ batch }: { batch: BatchViewDto }) {
  const { t, locale } = useI18n();
  const [filter, setFilter] = useState<FilterKey>('all');
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
              <button
                key={key}
                type="button"
                className="filter-chip"
                aria-pressed={filter === key}
                onClick={() => setFilter(key)}
              >
                {t(`filter.${key}`)} <span className="filter-count">{formatCount(count, locale)}</span>
              </button>
            );
          })}
        </div>
        <div className="search">
          <label htmlFor={searchId} className="visually-hidden">
            {t('items.search')}
          </label>
          <input
            id={searchId}
            type="search"
            placeholder={t('items.search')}
            value={searchText}
            onChange={(e) => setSearchText(e.target.value)}
            data-testid="item-search"
          />
        </div>
      </div>
      <Rows key={`${batch.id}|${filter}|${search}`} batchId={batch.id} filter={filter} search={search} />
    </section>
  );
}

function Rows({ batchId, filter, search }: { batchId: number; filter: FilterKey; search: string }) {
  const { t } = useI18n();
  const [store] = useState(() => new ItemsStore({ batchId, states: FILTERS[filter], search }));
  useEffect(() => {
    store.start();
    return () => store.dispose();
  }, [store]);
  const total = useItemsTotal(store);
  const error = useItemsError(store);
  const scrollRef = useRef<HTMLDivElement>(null);

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render by design
  const virtualizer = useVirtualizer({
    count: total ?? 0,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 6,
  });
  const rows = virtualizer.getVirtualItems();
  const first = rows[0]?.index ?? 0;
  const last = rows[rows.length - 1]?.index ?? 0;
  useEffect(() => {
    store.setVisibleRange(first, last);
  }, [store, first, last]);

  return (
    <div className="item-list-wrap">
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
      {total === 0 && <p className="empty muted">{search ? t('items.noMatch') : t('items.empty')}</p>}
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
          style={{ height: virtualizer.getTotalSize(), position: 'relative' }}
        >
          {rows.map((row) => (
            <div
              key={row.key}
              role="listitem"
              className="item-row-slot"
              style={{
                position: 'absolute',
                top: 0,
                left: 0,
                right: 0,
                height: row.size,
                transform: `translateY(${row.start}px)`,
              }}
            >
              <ItemRow store={store} index={row.index} />
            </div>
          ))}
        </div>
      </div>
    </div>
  );
}
