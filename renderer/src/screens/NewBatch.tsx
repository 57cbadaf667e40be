// New batch: pick or drop files (on first launch, beside the two ways in: try it free, or paste
// a key), watch the scan (and stop it), then set the batch up (components/Setup.tsx): preview
// every item and its cost, and start with one click that says what it will spend.
import { api, errorText } from '../api';
import { useI18n } from '../i18n';
import { formatCount } from '../lib/format';
import { useApp } from '../store/app-context';
import { cancelScan, offerPaths, useScan } from '../store/scan-store';
import { showToast } from '../store/toasts';
import { GetStarted } from '../components/GetStarted';
import { Setup } from '../components/Setup';
import './NewBatch.css';

export function NewBatch() {
  const { t, locale } = useI18n();
  const { settings } = useApp();
  const scan = useScan();

  const pick = async () => {
    try {
      const { paths } = await api().dialog.pickInputs();
      offerPaths(paths);
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
        paths={scan.paths}
        rerun={scan.rerun}
        only={scan.only}
        carry={scan.carry}
        pendingPaths={scan.pendingPaths}
      />
    );

  if (scan.phase === 'scanning')
    return (
      <div className="drop-zone" data-testid="drop-zone">
        <div role="status" aria-live="polite" className="scan-progress" data-testid="scan-progress">
          <div className="spinner" aria-hidden="true" />
          <h1 className="big">{t('scan.scanning')}</h1>
          <p className="muted">
            {/* Nothing counted yet: the folders are still being walked, not "0 of 0 checked". */}
            {scan.found === 0
              ? t('scan.looking')
              : t('scan.progress', {
                  checked: formatCount(scan.checked, locale),
                  found: formatCount(scan.found, locale),
                })}
          </p>
          <progress max={Math.max(1, scan.found)} value={scan.checked} aria-label={t('scan.scanning')} />
          <button type="button" className="button" onClick={cancelScan} data-testid="cancel-scan">
            {t('common.cancel')}
          </button>
        </div>
      </div>
    );

  const firstLaunch = !settings.apiKey.set && !settings.simulated;
  return (
    <div className="new-batch-start">
      {firstLaunch && <GetStarted />}
      <div className="drop-zone" data-testid="drop-zone">
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
      </div>
    </div>
  );
}
