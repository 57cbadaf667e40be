// The morning review: a virtualized grid of the batch's videos. Only the rows on screen are
// mounted (a few dozen <video> elements for 2,000 items), each fetching its metadata and one
// poster frame. The focused cell takes the keys: arrows move, K keeps, R rejects, U undoes,
// Space plays with sound, Enter opens the full-size player (previous / next). Filters: all
// videos, unreviewed, kept, rejected, and the failed items (with their reasons).
import { useVirtualizer } from '@tanstack/react-virtual';
import {
  useCallback,
  useEffect,
  useId,
  useRef,
  useState,
  type KeyboardEvent as ReactKeyboardEvent,
  type RefObject,
} from 'react';
import type { BatchViewDto, ItemReviewDto, ItemViewDto } from '../../../preload/contract';
import { api, errorText } from '../api';
import { useI18n } from '../i18n';
import { formatCount } from '../lib/format';
import { gridTarget, REVIEW_FILTERS, type ReviewFilterKey } from '../lib/review';
import { useRovingFocus } from '../lib/use-roving-focus';
import { useItemsError, useItemsStore, useItemsTotal } from '../store/items-store';
import { showToast } from '../store/toasts';
import { ReviewCell } from './ReviewCell';
import { ReviewPlayer } from './ReviewPlayer';
import { ReviewToolbar } from './ReviewToolbar';
import { ErrorAlert } from './ErrorAlert';
import { HiddenHint } from './VisuallyHidden';
import './ReviewGrid.css';

const CELL_MIN_WIDTH = 240;
const ROW_HEIGHT = 236;

export function ReviewGrid({ batch, onChanged }: { batch: BatchViewDto; onChanged: () => void }) {
  const { t } = useI18n();
  const [filter, setFilter] = useState<ReviewFilterKey>('videos');
  return (
    <section className="review-section" aria-label={t('review.title')} data-testid="review-grid">
      <ReviewToolbar batch={batch} filter={filter} onFilter={setFilter} onChanged={onChanged} />
      <Grid key={`${batch.id}|${filter}`} batchId={batch.id} filter={filter} />
    </section>
  );
}

/** Columns that fit the scroller's width, kept up to date as the window (or the zoom) changes. */
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

function Grid({ batchId, filter }: { batchId: number; filter: ReviewFilterKey }) {
  const { t, locale } = useI18n();
  const store = useItemsStore(() => {
    const { states, reviews } = REVIEW_FILTERS[filter];
    return { batchId, states, search: '', reviews };
  });
  const total = useItemsTotal(store) ?? 0;
  const error = useItemsError(store);
  const scrollRef = useRef<HTMLDivElement>(null);
  const columns = useColumns(scrollRef);
  const hintId = useId();
  // The focused cell's row stays mounted when scrolled away, so the focus is never dropped.
  const { activeIndex, setActiveIndex, focusRequest, rangeExtractor, bodyProps } = useRovingFocus(
    scrollRef,
    '[role=gridcell]',
    (index) => Math.floor(index / columns),
  );
  const [playerIndex, setPlayerIndex] = useState<number | null>(null);
  const rowCount = Math.ceil(total / columns);

  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer is read during render by design
  const virtualizer = useVirtualizer({
    count: rowCount,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 1,
    rangeExtractor,
  });
  const rows = virtualizer.getVirtualItems();
  const firstIndex = (rows[0]?.index ?? 0) * columns;
  const lastIndex = ((rows[rows.length - 1]?.index ?? 0) + 1) * columns - 1;
  useEffect(() => {
    store.setVisibleRange(firstIndex, Math.min(lastIndex, Math.max(0, total - 1)));
  }, [store, firstIndex, lastIndex, total]);

  // A cell that left the filter (kept under "unreviewed") may leave the focus past the end.
  const active = Math.min(activeIndex, Math.max(0, total - 1));

  const moveTo = (index: number, focus = true) => {
    setActiveIndex(index);
    if (focus) focusRequest.current = index;
    virtualizer.scrollToIndex(Math.floor(index / columns), { align: 'auto' });
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
    const next = gridTarget(key, index, total, columns);
    if (next === null) return;
    event.preventDefault();
    moveTo(next);
  };

  return (
    <div className="review-wrap">
      <ErrorAlert error={error} />
      <p className="muted small review-count" data-testid="review-count">
        {t('review.count', { count: formatCount(total, locale) })}
      </p>
      {total === 0 && <p className="empty muted">{t(`review.empty.${filter}`)}</p>}
      <HiddenHint id={hintId}>{t('review.gridHint')}</HiddenHint>
      <div ref={scrollRef} className="review-scroll" data-testid="review-scroll" tabIndex={-1}>
        <div
          role="grid"
          aria-label={t('review.title')}
          aria-describedby={hintId}
          aria-rowcount={rowCount}
          aria-colcount={columns}
          {...bodyProps(virtualizer.getTotalSize(), onKeyDown)}
        >
          {rows.map((row) => (
            <div
              key={row.key}
              role="row"
              aria-rowindex={row.index + 1}
              className="review-row"
              style={{
                position: 'absolute',
                top: 0,
                left: 0,
                right: 0,
                height: ROW_HEIGHT,
                transform: `translateY(${row.start}px)`,
                gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
              }}
            >
              {Array.from({ length: columns }, (_, column) => row.index * columns + column)
                .filter((index) => index < total)
                .map((index) => (
                  <ReviewCell
                    key={index}
                    store={store}
                    index={index}
                    tabbable={index === active}
                    onReview={review}
                  />
                ))}
            </div>
          ))}
        </div>
      </div>
      {playerIndex !== null && (
        <ReviewPlayer
          store={store}
          index={Math.min(playerIndex, Math.max(0, total - 1))}
          total={total}
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
