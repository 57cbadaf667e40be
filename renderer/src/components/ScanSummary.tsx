// What the scan found: counts, and every rejected file with its reason (named by its path under
// the dropped folder), before any money moves; the end frames it paired by name, and, where end
// frames matter (some were paired, or the model takes one), another file-name ending to pair by.
import { useState, type FormEvent } from 'react';
import type { ScanSummaryDto } from '@common/contract';
import { formatReason } from '@common/reasons';
import { useI18n, type I18n } from '../i18n';
import { TextField } from './Field';
import { formatCount } from '../lib/format';
import './ScanSummary.css';

/** Why an end-frame ending cannot be used, in words (main refuses the same), else null. */
export function endSuffixError(value: string, t: I18n['t']): string | null {
  if (/[/\\]/.test(value)) return t('scan.errSuffixPath', { value });
  if (value.length > 50) return t('scan.errSuffixLong', { length: value.length });
  return null;
}

export function ScanSummary({
  summary,
  alreadyGenerated,
  resized,
  endFrames,
  onPairAgain,
}: {
  summary: ScanSummaryDto;
  alreadyGenerated: number | null;
  /** Images resized on the way as the batch settings say (the preview's); null before it. */
  resized: number | null;
  /** The batch's model takes an end frame. */
  endFrames: boolean;
  onPairAgain: (endSuffix: string) => void;
}) {
  const { t, locale, language } = useI18n();
  const n = (v: number) => formatCount(v, locale);
  const [suffix, setSuffix] = useState(summary.endSuffix ?? '');
  const [tried, setTried] = useState(false);
  const suffixError = endSuffixError(suffix.trim(), t);
  const pairAgain = (e: FormEvent) => {
    e.preventDefault();
    setTried(true);
    if (!suffixError) onPairAgain(suffix.trim());
  };
  return (
    <section className="card" aria-labelledby="scan-summary-title" data-testid="scan-summary">
      <h2 id="scan-summary-title">{t('scan.summaryTitle')}</h2>
      <p className="muted">{summary.roots.join(' · ')}</p>
      <dl className="stats">
        <Stat label={t('scan.found')} value={n(summary.found)} />
        <Stat label={t('scan.accepted')} value={n(summary.accepted)} className="tone-good" />
        <Stat
          label={t('scan.fixed')}
          value={resized === null ? n(summary.fixed) : n(resized)}
          testId="resized-count"
        />
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
      {(resized ?? summary.fixed) > 0 && <p className="field-hint">{t('scan.fixedHint')}</p>}
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
      {(summary.endFramePairCount > 0 || summary.endSuffix || endFrames) && (
        // Folded: most batches have no end frames, and the field is for pairing by another name.
        <details className="end-suffix" open={!!summary.endSuffix}>
          <summary>{t('scan.endSuffixShow')}</summary>
          {summary.endSuffix && (
            <p className="field-hint">{t('scan.endSuffixUsed', { suffix: summary.endSuffix })}</p>
          )}
          <form className="end-suffix-form" onSubmit={pairAgain} data-testid="end-suffix-form">
            <TextField
              label={t('scan.endSuffix')}
              hint={t('scan.endSuffixHint')}
              error={tried || suffix.length > 0 ? suffixError : null}
              value={suffix}
              placeholder="-last"
              onChange={setSuffix}
              mono
              testId="end-suffix"
              beside={
                <button
                  type="submit"
                  className="button"
                  disabled={suffix.trim() === (summary.endSuffix ?? '')}
                >
                  {t('scan.endSuffixApply')}
                </button>
              }
            />
          </form>
        </details>
      )}
      {summary.rejected.length > 0 && (
        <details className="rejections">
          <summary>{t('scan.showRejected', { count: summary.rejected.length })}</summary>
          <ul>
            {summary.rejected.map((r) => (
              <li key={r.path}>
                <span className="mono" title={r.path}>
                  {r.relativePath ?? r.path}
                </span>{' '}
                — {r.why ? formatReason(r.why, language) : r.reason}
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
