// The full-screen review of the grid's videos: the source still beside the video, and with
// takes every take of the image side by side (the current one with sound and controls, the
// others muted and looping), so a video is judged against its image and its siblings. The keys
// are shown: ← and → move (when the focus is not on a video, whose own arrows seek), K keeps,
// R rejects, U clears, Space plays or pauses, Esc closes and returns to the grid at that video.
import { useEffect, useRef } from 'react';
import type { ItemReviewDto, ItemViewDto } from '@common/contract';
import { useI18n } from '../i18n';
import { fileNameOf } from '../lib/format';
import { useApp } from '../store/app-context';
import { useItemAt, type ItemsStore } from '../store/items-store';
import { Dialog } from './Dialog';
import { PLAYER_SHORTCUTS, ShortcutKeys } from './ShortcutKeys';
import './ReviewPlayer.css';

interface Props {
  store: ItemsStore;
  index: number;
  total: number;
  /** The takes of the current image (indexes start..start+count-1), or null without takes. */
  takes: { start: number; count: number } | null;
  onMove: (index: number) => void;
  onReview: (item: ItemViewDto, review: ItemReviewDto | null) => void;
  onClose: () => void;
}

const VERDICT_KEYS: Record<string, ItemReviewDto | null> = { k: 'kept', r: 'rejected', u: null };

export function ReviewPlayer({ store, index, total, takes, onMove, onReview, onClose }: Props) {
  const { t } = useI18n();
  const { info } = useApp();
  const item = useItemAt(store, index);
  const stage = useRef<HTMLDivElement>(null);
  const previous = index > 0 ? () => onMove(index - 1) : null;
  const next = index < total - 1 ? () => onMove(index + 1) : null;
  const shown = takes ? Array.from({ length: takes.count }, (_, k) => takes.start + k) : [index];

  // The dialog is modal, so every key pressed while it is open is meant for it.
  const onKey = useRef<(event: KeyboardEvent) => void>(() => {});
  useEffect(() => {
    onKey.current = (event) => {
      const target = event.target as HTMLElement;
      if (target.tagName === 'VIDEO' || event.ctrlKey || event.metaKey || event.altKey) return;
      const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
      if (key === 'ArrowLeft' && previous) previous();
      else if (key === 'ArrowRight' && next) next();
      else if (key in VERDICT_KEYS && item?.state === 'done') onReview(item, VERDICT_KEYS[key]!);
      else if (key === ' ' && target.tagName !== 'BUTTON') {
        const video = stage.current?.querySelector<HTMLVideoElement>('[data-current=true] video');
        if (video?.paused) void video.play().catch(() => {});
        else video?.pause();
      } else return;
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
      full
      testId="review-player"
      footer={
        <>
          <ShortcutKeys shortcuts={PLAYER_SHORTCUTS} testId="review-player-keys" />
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
      <div className="review-player" ref={stage}>
        <div className={shown.length > 1 ? 'review-stage review-stage-takes' : 'review-stage'}>
          {item && (
            <figure className="review-still" data-testid="review-player-still">
              <img
                src={`${info.mediaBaseUrl}/item/${item.id}/still`}
                alt={t('review.sourceOf', { name: item.relativePath })}
              />
              <figcaption className="muted small">{t('review.source')}</figcaption>
            </figure>
          )}
          {shown.map((i) => (
            <Take key={i} store={store} index={i} current={i === index} onPick={() => onMove(i)} />
          ))}
        </div>
        <p className="muted small" data-testid="review-player-position">
          {t('review.position', { index: index + 1, total })}
          {item ? ` · ${item.review ? t(`review.verdict.${item.review}`) : t('review.verdict.none')}` : ''}
        </p>
        {item && <p className="prompt-full">{item.renderedPrompt}</p>}
      </div>
    </Dialog>
  );
}

/** One take: the current one plays with sound and controls; the others loop muted, a click away. */
function Take({
  store,
  index,
  current,
  onPick,
}: {
  store: ItemsStore;
  index: number;
  current: boolean;
  onPick: () => void;
}) {
  const { t } = useI18n();
  const { info } = useApp();
  const item = useItemAt(store, index);
  if (!item || item.state !== 'done') return null;
  const name = item.outputRelativePath ? fileNameOf(item.outputRelativePath) : item.relativePath;
  const verdict = item.review ? t(`review.verdict.${item.review}`) : t('review.verdict.none');
  return (
    <figure className={current ? 'review-take review-take-current' : 'review-take'} data-current={current}>
      <video
        key={item.id}
        className="video"
        src={`${info.mediaBaseUrl}/item/${item.id}/video`}
        controls={current}
        autoPlay
        muted={!current}
        loop={!current}
        playsInline
        aria-label={t('items.videoOf', { name })}
        data-testid={current ? 'review-player-video' : 'review-player-take'}
      />
      <figcaption className="small">
        {current ? (
          <span className="review-take-name">{name}</span>
        ) : (
          <button type="button" className="button button-small button-quiet" onClick={onPick}>
            {t('review.showTake', { name })}
          </button>
        )}{' '}
        <span className={item.review ? `verdict verdict-${item.review}` : 'verdict muted'}>{verdict}</span>
      </figcaption>
    </figure>
  );
}
