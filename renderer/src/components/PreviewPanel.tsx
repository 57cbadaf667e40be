// What will be sent, item by item, before anything is paid: thumbnail, rendered prompt,
// settings, output name, cost, and why an item will not be sent. Paged (scan.preview).
import type { PreviewItemDto } from '@common/contract';
import { formatReason, reasonText } from '@common/reasons';
import { useI18n } from '../i18n';
import { useMoney } from '../lib/money';
import { PREVIEW_PAGE, type PreviewState } from '../lib/use-preview';
import { useApp } from '../store/app-context';
import { GeneratedBefore, generatedBy } from './GeneratedBefore';
import { Thumb } from './Thumb';
import { ErrorAlert } from './ErrorAlert';
import './PreviewPanel.css';

interface Props {
  state: PreviewState;
  /** The batch's model, named where a frame is enlarged for it. */
  modelName: string;
}

export function PreviewPanel({
  state: { scanId, preview, loading, error, offset, setOffset },
  modelName,
}: Props) {
  const { t, language } = useI18n();
  const { info } = useApp();
  const money = useMoney();
  const total = preview?.total ?? 0;
  const pages = Math.max(1, Math.ceil(total / PREVIEW_PAGE));
  const page = Math.floor(offset / PREVIEW_PAGE) + 1;
  return (
    <section className="card" aria-labelledby="preview-title" aria-busy={loading} data-testid="preview">
      <div className="card-title-row">
        <h2 id="preview-title">{t('preview.title')}</h2>
        {preview && (
          <nav className="pager" aria-label={t('preview.pager')}>
            <button
              type="button"
              className="button button-small"
              disabled={offset === 0}
              onClick={() => setOffset(Math.max(0, offset - PREVIEW_PAGE))}
            >
              {t('common.previous')}
            </button>
            <span>{t('preview.pageOf', { page, pages })}</span>
            <button
              type="button"
              className="button button-small"
              disabled={page >= pages}
              onClick={() => setOffset(offset + PREVIEW_PAGE)}
            >
              {t('common.next')}
            </button>
          </nav>
        )}
      </div>
      <ErrorAlert error={error} />
      {!preview && !error && <p className="muted">{t('common.loading')}</p>}
      {preview && (
        <ul className="preview-list">
          {preview.items.map((item) => (
            <li key={item.index} className={item.verdict ? 'preview-item not-sent' : 'preview-item'}>
              <Frames
                item={item}
                model={modelName}
                base={`${info.mediaBaseUrl}/scan/${encodeURIComponent(scanId)}/${item.imageIndex}/thumb`}
              />
              <div className="preview-text">
                <div className="item-name">
                  {item.relativePath}
                  {item.take !== undefined && (
                    <span className="take-badge">{t('preview.take', { take: item.take })}</span>
                  )}
                </div>
                <p className="prompt" title={item.renderedPrompt}>
                  {item.renderedPrompt}
                </p>
                {item.shots && (
                  <ol className="preview-shots small" data-testid="preview-shots">
                    {item.shots.map((shot, k) => (
                      <li key={k}>
                        {t('preview.shot', { n: k + 1, seconds: shot.duration })}{' '}
                        <span className="shot-prompt">{shot.prompt}</span>
                      </li>
                    ))}
                  </ol>
                )}
                {(item.elementsUsed?.length ?? 0) > 0 && (
                  <p className="small elements-used" data-testid="elements-used">
                    {t('elements.used', { list: item.elementsUsed!.map((n) => `@Element${n}`).join(', ') })}
                  </p>
                )}
                <p className="muted small">
                  {t('preview.settingsLine', {
                    duration: item.settings.duration,
                    audio: item.settings.generateAudio ? t('common.on') : t('common.off'),
                    cfg: item.settings.cfgScale,
                  })}
                  {' · '}
                  <span className="mono">→ {item.outputRelativePath}</span>
                </p>
                {item.notes
                  .map((note) => (typeof note === 'string' ? note : formatReason(note, language)))
                  .map((note) => (
                    <p key={note} className="note small">
                      {note}
                    </p>
                  ))}
                {item.verdict && (
                  <p className={item.verdict.state === 'rejected' ? 'field-error' : 'note'}>
                    {t(item.verdict.state === 'rejected' ? 'preview.willReject' : 'preview.willSkip', {
                      why: reasonText(item.verdict, language) ?? item.verdict.message,
                    })}
                  </p>
                )}
                {item.verdict?.state === 'skipped' && generatedBy(item.verdict.reason) && (
                  <div className="preview-actions">
                    <GeneratedBefore reason={item.verdict.reason} name={item.relativePath} />
                  </div>
                )}
              </div>
              <div className="preview-cost">
                {item.verdict || (preview.priceUnknown && preview.perVideoCeilingUsd === null)
                  ? '—'
                  : `${preview.priceUnknown ? '≤ ' : ''}${money(item.estimatedCostUsd)}`}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** How the frame sent was made: only enlarged (same shape), or cropped or padded to a new shape. */
function sentKey(fitted: NonNullable<PreviewItemDto['fitted']>) {
  const { source } = fitted;
  const sameShape = source && Math.abs(source.width / source.height - fitted.width / fitted.height) < 0.01;
  if (sameShape) return 'fit.sentUpscaled' as const;
  return fitted.mode === 'crop' ? ('fit.sentCrop' as const) : ('fit.sentPad' as const);
}

/**
 * The image's thumbnail; when it is sent fitted, the frame sent beside it (made by the same code
 * that makes the bytes sent), both whole so crop and pad look as they are, and a chip when the
 * picture is enlarged.
 */
function Frames({ item, base, model }: { item: PreviewItemDto; base: string; model: string }) {
  const { t } = useI18n();
  const fitted = item.fitted;
  if (!fitted) return <Thumb src={base} size={72} />;
  return (
    <div className="preview-frames" data-testid="fitted-frames">
      <figure>
        <Thumb src={base} size={96} contain />
        <figcaption>
          {fitted.source
            ? t('fit.originalSize', { width: fitted.source.width, height: fitted.source.height })
            : t('fit.original')}
        </figcaption>
      </figure>
      <span aria-hidden="true" className="preview-arrow">
        →
      </span>
      <figure>
        <Thumb src={`${base}/${fitted.mode}/${fitted.width}x${fitted.height}`} size={96} contain />
        <figcaption>
          {t(sentKey(fitted), {
            width: fitted.width,
            height: fitted.height,
          })}
        </figcaption>
      </figure>
      {fitted.upscaled && (
        <span
          className="tag tone-warn upscale-chip"
          data-testid="upscaled"
          title={t('fit.upscaledHint', { model })}
        >
          {t('fit.upscaled')}
          <span className="visually-hidden"> {t('fit.upscaledHint', { model })}</span>
        </span>
      )}
    </div>
  );
}
