// What will be sent, item by item, before anything is paid: thumbnail, rendered prompt,
// settings, output name, cost, and why an item will not be sent. Paged (scan.preview).
import type { PreviewDto } from '../../../preload/contract';
import { useI18n } from '../i18n';
import { formatUsd } from '../lib/format';
import { useApp } from '../store/app-context';
import { Thumb } from './Thumb';
import { ErrorAlert } from './ErrorAlert';
import './PreviewPanel.css';

export const PREVIEW_PAGE = 20;

interface Props {
  scanId: string;
  preview: PreviewDto | null;
  loading: boolean;
  error: string | null;
  offset: number;
  onOffset: (offset: number) => void;
}

export function PreviewPanel({ scanId, preview, loading, error, offset, onOffset }: Props) {
  const { t, locale } = useI18n();
  const { info } = useApp();
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
              onClick={() => onOffset(Math.max(0, offset - PREVIEW_PAGE))}
            >
              {t('common.previous')}
            </button>
            <span>{t('preview.pageOf', { page, pages })}</span>
            <button
              type="button"
              className="button button-small"
              disabled={page >= pages}
              onClick={() => onOffset(offset + PREVIEW_PAGE)}
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
              <Thumb
                src={`${info.mediaBaseUrl}/scan/${encodeURIComponent(scanId)}/${item.imageIndex}/thumb`}
                size={72}
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
                <p className="muted small">
                  {t('preview.settingsLine', {
                    duration: item.settings.duration,
                    audio: item.settings.generateAudio ? t('common.on') : t('common.off'),
                    cfg: item.settings.cfgScale,
                  })}
                  {' · '}
                  <span className="mono">→ {item.outputRelativePath}</span>
                </p>
                {item.notes.map((note) => (
                  <p key={note} className="note small">
                    {note}
                  </p>
                ))}
                {item.verdict && (
                  <p className={item.verdict.state === 'rejected' ? 'field-error' : 'note'}>
                    {t(item.verdict.state === 'rejected' ? 'preview.willReject' : 'preview.willSkip')}:{' '}
                    {item.verdict.message}
                  </p>
                )}
              </div>
              <div className="preview-cost">
                {item.verdict || preview.priceUnknown ? '—' : formatUsd(item.estimatedCostUsd, locale)}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
