// New batch: pick or drop files, watch the scan, set the batch up, preview every item and its
// cost, then start with one click that says what it will spend.
import { useEffect, useMemo, useState } from 'react';
import type { BatchSettingsDto, ModelInfoDto, ScanSummaryDto } from '../../../preload/contract';
import { api, errorText } from '../api';
import { useI18n } from '../i18n';
import { useAction } from '../lib/use-action';
import { formatCount, formatSpan } from '../lib/format';
import { useMoney } from '../lib/money';
import { navigate } from '../lib/route';
import { FALLBACK_SETTINGS } from '../lib/states';
import { useElementChecks } from '../lib/use-element-checks';
import { usePreview } from '../lib/use-preview';
import { useApp, useModel } from '../store/app-context';
import { resetScan, startScan, useScan, type RerunOf } from '../store/scan-store';
import { showToast } from '../store/toasts';
import { BatchSetup, validateSettings } from '../components/BatchSetup';
import { PreviewPanel } from '../components/PreviewPanel';
import { RerunChanges } from '../components/RerunChanges';
import { ScanSummary } from '../components/ScanSummary';
import './NewBatch.css';

export function NewBatch({ onPaths }: { onPaths: (paths: string[]) => void }) {
  const { t, locale } = useI18n();
  const scan = useScan();

  const pick = async () => {
    try {
      const { paths } = await api().dialog.pickInputs();
      if (paths.length) onPaths(paths);
    } catch (error) {
      showToast(errorText(error, t), 'error');
    }
  };

  if (scan.phase === 'done')
    return (
      <Setup
        key={scan.scanId}
        scanId={scan.scanId}
        summary={scan.summary}
        rerun={scan.rerun}
        only={scan.only}
        onPick={pick}
      />
    );

  return (
    <div className="drop-zone" data-testid="drop-zone">
      {scan.phase === 'scanning' ? (
        <div role="status" aria-live="polite" className="scan-progress">
          <div className="spinner" aria-hidden="true" />
          <h1 className="big">{t('scan.scanning')}</h1>
          <p className="muted">
            {t('scan.progress', {
              checked: formatCount(scan.checked, locale),
              found: formatCount(scan.found, locale),
            })}
          </p>
          <progress max={Math.max(1, scan.found)} value={scan.checked} aria-label={t('scan.scanning')} />
        </div>
      ) : (
        <>
          <div className="drop-icon" aria-hidden="true">
            ⤓
          </div>
          <h1 className="big">{t('drop.title')}</h1>
          <p className="muted">{t('drop.hint')}</p>
          <button type="button" className="button button-primary button-large" onClick={pick}>
            {t('drop.choose')}
          </button>
          {scan.phase === 'error' && (
            <p className="field-error" role="alert">
              {scan.message}
            </p>
          )}
        </>
      )}
    </div>
  );
}

/** The remembered defaults, on the catalog's first model when the remembered one is gone. */
function initialSettings(
  defaults: Partial<BatchSettingsDto>,
  models: readonly ModelInfoDto[],
): BatchSettingsDto {
  const settings = { ...FALLBACK_SETTINGS, ...defaults };
  if (!models.some((m) => m.id === settings.modelId)) settings.modelId = models[0]?.id ?? '';
  return settings;
}

/**
 * The draft of the batch being set up, carried over when the same files are scanned again to
 * pair end frames by another ending (a new scan is a new Setup).
 */
let carriedDraft: BatchSettingsDto | null = null;

/**
 * The draft of the scan on screen, kept while the user looks at another screen (Settings,
 * History) and comes back to the same scan: the form is where they left it.
 */
let keptDraft: { scanId: string; settings: BatchSettingsDto; force: boolean } | null = null;

function Setup({
  scanId,
  summary,
  rerun,
  only,
  onPick,
}: {
  scanId: string;
  summary: ScanSummaryDto;
  rerun?: RerunOf;
  only?: string[];
  onPick: () => void;
}) {
  const { t, locale } = useI18n();
  const money = useMoney();
  const { settings: app, setSettings, models } = useApp();
  // A re-run starts from the earlier batch's settings; a new batch from the last one's.
  const kept = keptDraft?.scanId === scanId ? keptDraft : null;
  const [settings, setDraft] = useState(() => {
    const carried = carriedDraft;
    carriedDraft = null;
    return kept?.settings ?? carried ?? initialSettings(rerun?.settings ?? app.defaults, models);
  });
  const elementChecks = useElementChecks(scanId, settings.elements);
  const [force, setForce] = useState(kept?.force ?? rerun?.force ?? false);
  useEffect(() => {
    keptDraft = { scanId, settings, force };
  }, [scanId, settings, force]);
  const { busy: starting, run } = useAction();

  const model = useModel(settings.modelId);
  const errors = useMemo(
    () => validateSettings(settings, model, summary.variables, t),
    [settings, model, summary.variables, t],
  );
  // The output folder does not change what is sent, so the preview does not wait for it; main
  // plans elements from the images it checked, so it waits for the check of the current list.
  const previewable = Object.keys(errors).every((k) => k === 'outputDir') && elementChecks.ready;
  const previewState = usePreview(scanId, settings, force, previewable);
  const { preview, loading } = previewState;

  /** Scans the same files again with another end-frame ending, keeping this draft and re-run. */
  const pairAgain = (endSuffix: string) => {
    carriedDraft = settings;
    void startScan(summary.roots, { endSuffix, ...(rerun ? { rerun } : {}), ...(only ? { only } : {}) });
  };

  const serverProblems = (preview?.problems ?? []).map((p) => p.message);
  const canStart =
    Object.keys(errors).length === 0 &&
    !!preview &&
    !loading &&
    preview.problems.length === 0 &&
    preview.toSend > 0;

  const start = () =>
    run(async () => {
      const { batchId } = await api().batch.create({ scanId, settings, force });
      await api().batch.start({ batchId });
      // Remembered as the next batch's defaults; failing to remember must not stop the batch.
      api()
        .settings.update({ defaults: settings })
        .then(setSettings)
        .catch(() => {});
      resetScan();
      navigate({ screen: 'batch', batchId });
    });

  // An unknown price is said in words, never shown as $0.00.
  const estimate = preview
    ? preview.priceUnknown
      ? t('models.costUnknownShort')
      : money(preview.estimatedCostUsd)
    : '…';
  const count = preview?.toSend ?? 0;
  const span = preview
    ? formatSpan(preview.estimatedDurationMs, {
        h: t('time.h'),
        min: t('time.min'),
        lessThanMinute: t('time.lessThanMinute'),
      })
    : '…';

  return (
    <div className="setup-layout">
      <div className="setup-main">
        <h1 className="visually-hidden">{t('setup.screenTitle')}</h1>
        {rerun && <RerunChanges rerun={rerun} settings={settings} preview={preview} />}
        <ScanSummary
          summary={summary}
          alreadyGenerated={preview ? preview.skipped : null}
          resized={preview ? preview.resized : null}
          onPairAgain={pairAgain}
        />
        <BatchSetup
          settings={settings}
          onChange={(patch) => {
            setDraft((current) => ({ ...current, ...patch }));
            previewState.setOffset(0);
          }}
          variables={summary.variables}
          errors={errors}
          serverProblems={serverProblems}
          force={force}
          onForceChange={setForce}
          showForce={(preview?.skipped ?? 0) > 0 || force}
          elementChecks={elementChecks}
        />
        <PreviewPanel state={previewState} modelName={model?.displayName ?? ''} />
      </div>
      <aside className="start-bar" aria-label={t('start.summary')} data-testid="start-bar">
        <dl className="stats stats-compact">
          <div>
            <dt>{t('start.toSend')}</dt>
            <dd>{preview ? formatCount(preview.toSend, locale) : '…'}</dd>
          </div>
          <div>
            <dt>{t('start.notSent')}</dt>
            <dd>{preview ? formatCount(preview.rejected + preview.skipped, locale) : '…'}</dd>
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
        {!canStart && Object.keys(errors).length > 0 && (
          <p className="field-error small">{t('start.fixErrors')}</p>
        )}
        <button
          type="button"
          className="button button-primary button-large"
          disabled={!canStart || starting}
          onClick={start}
          data-testid="start-button"
        >
          {t('start.button', { count: formatCount(count, locale), cost: estimate })}
        </button>
        <div className="start-secondary">
          <button type="button" className="button" onClick={onPick}>
            {t('start.addOther')}
          </button>
          <button type="button" className="button" onClick={resetScan}>
            {t('start.clear')}
          </button>
        </div>
      </aside>
    </div>
  );
}
