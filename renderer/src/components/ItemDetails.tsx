// Everything about one item: the full prompt, why it failed (the cause first; RunComfy's whole
// text and the request id below it, never our internal codes), notes, where its video is, and
// the video itself, played in the app.
import type { ItemViewDto } from '@common/contract';
import { useI18n } from '../i18n';
import { formatReason } from '@common/reasons';
import { formatDateTime } from '../lib/format';
import { useMoney } from '../lib/money';
import { itemReasonText, providerWords } from '../lib/item-reason';
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
  const money = useMoney();
  const why = itemReasonText(item, language);
  const provider = providerWords(item);
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
            </dd>
          </>
        )}
        {provider && (
          <>
            <dt>{t('details.providerWords')}</dt>
            <dd className="small" data-testid="item-provider-words">
              {provider}
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
            ? money(item.costUsd)
            : t('details.estimated', { cost: money(item.estimatedCostUsd) })}
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
                {item.notes
                  .map((note) => (typeof note === 'string' ? note : formatReason(note, language)))
                  .map((note) => (
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
