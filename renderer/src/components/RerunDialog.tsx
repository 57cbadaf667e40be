// "Re-run with changes…": which of the batch's images to run again (all, the failed ones, the
// rejected videos, the kept ones, the chosen ones), then the new-batch screen pre-filled with the batch's
// settings. Images no longer where the batch found them are named, with an offer to rescan a
// folder (or to go on without them).
import { useState } from 'react';
import type { BatchViewDto, RerunWhichDto } from '@common/contract';
import { api, errorText } from '../api';
import { useI18n } from '../i18n';
import { formatCount } from '../lib/format';
import { navigate } from '../lib/route';
import { startScan, type RerunOf } from '../store/scan-store';
import { showToast } from '../store/toasts';
import './RerunDialog.css';
import { countOf } from '@common/batch-figures';
import { RETRY_ALL_STATES } from '@common/item-actions';
import { CancelOrConfirm, Dialog } from './Dialog';

type Which = RerunWhichDto;

export function RerunButton({
  batch,
  selected = [],
  kept = false,
}: {
  batch: BatchViewDto;
  selected?: readonly number[];
  /** "Re-run the kept ones…": the dialog opens on the kept videos. */
  kept?: boolean;
}) {
  const { t } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="button"
        onClick={() => setOpen(true)}
        data-testid={kept ? 'rerun-kept-button' : 'rerun-button'}
      >
        {kept ? t('review.rerunKept') : t('rerun.button')}
      </button>
      {open && (
        <RerunDialog
          batch={batch}
          selected={selected}
          initial={kept ? 'kept' : undefined}
          onClose={() => setOpen(false)}
        />
      )}
    </>
  );
}

function RerunDialog({
  batch,
  selected,
  initial,
  onClose,
}: {
  batch: BatchViewDto;
  selected: readonly number[];
  initial?: Which;
  onClose: () => void;
}) {
  const { t, locale } = useI18n();
  // The failed images main re-runs: the same states as "Retry all failed".
  const failed = countOf(batch, RETRY_ALL_STATES);
  const [which, setWhich] = useState<Which>(initial ?? (selected.length > 0 ? 'selected' : 'all'));
  const [source, setSource] = useState<RerunOf | null>(null);
  const [busy, setBusy] = useState(false);

  const go = (paths: string[], rerun: RerunOf, only?: string[]) => {
    onClose();
    navigate({ screen: 'new' });
    void startScan(paths, { rerun, ...(only ? { only } : {}) });
  };

  const next = async () => {
    setBusy(true);
    try {
      const found = await api().batch.rerunSource({
        batchId: batch.id,
        which,
        ...(which === 'selected' ? { itemIds: [...selected] } : {}),
      });
      if (found.missing.length > 0) setSource(found);
      else if (found.sourcePaths.length === 0) showToast(t('rerun.nothing'), 'error');
      else go(found.roots, found, found.sourcePaths);
    } catch (error) {
      showToast(errorText(error, t), 'error');
    } finally {
      setBusy(false);
    }
  };

  const rescan = async () => {
    try {
      const { paths } = await api().dialog.pickInputs();
      if (paths.length && source) go(paths, source);
    } catch (error) {
      showToast(errorText(error, t), 'error');
    }
  };

  const choices: { value: Which; label: string; disabled?: boolean }[] = [
    { value: 'all', label: t('rerun.all', { count: formatCount(batch.total, locale) }) },
    {
      value: 'failed',
      label: t('rerun.failed', { count: formatCount(failed, locale) }),
      disabled: failed === 0,
    },
    { value: 'rejected', label: t('rerun.rejected') },
    { value: 'kept', label: t('rerun.kept') },
    ...(selected.length > 0
      ? [
          {
            value: 'selected' as const,
            label: t('rerun.selected', { count: formatCount(selected.length, locale) }),
          },
        ]
      : []),
  ];

  return (
    <Dialog
      title={t('rerun.dialogTitle', { name: batch.name })}
      onClose={onClose}
      testId="rerun-dialog"
      footer={
        source ? (
          <>
            <button type="button" className="button" onClick={onClose}>
              {t('common.cancel')}
            </button>
            {source.sourcePaths.length > 0 && (
              <button
                type="button"
                className="button"
                onClick={() => go(source.roots, source, source.sourcePaths)}
              >
                {t('rerun.withoutMissing', { count: formatCount(source.sourcePaths.length, locale) })}
              </button>
            )}
            <button type="button" className="button button-primary" onClick={() => void rescan()}>
              {t('rerun.rescan')}
            </button>
          </>
        ) : (
          <CancelOrConfirm
            onCancel={onClose}
            label={t('rerun.continue')}
            disabled={busy}
            onConfirm={() => void next()}
          />
        )
      }
    >
      {source ? (
        <div role="alert" data-testid="rerun-missing">
          <p>{t('rerun.missing', { count: formatCount(source.missing.length, locale) })}</p>
          <ul className="mono small">
            {source.missing.slice(0, 10).map((path) => (
              <li key={path}>{path}</li>
            ))}
          </ul>
          {source.missing.length > 10 && (
            <p className="muted small">
              {t('rerun.missingMore', { count: formatCount(source.missing.length - 10, locale) })}
            </p>
          )}
        </div>
      ) : (
        <fieldset className="radio-group">
          <legend>{t('rerun.which')}</legend>
          {choices.map((choice) => (
            <label key={choice.value} className="radio">
              <input
                type="radio"
                name="rerun-which"
                value={choice.value}
                checked={which === choice.value}
                disabled={choice.disabled}
                onChange={() => setWhich(choice.value)}
              />
              {choice.label}
            </label>
          ))}
          <p className="field-hint">{t('rerun.hint')}</p>
        </fieldset>
      )}
    </Dialog>
  );
}
