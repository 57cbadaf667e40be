// The morning review: a virtualized grid of the batch's videos. Only the rows on screen are
// mounted (a few dozen <video> elements for 2,000 items), each fetching its metadata and one
// poster frame. The focused cell takes the keys: arrows move, K keeps, R rejects, U undoes,
// X selects, Space plays with sound, Enter opens the full-size player (previous / next).
// Filters: all videos, unreviewed, kept, rejected, and the failed items (with their reasons).
// The selection (item ids, kept across filters) is what "Retry selected" and a re-run of the
// selected items take. With takes, each image's videos are grouped under a header row naming it
// (lib/grid-layout.ts).
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type KeyboardEvent as ReactKeyboardEvent,
  type RefObject,
} from 'react';
import type { BatchViewDto, ItemReviewDto, ItemViewDto } from '@common/contract';
import { api, errorText } from '../api';
import { useI18n } from '../i18n';
import { formatCount } from '../lib/format';
import {
  flatLayout,
  groupedLayout,
  indexRange,
  layoutTarget,
  rowOfIndex,
  takesAround,
  type ItemGroup,
} from '../lib/grid-layout';
import { REVIEW_FILTERS, type ReviewFilterKey } from '../lib/review';
import { useAnswer } from '../lib/use-answer';
import { useRovingFocus } from '../lib/use-roving-focus';
import { useSelection, type Selection } from '../lib/use-selection';
import { rowPlace } from '../lib/virtual-row';
import { useItemsError, useItemsStore, useItemsTotal } from '../store/items-store';
import { showToast } from '../store/toasts';
import { ReviewCell } from './ReviewCell';
import { ReviewPlayer } from './ReviewPlayer';
import { ReviewToolbar } from './ReviewToolbar';
import { GRID_SHORTCUTS, ShortcutKeys } from './ShortcutKeys';
import { ErrorAlert } from './ErrorAlert';
import { HiddenHint } from './VisuallyHidden';
import './ReviewGrid.css';

const CELL_MIN_WIDTH = 240;
const ROW_HEIGHT = 236;
const HEADER_HEIGHT = 36;

export function ReviewGrid({ batch, onChanged }: { batch: BatchViewDto; onChanged: () => void }) {
  const { t } = useI18n();
  const [filter, setFilter] = useState<ReviewFilterKey>('videos');
  const selection = useSelection(`review|${batch.id}`);
  return (
    <section className="review-section" aria-label={t('review.title')} data-testid="review-grid">
      <ReviewToolbar
        batch={batch}
        filter={filter}
        onFilter={setFilter}
        onChanged={onChanged}
        selection={selection}
      />
      <Grid
        key={`${batch.id}|${filter}`}
        batchId={batch.id}
        filter={filter}
        grouped={(batch.settings.takes ?? 1) > 1}
        selection={selection}
      />
    </section>
  );
}

/**
 * The page's scroller (the app's <main>) and where the grid starts in it: the grid scrolls with
 * the page rather than in a box of its own, so at 200 % zoom it is not squeezed under the header.
 * The start is measured again whenever something above it changes size (a banner, More figures).
 */
function usePageScroll(body: RefObject<HTMLDivElement | null>): {
  scroller: () => HTMLElement | null;
  margin: number;
} {
  const [margin, setMargin] = useState(0);
  useLayoutEffect(() => {
    const grid = body.current;
    const page = pageOf(grid);
    if (!page || !grid) return;
    const measure = () =>
      setMargin(grid.getBoundingClientRect().top - page.getBoundingClientRect().top + page.scrollTop);
    measure();
    const observer = new ResizeObserver(measure);
    if (page.firstElementChild) observer.observe(page.firstElementChild);
    observer.observe(page);
    return () => observer.disconnect();
  }, [body]);
  return { scroller: () => pageOf(body.current), margin };
}

const pageOf = (element: HTMLElement | null) => element?.closest<HTMLElement>('main') ?? null;

/** Columns that fit the grid's width, kept up to date as the window (or the zoom) changes. */
function useColumns(element: RefObject<HTMLDivElement | null>): number {
  const [columns, setColumns] = useState(4);
  useEffect(() => {
    const target = element.current;
    if (!target) return;
    const measure = () => setColumns(Math.max(1, Math.floor(target.clientWidth / CELL_MIN_WIDTH)));
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(target);
    return () => observer.disconnect();
  }, [element]);
  return columns;
}

/** Each image's run of items under the filter, fetched again whenever the filtered total changes. */
function useGroups(batchId: number, filter: ReviewFilterKey, enabled: boolean, total: number) {
  const { states, reviews } = REVIEW_FILTERS[filter];
  const ask = () =>
    api()
      .items.groups({ batchId, states: [...states], ...(reviews ? { reviews: [...reviews] } : {}) })
      .then((answer): ItemGroup[] => answer.groups);
  return useAnswer(enabled ? ask : null, [batchId, filter, enabled, total]);
}

function Grid({
  batchId,
  filter,
  grouped,
  selection,
}: {
  batchId: number;
  filter: ReviewFilterKey;
  grouped: boolean;
  selection: Selection;
}) {
  const { t, locale } = useI18n();
  const store = useItemsStore(() => {
    const { states, reviews } = REVIEW_FILTERS[filter];
    return { batchId, states, search: '', reviews };
  });
  const total = useItemsTotal(store) ?? 0;
  const error = useItemsError(store);
  const scrollRef = useRef<HTMLDivElement>(null);
  const columns = useColumns(scrollRef);
  const page = usePageScroll(scrollRef);
  const hintId = useId();
  const groups = useGroups(batchId, filter, grouped, total);
  const layout = useMemo(
    () => (grouped ? groupedLayout(groups ?? [], columns) : flatLayout(total, columns)),
    [grouped, groups, total, columns],
  );
  // The focused cell's row stays mounted when scrolled away, so the focus is never dropped.
  const { activeIndex, setActiveIndex, focusRequest, rangeExtractor, bodyProps } = useRovingFocus(
    scrollRef,
    '[role=gridcell]',
    (index) => Math.max(0, rowOfIndex(layout, index)),
  );
  const [playerIndex, setPlayerIndex] = useState<number | null>(null);
  const rowCount = layout.rows.length;

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render by design
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: page.scroller,
    scrollMargin: page.margin,
    estimateSize: (row) => (layout.rows[row]?.kind === 'header' ? HEADER_HEIGHT : ROW_HEIGHT),
    overscan: 1,
    rangeExtractor,
  });
  // Header and cell rows differ in height: measure again when the layout changes.
  useEffect(() => virtualizer.measure(), [virtualizer, layout]);
  const rows = virtualizer.getVirtualItems();
  const range = indexRange(layout, rows[0]?.index ?? 0, rows[rows.length - 1]?.index ?? -1);
  const firstIndex = range?.[0] ?? 0;
  const lastIndex = range?.[1] ?? 0;
  useEffect(() => {
    store.setVisibleRange(firstIndex, Math.min(lastIndex, Math.max(0, total - 1)));
  }, [store, firstIndex, lastIndex, total]);

  // A cell that left the filter (kept under "unreviewed") may leave the focus past the end.
  const active = Math.min(activeIndex, Math.max(0, total - 1));

  const moveTo = (index: number, focus = true) => {
    setActiveIndex(index);
    if (focus) focusRequest.current = index;
    const row = rowOfIndex(layout, index);
    if (row >= 0) virtualizer.scrollToIndex(row, { align: 'auto' });
  };

  const review = useCallback(
    async (item: ItemViewDto, verdict: ItemReviewDto | null) => {
      store.patchItem(item.id, { review: verdict });
      try {
        await api().item.review({ itemId: item.id, review: verdict });
      } catch (failure) {
        store.patchItem(item.id, { review: item.review });
        showToast(errorText(failure, t), 'error');
      }
    },
    [store, t],
  );

  const onKeyDown = (event: ReactKeyboardEvent<HTMLDivElement>) => {
    const target = event.target as HTMLElement;
    if (target.getAttribute('role') !== 'gridcell' || total === 0) return;
    const index = Number(target.dataset.index);
    const item = store.getItem(index);
    const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
    const verdicts: Record<string, ItemReviewDto | null> = { k: 'kept', r: 'rejected', u: null };
    if (key in verdicts && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      if (item?.state === 'done') void review(item, verdicts[key]!);
      return;
    }
    if (key === 'x' && !event.ctrlKey && !event.metaKey && !event.altKey) {
      event.preventDefault();
      if (item) selection.toggle(item.id);
      return;
    }
    if (key === 'Enter') {
      event.preventDefault();
      if (item?.state === 'done') setPlayerIndex(index);
      return;
    }
    if (key === ' ') {
      event.preventDefault();
      const video = target.querySelector('video');
      if (!video) return;
      if (video.paused || video.muted) {
        video.muted = false;
        void video.play().catch(() => {});
      } else video.pause();
      return;
    }
    const next = layoutTarget(key, index, layout);
    if (next === null) return;
    event.preventDefault();
    moveTo(next);
  };

  return (
    <div className="review-wrap">
      <ErrorAlert error={error} />
      <div className="review-count-row">
        <p className="muted small review-count" data-testid="review-count">
          {t('review.count', { count: formatCount(total, locale) })}
        </p>
        <ShortcutKeys shortcuts={GRID_SHORTCUTS} testId="review-keys" />
      </div>
      {total === 0 && <p className="empty muted">{t(`review.empty.${filter}`)}</p>}
      <HiddenHint id={hintId}>{t('review.gridHint')}</HiddenHint>
      <div ref={scrollRef} className="review-body" data-testid="review-body">
        <div
          role="grid"
          aria-label={t('review.title')}
          aria-describedby={hintId}
          aria-rowcount={rowCount}
          aria-colcount={columns}
          aria-multiselectable="true"
          {...bodyProps(virtualizer.getTotalSize(), onKeyDown)}
        >
          {rows.map((virtualRow) => {
            const row = layout.rows[virtualRow.index];
            if (!row) return null;
            // A header row names an image (with takes); a cell row holds up to `columns` videos.
            const header = row.kind === 'header';
            return (
              <div
                key={virtualRow.key}
                role="row"
                aria-rowindex={virtualRow.index + 1}
                className={header ? 'review-group' : 'review-row'}
                style={{
                  ...rowPlace(virtualRow.start - page.margin),
                  height: header ? HEADER_HEIGHT : ROW_HEIGHT,
                  gridTemplateColumns: header ? undefined : `repeat(${columns}, minmax(0, 1fr))`,
                }}
              >
                {row.kind === 'header' ? (
                  <div role="rowheader" aria-colspan={columns} className="review-group-name">
                    <span title={row.name}>{row.name}</span>
                    <span className="muted">
                      {' · '}
                      {t('review.groupCount', { count: formatCount(row.count, locale) })}
                    </span>
                  </div>
                ) : (
                  Array.from({ length: row.count }, (_, column) => row.start + column)
                    .filter((index) => index < total)
                    .map((index) => (
                      <ReviewCell
                        key={index}
                        store={store}
                        index={index}
                        tabbable={index === active}
                        onReview={review}
                        selected={selection.ids}
                        onToggle={selection.toggle}
                        byVideo={grouped}
                      />
                    ))
                )}
              </div>
            );
          })}
        </div>
      </div>
      {playerIndex !== null && (
        <ReviewPlayer
          store={store}
          index={Math.min(playerIndex, Math.max(0, total - 1))}
          total={total}
          takes={grouped ? takesAround(groups ?? null, playerIndex) : null}
          onMove={(index) => {
            setPlayerIndex(index);
            moveTo(index, false);
          }}
          onReview={review}
          onClose={() => {
            const back = playerIndex;
            setPlayerIndex(null);
            moveTo(Math.min(back, Math.max(0, total - 1)));
          }}
        />
      )}
    </div>
  );
}
