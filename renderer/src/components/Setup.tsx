// The setup of a batch from a finished scan: what was found, the form (with what the last
// batch's settings carried over), the preview beside it on a wide window, and the start bar.
// Files added or dropped here join the images and keep the draft; replacing them, or starting
// over, is asked first. Start (or Ctrl/Cmd+Enter) creates exactly the batch the preview shows.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { BatchSettingsDto, ModelInfoDto, ScanSummaryDto } from '@common/contract';
import { api, errorText, isApiFailure } from '../api';
import { useI18n } from '../i18n';
import { validateSettings } from '../lib/batch-rules';
import { formatCount } from '../lib/format';
import { useMoney } from '../lib/money';
import { defaultOutputDir, isShootFolder } from '../lib/output-folder';
import { navigate } from '../lib/route';
import { FALLBACK_SETTINGS } from '../lib/states';
import { useAction } from '../lib/use-action';
import { useElementChecks } from '../lib/use-element-checks';
import { usePreview } from '../lib/use-preview';
import { useApp, useModel } from '../store/app-context';
import { clearPendingPaths, resetScan, startScan, type Carry, type RerunOf } from '../store/scan-store';
import { showToast } from '../store/toasts';
import { BatchSetup } from './BatchSetup';
import { CarriedOver } from './CarriedOver';
import { ConfirmDialog, Dialog } from './Dialog';
import { useTrySimulated } from './GetStarted';
import { KeyDialog } from './KeyDialog';
import { PreviewPanel } from './PreviewPanel';
import { RerunChanges } from './RerunChanges';
import { ScanSummary } from './ScanSummary';
import { startBlocker, StartBar } from './StartBar';
import { ANY_TIME, hoursOf, windowInvalid, type WhenDraft } from './WhenSection';
import './Setup.css';

/**
 * The first draft: a re-run's settings, else the last batch's (on a model that still exists),
 * with the videos beside these images, unless the last batch's went to a folder of the user's
 * own (then that folder, said among what was carried over).
 */
function firstDraft(
  rerun: RerunOf | undefined,
  remembered: Partial<BatchSettingsDto>,
  models: readonly ModelInfoDto[],
  shootFolder: string,
): BatchSettingsDto {
  if (rerun) return rerun.settings;
  const kept = remembered.outputDir && !isShootFolder(remembered.outputDir) ? remembered.outputDir : null;
  const settings = { ...FALLBACK_SETTINGS, ...remembered, outputDir: kept ?? shootFolder };
  if (!models.some((m) => m.id === settings.modelId)) settings.modelId = models[0]?.id ?? '';
  return settings;
}

/**
 * The draft of the scan on screen, kept while the user looks at another screen and comes back to
 * the same scan (Settings is a page: the form must not be lost to a visit there).
 */
let keptDraft: { scanId: string; draft: BatchSettingsDto; force: boolean; when: WhenDraft } | null = null;

interface Props {
  scanId: string;
  summary: ScanSummaryDto;
  paths: readonly string[];
  rerun?: RerunOf;
  only?: string[];
  carry?: Carry;
  pendingPaths?: string[];
}

export function Setup({ scanId, summary, paths, rerun, only, carry, pendingPaths }: Props) {
  const { t, locale } = useI18n();
  const money = useMoney();
  const { settings: app, setSettings, models, info } = useApp();
  const derived = defaultOutputDir(summary.roots, info.platform, app.simulated);
  // Back from another screen (Settings, History) to the same scan: the form as it was left.
  const kept = keptDraft?.scanId === scanId ? keptDraft : null;
  const [draft, setDraft] = useState(() => {
    if (kept) return kept.draft;
    if (!carry) return firstDraft(rerun, app.defaults, models, derived);
    // The folder that was the old images' default follows them to the new ones.
    const followed = carry.draft.outputDir === defaultOutputDir(carry.roots, info.platform, app.simulated);
    return followed ? { ...carry.draft, outputDir: derived } : carry.draft;
  });
  // The default folder follows the mode too (a key pasted here: real videos go to `videos`).
  const otherDefault = defaultOutputDir(summary.roots, info.platform, !app.simulated);
  const settings = useMemo(
    () => (draft.outputDir === otherDefault ? { ...draft, outputDir: derived } : draft),
    [draft, otherDefault, derived],
  );
  const [force, setForce] = useState(kept?.force ?? carry?.force ?? rerun?.force ?? false);
  // When it sends: the default hours of Settings → Queue until the user changes them here.
  const [when, setWhen] = useState<WhenDraft>(kept?.when ?? ANY_TIME);
  const whenTouched = useRef(!!kept);
  useEffect(() => {
    if (whenTouched.current) return;
    api()
      .queue.defaultSchedule({})
      .then((hours) => {
        if (whenTouched.current || !hours) return;
        setWhen((current) => ({
          ...current,
          startAt: hours.startAt ?? '',
          from: hours.window?.start ?? '',
          to: hours.window?.end ?? '',
        }));
      })
      .catch(() => {}); // the form then starts at "any time", which it shows
  }, []);
  const changeWhen = (patch: Partial<WhenDraft>) => {
    whenTouched.current = true;
    setWhen((current) => ({ ...current, ...patch }));
  };
  useEffect(() => {
    keptDraft = { scanId, draft, force, when };
  }, [scanId, draft, force, when]);
  const [keyDialog, setKeyDialog] = useState(false);
  const [confirmStartOver, setConfirmStartOver] = useState(false);
  const elementChecks = useElementChecks(scanId, settings.elements);
  const { busy: starting, run } = useAction();
  const trySimulated = useTrySimulated();
  const canSend = app.simulated || app.apiKey.set;

  const model = useModel(settings.modelId);
  const errors = useMemo(
    () => validateSettings(settings, model, summary.variables, t),
    [settings, model, summary.variables, t],
  );
  // The output folder does not change what is sent, so the preview does not wait for it; main
  // plans elements from the images it checked, so it waits for the check of the current list.
  const previewable = Object.keys(errors).every((k) => k === 'outputDir') && elementChecks.ready;
  const previewState = usePreview(scanId, settings, force, previewable, app.simulated);
  const { preview, current } = previewState;
  const blocker = startBlocker({
    canSend,
    hasErrors: Object.keys(errors).length > 0 || windowInvalid(when),
    preview,
    current,
    force,
  });

  const change = (patch: Partial<BatchSettingsDto>) => {
    setDraft((current) => ({ ...current, ...patch }));
    previewState.setOffset(0);
  };
  const carryNow = (): Carry => ({ draft: settings, force, roots: summary.roots });

  /** Scans the same files again with another end-frame ending, keeping this draft and re-run. */
  const pairAgain = (endSuffix: string) =>
    void startScan([...paths], {
      endSuffix,
      carry: carryNow(),
      ...(rerun ? { rerun } : {}),
      ...(only ? { only } : {}),
    });
  /** New files join these images (main reads only the new ones); the draft stays. */
  const addPaths = (added: string[]) => {
    clearPendingPaths();
    void startScan(added, { addTo: { scanId, paths }, carry: carryNow(), ...(rerun ? { rerun } : {}) });
  };
  const replacePaths = (replacement: string[]) => {
    clearPendingPaths();
    void startScan(replacement, { carry: carryNow() });
  };
  const pickMore = async () => {
    try {
      const picked = await api().dialog.pickInputs();
      if (picked.paths.length) addPaths(picked.paths);
    } catch (error) {
      showToast(errorText(error, t), 'error');
    }
  };

  const start = () => {
    if (blocker || starting || !preview) return;
    const expected = { toSend: preview.toSend, estimatedCostUsd: preview.estimatedCostUsd };
    void run(async () => {
      const { batchId } = await api()
        .batch.create({ scanId, settings, force, expected, hours: hoursOf(when), watch: when.watch })
        .catch((error: unknown) => {
          // The plan is not what was shown (a video was made meanwhile): show the new one first.
          if (isApiFailure(error) && error.detail?.kind === 'preview_changed') previewState.refresh();
          throw error;
        });
      await api().batch.start({ batchId });
      // Remembered as the next batch's defaults; failing to remember must not stop the batch.
      api()
        .settings.update({ defaults: settings })
        .then(setSettings)
        .catch(() => {});
      resetScan();
      navigate({ screen: 'batch', batchId });
    });
  };
  // Ctrl/Cmd+Enter starts from anywhere on the screen (not under a dialog: it answers there).
  const startRef = useRef(start);
  useEffect(() => {
    startRef.current = start;
  });
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) return;
      if (document.querySelector('dialog[open]')) return;
      event.preventDefault();
      startRef.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  /** The first marked field, opened (its section opens with the error) and focused. */
  const focusFirstError = () => {
    const field = document.querySelector<HTMLElement>('[data-testid=batch-form] [aria-invalid="true"]');
    field?.scrollIntoView({ block: 'center' });
    field?.focus();
  };

  const capNote = capWarning(settings, preview && current ? preview : null, t, locale, money, (budgetUsd) =>
    change({ budgetUsd }),
  );
  const actions = (
    <div className="start-actions">
      {blocker?.kind === 'noKey' && (
        <>
          <button type="button" className="button button-primary" onClick={() => void trySimulated()}>
            {t('start.tryFree')}
          </button>
          <button type="button" className="button" onClick={() => setKeyDialog(true)}>
            {t('start.pasteKey')}
          </button>
        </>
      )}
      {blocker?.kind === 'errors' && (
        <button type="button" className="button" onClick={focusFirstError}>
          {t('start.showField')}
        </button>
      )}
      {blocker?.kind === 'allGenerated' && (
        <button type="button" className="button" onClick={() => setForce(true)} data-testid="make-again">
          {t('start.makeAgain')}
        </button>
      )}
    </div>
  );
  const modeNote = app.simulated && (
    <div className="mode-note" data-testid="mode-note">
      <p className="small">{t('start.simulatedNote')}</p>
      <button type="button" className="button button-small" onClick={() => setKeyDialog(true)}>
        {t('start.useRealKey')}
      </button>
    </div>
  );

  return (
    <div className="setup-layout">
      <div className="setup-main">
        <h1 className="visually-hidden">{t('setup.screenTitle')}</h1>
        {rerun && <RerunChanges rerun={rerun} settings={settings} preview={current ? preview : null} />}
        <ScanSummary
          summary={summary}
          alreadyGenerated={preview && current ? preview.skipped : null}
          resized={preview && current ? preview.resized : null}
          endFrames={!!model?.roles.endImage}
          onPairAgain={pairAgain}
        />
        {!rerun && !carry && <CarriedOver settings={settings} shootFolder={derived} onChange={change} />}
        <BatchSetup
          settings={settings}
          onChange={change}
          variables={summary.variables}
          coverage={{ counts: summary.coverage, images: summary.accepted }}
          errors={errors}
          serverProblems={(preview?.problems ?? []).map((p) => p.message)}
          force={force}
          onForceChange={setForce}
          showForce={(preview?.skipped ?? 0) > 0 || force}
          elementChecks={elementChecks}
          when={when}
          onWhenChange={changeWhen}
        />
      </div>
      <div className="setup-side">
        <StartBar
          settings={settings}
          preview={preview}
          blocker={blocker}
          starting={starting}
          onStart={start}
          actions={actions}
          capNote={capNote}
          modeNote={modeNote}
          onAddFiles={() => void pickMore()}
          onStartOver={() => setConfirmStartOver(true)}
        />
        <PreviewPanel state={previewState} modelName={model?.displayName ?? ''} />
      </div>
      {keyDialog && <KeyDialog onClose={() => setKeyDialog(false)} />}
      {pendingPaths && (
        <Dialog
          title={t('drop.choiceTitle', { count: pendingPaths.length })}
          onClose={clearPendingPaths}
          testId="drop-choice"
          footer={
            <>
              <button type="button" className="button" onClick={clearPendingPaths}>
                {t('common.cancel')}
              </button>
              <button type="button" className="button" onClick={() => replacePaths(pendingPaths)}>
                {t('drop.replace')}
              </button>
              <button
                type="button"
                className="button button-primary"
                data-autofocus=""
                onClick={() => addPaths(pendingPaths)}
              >
                {t('drop.add')}
              </button>
            </>
          }
        >
          <p>{t('drop.choiceMessage', { count: formatCount(summary.accepted, locale) })}</p>
        </Dialog>
      )}
      {confirmStartOver && (
        <ConfirmDialog
          title={t('start.startOverTitle')}
          message={t('start.startOverMessage', { count: formatCount(summary.accepted, locale) })}
          confirmLabel={t('start.clear')}
          danger
          onCancel={() => setConfirmStartOver(false)}
          onConfirm={resetScan}
        />
      )}
    </div>
  );
}

/** Said when the budget cap will pause the batch before it ends: after about how many videos. */
function capWarning(
  settings: BatchSettingsDto,
  preview: { toSend: number; estimatedCostUsd: number; priceUnknown: boolean } | null,
  t: ReturnType<typeof useI18n>['t'],
  locale: string,
  money: (usd: number) => string,
  onRaise: (budgetUsd: number) => void,
) {
  const cap = settings.budgetUsd;
  if (cap === null || !Number.isFinite(cap) || !preview || preview.priceUnknown || preview.toSend === 0)
    return null;
  if (preview.estimatedCostUsd <= cap + 1e-9) return null;
  const perVideo = preview.estimatedCostUsd / preview.toSend;
  const after = Math.floor((cap + 1e-9) / perVideo);
  const needed = Math.ceil(preview.estimatedCostUsd * 100) / 100;
  return (
    <div className="cap-warning" role="status" data-testid="cap-warning">
      <p className="small">
        {t('start.capWarning', {
          cap: money(cap),
          after: formatCount(after, locale),
          total: formatCount(preview.toSend, locale),
          estimate: money(preview.estimatedCostUsd),
        })}
      </p>
      <button type="button" className="button button-small" onClick={() => onRaise(needed)}>
        {t('start.raiseCap', { cap: money(needed) })}
      </button>
    </div>
  );
}
