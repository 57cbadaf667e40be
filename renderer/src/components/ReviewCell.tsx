// One cell of the review grid: the video itself as its poster (the frame at 0.1 s; only the
// metadata and that frame are fetched until it plays), playing muted while hovered or focused,
// with the file name, the verdict, and Keep / Reject buttons for the mouse (the keyboard uses
// K and R on the focused cell), and a Select box (X on the focused cell). A failed item shows
// its image and the reason instead. The cell's name is its visible text (name, verdict,
// buttons), so speech and voice control agree.
import { memo, useEffect, useRef } from 'react';
import type { ItemReviewDto, ItemViewDto } from '@common/contract';
import { useI18n } from '../i18n';
import { fileNameOf } from '../lib/format';
import { itemReasonText } from '../lib/item-reason';
import { useApp } from '../store/app-context';
import { useItemAt, type ItemsStore } from '../store/items-store';
import { Thumb } from './Thumb';
import { SelectBox } from './SelectBox';
import './ReviewCell.css';

/** The poster frame: a little past the start, where a fade-in usually has something to show. */
export const POSTER_FRAGMENT = '#t=0.1';
const POSTER_SECONDS = 0.1;

interface CellProps {
  store: ItemsStore;
  index: number;
  tabbable: boolean;
  onReview: (item: ItemViewDto, review: ItemReviewDto | null) => void;
  /** The grid's selection (item ids) and how to add or remove one. */
  selected: ReadonlySet<number>;
  onToggle: (itemId: number) => void;
  /** Under an image's header (takes): name the cell by its video (…-take2.mp4), not the image. */
  byVideo?: boolean;
}

export const ReviewCell = memo(function ReviewCell({
  store,
  index,
  tabbable,
  onReview,
  selected,
  onToggle,
  byVideo = false,
}: CellProps) {
  const item = useItemAt(store, index);
  const { t } = useI18n();
  if (!item)
    return (
      <div
        role="gridcell"
        className="review-cell review-cell-loading"
        data-index={index}
        tabIndex={tabbable ? 0 : -1}
      >
        <span className="visually-hidden">{t('common.loading')}</span>
      </div>
    );
  return (
    <LoadedCell
      item={item}
      index={index}
      tabbable={tabbable}
      onReview={onReview}
      selected={selected.has(item.id)}
      onToggle={onToggle}
      byVideo={byVideo}
    />
  );
});

function LoadedCell({
  item,
  index,
  tabbable,
  onReview,
  selected,
  onToggle,
  byVideo,
}: {
  item: ItemViewDto;
  index: number;
  tabbable: boolean;
  onReview: CellProps['onReview'];
  selected: boolean;
  onToggle: CellProps['onToggle'];
  byVideo: boolean;
}) {
  const { t, language } = useI18n();
  const { info } = useApp();
  const video = useRef<HTMLVideoElement>(null);
  const name = fileNameOf(
    (byVideo ? (item.outputPath ?? item.outputRelativePath) : null) ?? item.relativePath,
  );
  const hasVideo = item.state === 'done';
  const verdict = item.review ? t(`review.verdict.${item.review}`) : t('review.verdict.none');

  const preview = (on: boolean) => {
    const element = video.current;
    if (!element) return;
    if (on) {
      element.muted = true;
      void element.play().catch(() => {});
    } else {
      element.pause();
      element.currentTime = POSTER_SECONDS;
    }
  };
  // A recycled cell (the grid reuses elements while scrolling) must not keep playing.
  useEffect(() => () => video.current?.pause(), []);

  return (
    <div
      role="gridcell"
      className={`review-cell${item.review ? ` review-${item.review}` : ''}${selected ? ' review-selected' : ''}`}
      aria-selected={selected}
      data-index={index}
      data-item-id={item.id}
      data-review={item.review ?? 'none'}
      data-testid="review-cell"
      tabIndex={tabbable ? 0 : -1}
      onMouseEnter={() => preview(true)}
      onMouseLeave={() => preview(false)}
      onFocus={(event) => event.target === event.currentTarget && preview(true)}
      onBlur={(event) => event.target === event.currentTarget && preview(false)}
    >
      <div className="review-media">
        {hasVideo ? (
          <video
            ref={video}
            className="review-video"
            src={`${info.mediaBaseUrl}/item/${item.id}/video${POSTER_FRAGMENT}`}
            preload="metadata"
            muted
            loop
            playsInline
            aria-hidden="true"
            data-testid="review-video"
          />
        ) : (
          <Thumb src={`${info.mediaBaseUrl}/item/${item.id}/thumb`} size={96} />
        )}
      </div>
      <div className="review-caption">
        {/* A take's name is cut at its start, so its end (…-take2.mp4) stays readable. */}
        <span
          className={byVideo ? 'review-name review-name-end' : 'review-name'}
          title={byVideo ? name : item.relativePath}
        >
          {byVideo ? <bdi>{name}</bdi> : name}
        </span>
        {hasVideo ? (
          <span className="review-badge">
            <span aria-hidden="true">
              {item.review === 'kept' ? '✓ ' : item.review === 'rejected' ? '✕ ' : ''}
            </span>
            {verdict}
          </span>
        ) : (
          <span className="review-reason">{itemReasonText(item, language) ?? t(`state.${item.state}`)}</span>
        )}
      </div>
      <div className="review-actions">
        <SelectBox
          className="review-select"
          checked={selected}
          onToggle={() => onToggle(item.id)}
          testId="review-select"
        >
          {t('review.select')}
        </SelectBox>
        {hasVideo &&
          (['kept', 'rejected'] as const).map((review) => (
            <button
              key={review}
              type="button"
              tabIndex={-1}
              className="button button-small"
              aria-pressed={item.review === review}
              onClick={() => onReview(item, item.review === review ? null : review)}
            >
              {t(`review.action.${review}`)}
            </button>
          ))}
      </div>
    </div>
  );
}
