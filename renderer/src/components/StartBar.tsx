// The start bar of the batch being set up: what will be sent and what it will cost, the one
// click that starts it, and, whenever that click cannot start it, why in a sentence beside the
// button with the way out as a button (paste a key or try it simulated, make the videos again,
// go to the field to fix). Numbers from a preview of other settings are never shown as current.
import type { ReactNode } from 'react';
import type { BatchSettingsDto, PreviewDto } from '@common/contract';
import { useI18n } from '../i18n';
import { formatCount, formatSpan } from '../lib/format';
import { useMoney } from '../lib/money';
import { BalanceWarning } from './BalanceWarning';
import { useApp } from '../store/app-context';

/** Why Start cannot start the batch shown, in the order the user must deal with them. */
export type StartBlocker =
  | { kind: 'noKey' }
  | { kind: 'errors' }
  | { kind: 'problems'; message: string }
  | { kind: 'updating' }
  | { kind: 'allGenerated'; count: number }
  | { kind: 'noneSendable'; count: number }
  | { kind: 'noImages' };

export function startBlocker(options: {
  canSend: boolean;
  hasErrors: boolean;
  preview: PreviewDto | null;
  current: boolean;
  force: boolean;
}): StartBlocker | null {
  const { preview } = options;
  if (!options.canSend) return { kind: 'noKey' };
  if (options.hasErrors) return { kind: 'errors' };
  if (!preview || !options.current) return { kind: 'updating' };
  if (preview.problems.length > 0) return { kind: 'problems', message: preview.problems[0]!.message };
  if (preview.toSend > 0) return null;
  if (preview.skipped > 0 && !options.force) return { kind: 'allGenerated', count: preview.skipped };
  if (preview.rejected > 0) return { kind: 'noneSendable', count: preview.rejected };
  return { kind: 'noImages' };
}

interface Props {
  settings: BatchSettingsDto;
  preview: PreviewDto | null;
  blocker: StartBlocker | null;
  starting: boolean;
  onStart: () => void;
  /** The way out of a blocker, as buttons (they differ by blocker: the caller knows the actions). */
  actions: ReactNode;
  /** The cap's warning, when it will pause the batch. */
  capNote: ReactNode;
  /** In simulated mode: what it means, and the way to real videos. */
  modeNote: ReactNode;
  onAddFiles: () => void;
  onStartOver: () => void;
}

export function StartBar({
  settings,
  preview,
  blocker,
  starting,
  onStart,
  actions,
  capNote,
  modeNote,
  onAddFiles,
  onStartOver,
}: Props) {
  const { t, locale } = useI18n();
  const money = useMoney();
  const { info } = useApp();
  // Stale numbers are not shown as if they were the batch's: "…" while the preview catches up.
  const shown = blocker?.kind === 'updating' || blocker?.kind === 'errors' ? null : preview;
  // An unknown price is said in words, never $0.00; with a price per video accepted, the
  // estimate is "at most" what the videos count for.
  const ceiling = shown?.priceUnknown ? shown.perVideoCeilingUsd : null;
  const estimate = shown
    ? ceiling !== null
      ? `≤ ${money(shown.estimatedCostUsd)}`
      : shown.priceUnknown
        ? t('models.costUnknownShort') // an unknown price is said in words, never $0.00
        : money(shown.estimatedCostUsd)
    : '…';
  const span = shown
    ? formatSpan(shown.estimatedDurationMs, {
        h: t('time.h'),
        min: t('time.min'),
        lessThanMinute: t('time.lessThanMinute'),
      })
    : '…';
  const shortcut = info.platform === 'darwin' ? '⌘ Enter' : 'Ctrl+Enter';
  return (
    <aside className="start-bar" aria-label={t('start.summary')} data-testid="start-bar">
      <dl className="stats stats-compact">
        <div>
          <dt>{t('start.toSend')}</dt>
          <dd data-testid="to-send">{shown ? formatCount(shown.toSend, locale) : '…'}</dd>
        </div>
        <div>
          <dt>{t('start.notSent')}</dt>
          <dd>{shown ? formatCount(shown.rejected + shown.skipped, locale) : '…'}</dd>
        </div>
        <div>
          <dt>{t('start.estCost')}</dt>
          <dd data-testid="estimated-cost">{estimate}</dd>
        </div>
        <div>
          <dt>{t('start.estTime')}</dt>
          <dd>{span}</dd>
        </div>
        {settings.budgetUsd !== null && Number.isFinite(settings.budgetUsd) && (
          <div>
            <dt>{t('start.budget')}</dt>
            <dd>{money(settings.budgetUsd)}</dd>
          </div>
        )}
      </dl>
      {shown && ceiling !== null && (
        <p className="field-hint small" data-testid="ceiling-estimate">
          {t('setup.costCeiling', {
            total: money(shown.estimatedCostUsd),
            price: money(ceiling),
          })}
        </p>
      )}
      <BalanceWarning estimateUsd={shown?.estimatedCostUsd ?? 0} />
      {capNote}
      {modeNote}
      {blocker && (
        <div className="start-reason" data-testid="start-reason">
          <p id="start-reason" className={blocker.kind === 'updating' ? 'muted small' : 'small'}>
            {blockerText(blocker, t, locale)}
          </p>
          {actions}
        </div>
      )}
      <button
        type="button"
        className="button button-primary button-large"
        disabled={!!blocker || starting}
        onClick={onStart}
        aria-describedby={blocker ? 'start-reason' : 'start-shortcut'}
        aria-keyshortcuts={info.platform === 'darwin' ? 'Meta+Enter' : 'Control+Enter'}
        data-testid="start-button"
      >
        {shown
          ? t('start.button', { count: formatCount(shown.toSend, locale), cost: estimate })
          : t('start.buttonWaiting')}
      </button>
      <p id="start-shortcut" className="muted small start-shortcut">
        {t('start.shortcut', { keys: shortcut })}
      </p>
      <div className="start-secondary">
        <button type="button" className="button" onClick={onAddFiles} data-testid="add-files">
          {t('start.addFiles')}
        </button>
        <button type="button" className="button" onClick={onStartOver}>
          {t('start.clear')}
        </button>
      </div>
    </aside>
  );
}

function blockerText(blocker: StartBlocker, t: ReturnType<typeof useI18n>['t'], locale: string): string {
  switch (blocker.kind) {
    case 'noKey':
      return t('start.whyNoKey');
    case 'errors':
      return t('start.fixErrors');
    case 'problems':
      return t('start.whyProblems', { problem: blocker.message });
    case 'updating':
      return t('start.whyUpdating');
    case 'allGenerated':
      return t('start.whyAllGenerated', { count: formatCount(blocker.count, locale) });
    case 'noneSendable':
      return t('start.whyNoneSendable', { count: formatCount(blocker.count, locale) });
    case 'noImages':
      return t('start.whyNoImages');
  }
}
