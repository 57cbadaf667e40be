// Everything about one item: the full prompt, why it failed, notes, where its video is, and
// the video itself, played in the app.
import { reasonText } from '../../../preload/reasons';
import type { ItemViewDto } from '../../../preload/contract';
import { useI18n } from '../i18n';
import { formatDateTime, formatUsd } from '../lib/format';
import { actionFor } from '../lib/states';
import { useApp } from '../store/app-context';
import { Dialog } from './Dialog';

export function ItemDetails({
  item,
  autoPlay,
  onClose,
}: {
  item: ItemViewDto;
  autoPlay: boolean;
  onClose: () => void;
}) {
  const { t, locale, language } = useI18n();
  const { info } = useApp();
  const why = reasonText({ reason: item.reason, message: item.errorMessage }, language);
  return (
    <Dialog title={item.relativePath} onClose={onClose} wide testId="item-details">
      {actionFor(item.state) === 'open' && (
        <video
          className="video"
          src={`${info.mediaBaseUrl}/item/${item.id}/video`}
          controls
          autoPlay={autoPlay}
          playsInline
          aria-label={t('items.videoOf', { name: item.relativePath })}
          data-testid="item-video"
        />
      )}
      <dl className="details">
        <dt>{t('details.state')}</dt>
        <dd>{t(`state.${item.state}`)}</dd>
        {why && (
          <>
            <dt>{t('details.reason')}</dt>
            <dd className="field-error" data-testid="item-reason">
              {why}
              {item.errorCode && <span className="muted small"> ({item.errorCode})</span>}
            </dd>
          </>
        )}
        <dt>{t('details.prompt')}</dt>
        <dd className="prompt-full">{item.renderedPrompt}</dd>
        <dt>{t('details.source')}</dt>
        <dd className="mono">{item.sourcePath}</dd>
        {item.outputPath && (
          <>
            <dt>{t('details.output')}</dt>
            <dd className="mono">{item.outputPath}</dd>
          </>
        )}
        <dt>{t('details.cost')}</dt>
        <dd>
          {item.costUsd !== null
            ? formatUsd(item.costUsd, locale)
            : t('details.estimated', { cost: formatUsd(item.estimatedCostUsd, locale) })}
        </dd>
        <dt>{t('details.attempts')}</dt>
        <dd>{item.attempts}</dd>
        {item.requestId && (
          <>
            <dt>{t('details.requestId')}</dt>
            <dd className="mono">{item.requestId}</dd>
          </>
        )}
        {item.submittedAt && (
          <>
            <dt>{t('details.submitted')}</dt>
            <dd>{formatDateTime(item.submittedAt, locale)}</dd>
          </>
        )}
        {item.finishedAt && (
          <>
            <dt>{t('details.finished')}</dt>
            <dd>{formatDateTime(item.finishedAt, locale)}</dd>
          </>
        )}
        {item.notes.length > 0 && (
          <>
            <dt>{t('details.notes')}</dt>
            <dd>
              <ul>
                {item.notes.map((note) => (
                  <li key={note}>{note}</li>
                ))}
              </ul>
            </dd>
          </>
        )}
      </dl>
    </Dialog>
  );
}
