// What the scan found: counts, and every rejected file with its reason, before any money moves.
import type { ScanSummaryDto } from '../../../preload/contract';
import { useI18n } from '../i18n';
import { formatCount } from '../lib/format';
import './ScanSummary.css';

export function ScanSummary({
  summary,
  alreadyGenerated,
}: {
  summary: ScanSummaryDto;
  alreadyGenerated: number | null;
}) {
  const { t, locale } = useI18n();
  const n = (v: number) => formatCount(v, locale);
  return (
    <section className="card" aria-labelledby="scan-summary-title" data-testid="scan-summary">
      <h2 id="scan-summary-title">{t('scan.summaryTitle')}</h2>
      <p className="muted">{summary.roots.join(' · ')}</p>
      <dl className="stats">
        <Stat label={t('scan.found')} value={n(summary.found)} />
        <Stat label={t('scan.accepted')} value={n(summary.accepted)} className="tone-good" />
        <Stat label={t('scan.fixed')} value={n(summary.fixed)} />
        <Stat
          label={t('scan.rejected')}
          value={n(summary.rejected.length)}
          className={summary.rejected.length ? 'tone-bad' : undefined}
        />
        <Stat
          label={t('scan.alreadyGenerated')}
          value={alreadyGenerated === null ? '…' : n(alreadyGenerated)}
        />
        {summary.endFramePairCount > 0 && (
          <Stat label={t('scan.endFrames')} value={n(summary.endFramePairCount)} testId="end-frame-count" />
        )}
      </dl>
      {summary.fixed > 0 && <p className="field-hint">{t('scan.fixedHint')}</p>}
      {summary.endFramePairCount > 0 && (
        <details className="end-frame-pairs" data-testid="end-frame-pairs">
          <summary>{t('scan.showEndFrames', { count: summary.endFramePairCount })}</summary>
          <ul>
            {summary.endFramePairs.map((p) => (
              <li key={p.start}>
                <span className="mono">{p.start}</span> → <span className="mono">{p.end}</span>
              </li>
            ))}
          </ul>
        </details>
      )}
      {summary.rejected.length > 0 && (
        <details className="rejections">
          <summary>{t('scan.showRejected', { count: summary.rejected.length })}</summary>
          <ul>
            {summary.rejected.map((r) => (
              <li key={r.path}>
                <span className="mono">{r.path}</span> — {r.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
      {summary.problems.length > 0 && (
        <ul className="problem-list" role="alert">
          {summary.problems.map((p, i) => (
            <li key={i}>{p.message}</li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** One figure of the summary: its name and its value. */
function Stat({
  label,
  value,
  className,
  testId,
}: {
  label: string;
  value: string;
  className?: string;
  testId?: string;
}) {
  return (
    <div>
      <dt>{label}</dt>
      <dd className={className} data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}
