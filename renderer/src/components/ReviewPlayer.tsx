// The full-size player of the review grid: one video with sound and controls, the verdict
// buttons, and previous / next (also ← and → when the focus is not on the video itself, whose
// own arrows seek). K and R work here too. Esc closes and returns to the grid at that video.
import { useEffect, useRef } from 'react';
import type { ItemReviewDto, ItemViewDto } from '../../../preload/contract';
import { useI18n } from '../i18n';
import { useApp } from '../store/app-context';
import { useItemAt, type ItemsStore } from '../store/items-store';
import { Dialog } from './Dialog';

interface Props {
  store: ItemsStore;
  index: number;
  total: number;
  onMove: (index: number) => void;
  onReview: (item: ItemViewDto, review: ItemReviewDto | null) => void;
  onClose: () => void;
}

export function ReviewPlayer({ store, index, total, onMove, onReview, onClose }: Props) {
  const { t } = useI18n();
  const { info } = useApp();
  const item = useItemAt(store, index);
  const previous = index > 0 ? () => onMove(index - 1) : null;
  const next = index < total - 1 ? () => onMove(index + 1) : null;

  // The dialog is modal, so every key pressed while it is open is meant for it.
  const onKey = useRef<(event: KeyboardEvent) => void>(() => {});
  useEffect(() => {
    onKey.current = (event) => {
      const target = event.target as HTMLElement;
      if (target.tagName === 'VIDEO' || event.ctrlKey || event.metaKey || event.altKey) return;
      const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
      if (key === 'ArrowLeft' && previous) previous();
      else if (key === 'ArrowRight' && next) next();
      else if ((key === 'k' || key === 'r') && item?.state === 'done')
        onReview(item, key === 'k' ? 'kept' : 'rejected');
      else return;
      event.preventDefault();
    };
  });
  useEffect(() => {
    const listener = (event: KeyboardEvent) => onKey.current(event);
    document.addEventListener('keydown', listener);
    return () => document.removeEventListener('keydown', listener);
  }, []);

  return (
    <Dialog
      title={item?.relativePath ?? t('common.loading')}
      onClose={onClose}
      wide
      testId="review-player"
      footer={
        <>
          <button type="button" className="button" disabled={!previous} onClick={() => previous?.()}>
            {t('review.previous')}
          </button>
          <button type="button" className="button" disabled={!next} onClick={() => next?.()}>
            {t('review.next')}
          </button>
          {item?.state === 'done' &&
            (['kept', 'rejected'] as const).map((review) => (
              <button
                key={review}
                type="button"
                className="button"
                aria-pressed={item.review === review}
                onClick={() => onReview(item, item.review === review ? null : review)}
              >
                {t(`review.action.${review}`)}
              </button>
            ))}
        </>
      }
    >
      <div className="review-player">
        {item?.state === 'done' && (
          <video
            key={item.id}
            className="video"
            src={`${info.mediaBaseUrl}/item/${item.id}/video`}
            controls
            autoPlay
            playsInline
            aria-label={t('items.videoOf', { name: item.relativePath })}
            data-testid="review-player-video"
          />
        )}
        <p className="muted small" data-testid="review-player-position">
          {t('review.position', { index: index + 1, total })}
          {item ? ` · ${item.review ? t(`review.verdict.${item.review}`) : t('review.verdict.none')}` : ''}
        </p>
        {item && <p className="prompt-full">{item.renderedPrompt}</p>}
      </div>
    </Dialog>
  );
}
