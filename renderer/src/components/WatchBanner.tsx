// A watching batch says so on its screen: which folders it takes new images from, the last
// image it took and when, and Stop watching (the batch then ends once its videos are done).
import type { BatchViewDto } from '@common/contract';
import { api, errorText } from '../api';
import { useI18n } from '../i18n';
import { fileNameOf } from '../lib/format';
import { showToast } from '../store/toasts';

export function WatchBanner({ batch }: { batch: BatchViewDto }) {
  const { t, locale } = useI18n();
  const watch = batch.watch;
  if (!watch?.active || batch.state === 'finished' || batch.state === 'cancelled') return null;
  const stop = () =>
    api()
      .queue.stopWatching({ batchId: batch.id })
      .then(() => showToast(t('watch.stopped')))
      .catch((error: unknown) => showToast(errorText(error), 'error'));
  return (
    <section className="banner banner-info" aria-labelledby="watch-title" data-testid="watch-banner">
      <div>
        <h2 id="watch-title">{t('watch.title')}</h2>
        <p>{t('watch.folders', { folders: watch.folders.join(', ') })}</p>
        <p className="muted small" data-testid="watch-last">
          {watch.lastTaken
            ? t('watch.lastTaken', {
                name: fileNameOf(watch.lastTaken.path),
                time: new Date(watch.lastTaken.at).toLocaleTimeString(locale, {
                  hour: '2-digit',
                  minute: '2-digit',
                }),
              })
            : t('watch.noneYet')}
        </p>
      </div>
      <button type="button" className="button" onClick={() => void stop()}>
        {t('watch.stop')}
      </button>
    </section>
  );
}
