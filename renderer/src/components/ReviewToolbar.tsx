// Above the review grid: the filters, and what to do with the result: export the kept videos
// into a folder (copies; nothing is moved or overwritten), re-run the kept ones (on another
// model, say); with items selected, retry them or re-run them with changes.
import { useState } from 'react';
import type { BatchViewDto } from '@common/contract';
import { api, errorText } from '../api';
import { useI18n } from '../i18n';
import { formatCount } from '../lib/format';
import { REVIEW_FILTERS, type ReviewFilterKey } from '../lib/review';
import type { Selection } from '../lib/use-selection';
import { showToast } from '../store/toasts';
import { countOf } from '@common/batch-figures';
import { FilterChip } from './FilterChip';
import { RerunButton } from './RerunDialog';
import { SelectionBar } from './SelectionBar';
import './ReviewToolbar.css';

interface Props {
  batch: BatchViewDto;
  filter: ReviewFilterKey;
  onFilter: (filter: ReviewFilterKey) => void;
  onChanged: () => void;
  selection: Selection;
}

export function ReviewToolbar({ batch, filter, onFilter, onChanged, selection }: Props) {
  const { t, locale } = useI18n();
  const [busy, setBusy] = useState(false);
  const keys = Object.keys(REVIEW_FILTERS) as ReviewFilterKey[];

  const exportKept = async () => {
    setBusy(true);
    try {
      const result = await api().batch.exportKept({ batchId: batch.id });
      if (result.folder === null) return;
      showToast(
        [
          t('review.exported', { count: formatCount(result.copied, locale), folder: result.folder }),
          result.renamed.length ? t('review.exportRenamed', { count: result.renamed.length }) : '',
        ]
          .filter(Boolean)
          .join(' '),
      );
      for (const failure of result.failed.slice(0, 3))
        showToast(t('review.exportFailed', { file: failure.file, reason: failure.reason }), 'error');
    } catch (error) {
      showToast(errorText(error, t), 'error');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="item-toolbar review-toolbar">
      <div className="filters" role="group" aria-label={t('review.filterLabel')}>
        {keys.map((key) => {
          // Counts by state come with the batch; by verdict they would cost a query each.
          const count =
            key === 'videos'
              ? countOf(batch, ['done'])
              : key === 'failed'
                ? countOf(batch, REVIEW_FILTERS.failed.states)
                : null;
          return (
            <FilterChip
              key={key}
              pressed={filter === key}
              onSelect={() => onFilter(key)}
              testId={`review-filter-${key}`}
            >
              {t(`review.filter.${key}`)}
              {count !== null && <span className="filter-count"> {formatCount(count, locale)}</span>}
            </FilterChip>
          );
        })}
      </div>
      <div className="review-commands">
        <button type="button" className="button" disabled={busy} onClick={() => void exportKept()}>
          {t('review.exportKept')}
        </button>
        <RerunButton batch={batch} kept />
      </div>
      <SelectionBar batch={batch} selection={selection} onChanged={onChanged} />
    </div>
  );
}
