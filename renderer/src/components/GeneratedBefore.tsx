// An "already generated" item (in a batch, or skipped in the preview) leads to the video it
// stands for: Play it here, Show it in its folder, and open the batch that made it. The reason
// carries that item's and batch's ids (intake/plan-item.ts); rows stored before it did show none.
import { useState } from 'react';
import type { Reason } from '@common/reasons';
import { api } from '../api';
import { useI18n } from '../i18n';
import { useAction } from '../lib/use-action';
import { routeHash } from '../lib/route';
import { useApp } from '../store/app-context';
import { Dialog } from './Dialog';

/** The item whose video an "already generated" reason points at, and its batch. */
export function generatedBy(
  reason: Reason | null | undefined,
): { itemId: number; batchId: number | null } | null {
  if (reason?.code !== 'plan_already_generated') return null;
  const { item, batch } = reason.params;
  if (typeof item !== 'number') return null;
  return { itemId: item, batchId: typeof batch === 'number' ? batch : null };
}

export function GeneratedBefore({ reason, name }: { reason: Reason | null | undefined; name: string }) {
  const { t } = useI18n();
  const { info } = useApp();
  const { run } = useAction();
  const [playing, setPlaying] = useState(false);
  const source = generatedBy(reason);
  if (!source) return null;
  return (
    <>
      <button
        type="button"
        className="button button-small button-primary"
        onClick={() => setPlaying(true)}
        aria-label={t('items.playNamed', { name })}
        data-testid="generated-play"
      >
        <span aria-hidden="true">▶</span> {t('items.play')}
      </button>
      <button
        type="button"
        className="button button-small"
        onClick={() => void run(() => api().item.showInFolder({ itemId: source.itemId }))}
        aria-label={t('items.showInFolderNamed', { name })}
        data-testid="generated-show"
      >
        {t('items.showInFolder')}
      </button>
      {source.batchId !== null && (
        <a
          className="button button-small button-quiet"
          href={routeHash({ screen: 'batch', batchId: source.batchId })}
          aria-label={t('items.madeInNamed', { batch: source.batchId, name })}
          data-testid="generated-batch"
        >
          {t('items.madeIn', { batch: source.batchId })}
        </a>
      )}
      {playing && (
        <Dialog title={name} onClose={() => setPlaying(false)} wide testId="generated-video">
          <video
            className="video"
            src={`${info.mediaBaseUrl}/item/${source.itemId}/video`}
            controls
            autoPlay
            playsInline
            aria-label={t('items.videoOf', { name })}
          />
        </Dialog>
      )}
    </>
  );
}
