// What to do with the items selected in the review grid or the item list: how many, "Retry
// selected…" (cost confirmed first), "Re-run with changes…" of their images, and clearing the
// selection. Shown only while something is selected.
import type { BatchViewDto } from '@common/contract';
import { useI18n } from '../i18n';
import { formatCount } from '../lib/format';
import type { Selection } from '../lib/use-selection';
import { RerunButton } from './RerunDialog';
import { RetrySelectedButton } from './RetryFailedButton';
import './SelectionBar.css';

interface Props {
  batch: BatchViewDto;
  selection: Selection;
  /** After a retry: the batch changed. */
  onChanged?: () => void;
}

export function SelectionBar({ batch, selection, onChanged }: Props) {
  const selected = selection.ids;
  const { t, locale } = useI18n();
  if (selected.size === 0) return null;
  return (
    <div
      className="selection-bar"
      role="group"
      aria-label={t('review.selection')}
      data-testid="review-selection"
    >
      <span className="selection-count" aria-live="polite">
        {t('review.selectedCount', { count: formatCount(selected.size, locale) })}
      </span>
      <RetrySelectedButton
        batch={batch}
        itemIds={[...selected]}
        onDone={() => {
          selection.clear();
          onChanged?.();
        }}
      />
      <RerunButton batch={batch} selected={[...selected]} />
      <button type="button" className="button" onClick={selection.clear}>
        {t('review.clearSelection')}
      </button>
    </div>
  );
}
