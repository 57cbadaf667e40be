// One item: thumbnail, file name, rendered prompt, state with queue position, elapsed time
// and progress, cost, and the actions that fit its state, and a Select box on the thumbnail.
// Reads its own item from the store, so a change elsewhere in the list does not re-render it.
import { memo, useState, type ReactNode } from 'react';
import type { ItemViewDto } from '@common/contract';
import { api } from '../api';
import { useI18n } from '../i18n';
import { itemReasonText } from '../lib/item-reason';
import { useAction } from '../lib/use-action';
import { fileNameOf, formatElapsed } from '../lib/format';
import { useMoney } from '../lib/money';
import { IN_FLIGHT_STATES } from '@common/item-actions';
import { TONE_ICONS, actionFor, toneOf } from '../lib/states';
import { useApp } from '../store/app-context';
import { useItemAt, type ItemsStore } from '../store/items-store';
import { useNow } from '../store/now';
import { showToast } from '../store/toasts';
import { QuestionDialog } from './Dialog';
import { GeneratedBefore } from './GeneratedBefore';
import { ItemDetails } from './ItemDetails';
import { SelectBox } from './SelectBox';
import { Thumb } from './Thumb';
import './ItemRow.css';

interface RowProps {
  store: ItemsStore;
  index: number;
  /** The list's selection (item ids) and how to add or remove one. */
  selected: ReadonlySet<number>;
  onToggle: (itemId: number) => void;
}

export const ItemRow = memo(function ItemRow({ store, index, selected, onToggle }: RowProps) {
  const item = useItemAt(store, index);
  if (!item) return <div className="item-row item-row-loading" aria-hidden="true" />;
  return <LoadedRow item={item} selected={selected.has(item.id)} onToggle={onToggle} />;
});

function LoadedRow({
  item,
  selected,
  onToggle,
}: {
  item: ItemViewDto;
  selected: boolean;
  onToggle: (itemId: number) => void;
}) {
  const { t, language } = useI18n();
  const { info } = useApp();
  const money = useMoney();
  // Stored as a code: shown in the user's language (rows from before codes keep their text).
  const why = itemReasonText(item, language);
  const active = IN_FLIGHT_STATES.includes(item.state);
  const action = actionFor(item.state);
  const now = useNow(active);
  const [details, setDetails] = useState<null | 'details' | 'play'>(null);
  const [confirmResubmit, setConfirmResubmit] = useState(false);
  const name = fileNameOf(item.relativePath);
  // The video's name when it is not simply the image's (takes, a name template): three takes
  // of one image would otherwise be three identical rows.
  const videoName = item.outputRelativePath ? fileNameOf(item.outputRelativePath) : null;
  const renamed = videoName && videoName !== name.replace(/\.[^.]*$/, '.mp4') ? videoName : null;

  const { run: act } = useAction();
  const cancel = () =>
    act(async () => {
      const { outcome } = await api().item.cancel({ itemId: item.id });
      if (outcome !== 'cancelled') showToast(t(`cancelOutcome.${outcome}`, { name }));
    });

  const since = item.submittedAt ?? item.stateChangedAt;
  let stateDetail: string | null = null;
  if (item.state === 'in_queue' && item.queuePosition !== null)
    stateDetail = t('items.queuePosition', { position: item.queuePosition });
  if (active) stateDetail = [stateDetail, formatElapsed(now - since)].filter(Boolean).join(' · ');
  if (item.state === 'done' && item.submittedAt && item.finishedAt)
    stateDetail = t('items.took', { time: formatElapsed(item.finishedAt - item.submittedAt) });

  // Actual cost when known; an estimate only for work that may still be billed.
  const cost = item.costUsd ?? (item.state === 'done' ? item.estimatedCostUsd : null);
  const mayCost = item.state === 'queued' || active;
  const tone = toneOf(item.state);

  return (
    <div
      className={`item-row tone-row-${tone}${selected ? ' item-row-selected' : ''}`}
      data-testid="item-row"
      data-selected={selected}
      data-state={item.state}
      data-item-id={item.id}
    >
      <Thumb src={`${info.mediaBaseUrl}/item/${item.id}/thumb`} size={64} />
      <div className="item-main">
        <div className="item-name" title={item.relativePath}>
          {item.relativePath}
          {renamed && <span className="muted mono small"> → {renamed}</span>}
        </div>
        <p className="prompt" title={item.renderedPrompt}>
          {item.renderedPrompt}
        </p>
        {why &&
          (item.state === 'failed' ||
            item.state === 'expired' ||
            item.state === 'unknown_submit' ||
            item.state === 'rejected') && (
            <p className="item-error" title={why} data-testid="item-error">
              {why}
            </p>
          )}
      </div>
      <div className="item-state">
        <span className={`tag state-pill tone-${tone}`}>
          <span className="state-icon" aria-hidden="true">
            {TONE_ICONS[tone]}
          </span>
          <span data-testid="item-state">{t(`state.${item.state}`)}</span>
        </span>
        {stateDetail && <span className="muted small">{stateDetail}</span>}
        {active && (
          <span className="progress-indeterminate" role="progressbar" aria-label={t(`state.${item.state}`)} />
        )}
      </div>
      <div className="item-cost">
        {cost !== null ? (
          money(cost)
        ) : mayCost ? (
          <span className="muted" title={t('items.estimate')}>
            ~{money(item.estimatedCostUsd)}
          </span>
        ) : (
          <span className="muted">—</span>
        )}
      </div>
      <div className="item-actions">
        {action === 'cancel' && (
          <RowButton onClick={cancel} label={t('items.cancel')} named={t('items.cancelNamed', { name })} />
        )}
        {action === 'retry' && (
          <RowButton
            onClick={() => act(() => api().item.retry({ itemId: item.id }))}
            label={t('items.retry')}
            named={t('items.retryNamed', { name })}
          />
        )}
        {action === 'resubmit' && (
          <RowButton
            variant="button-warn"
            onClick={() => setConfirmResubmit(true)}
            label={t('items.resubmit')}
            named={t('items.resubmitNamed', { name })}
          />
        )}
        {action === 'open' && (
          <>
            <RowButton
              variant="button-primary"
              onClick={() => setDetails('play')}
              label={
                <>
                  <span aria-hidden="true">▶</span> {t('items.play')}
                </>
              }
              named={t('items.playNamed', { name })}
            />
            <RowButton
              onClick={() => act(() => api().item.showInFolder({ itemId: item.id }))}
              label={t('items.showInFolder')}
              named={t('items.showInFolderNamed', { name })}
            />
          </>
        )}
        {item.state === 'skipped' && <GeneratedBefore reason={item.reason} name={name} />}
        <RowButton
          variant="button-quiet"
          onClick={() => setDetails('details')}
          label={t('items.details')}
          named={t('items.detailsNamed', { name })}
          testId="details-button"
        />
      </div>
      {/* Last in the row's text (its name starts with the file name), drawn on the thumbnail. */}
      <SelectBox
        className="item-select"
        checked={selected}
        onToggle={() => onToggle(item.id)}
        testId="item-select"
      >
        <span className="visually-hidden">{t('items.selectNamed', { name })}</span>
      </SelectBox>
      {details && <ItemDetails item={item} autoPlay={details === 'play'} onClose={() => setDetails(null)} />}
      {confirmResubmit && (
        <QuestionDialog
          question="items.resubmit"
          vars={{ name }}
          danger
          onCancel={() => setConfirmResubmit(false)}
          onConfirm={() => {
            setConfirmResubmit(false);
            void act(() => api().item.resubmit({ itemId: item.id, acceptPossibleDoubleCharge: true }));
          }}
        />
      )}
    </div>
  );
}

/** A small button of the row; `named` is its accessible name, which says which item it acts on. */
function RowButton({
  onClick,
  label,
  named,
  variant,
  testId,
}: {
  onClick: () => void;
  label: ReactNode;
  named: string;
  variant?: 'button-primary' | 'button-warn' | 'button-quiet';
  testId?: string;
}) {
  return (
    <button
      type="button"
      className={variant ? `button button-small ${variant}` : 'button button-small'}
      onClick={onClick}
      aria-label={named}
      data-testid={testId}
    >
      {label}
    </button>
  );
}
