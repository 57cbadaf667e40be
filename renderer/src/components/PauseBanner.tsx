// When something stopped the queue and needs the user: what happened (the title, one sentence),
// what to do (one sentence, and the button that does it: open the key settings, top up, raise
// the cap, choose another folder, resume), and main's full account with the provider's own
// words folded under Details, so the banner never reads like a log.
import { reasonText } from '@common/reasons';
import { useId, useState } from 'react';
import type { BatchViewDto } from '@common/contract';
import { api } from '../api';
import { useI18n } from '../i18n';
import { useBalance } from '../lib/use-balance';
import { useAction } from '../lib/use-action';
import { useApp } from '../store/app-context';
import { ChooseOutputFolderButton } from './ChooseOutputFolderButton';
import { modePauseOf, PauseModeActions } from './PauseModeActions';
import './PauseBanner.css';

export function PauseBanner({ batch, onChanged }: { batch: BatchViewDto; onChanged: () => void }) {
  const { t, language } = useI18n();
  const { openSettings } = useApp();
  const budgetId = useId();
  const titleId = useId();
  const suggested = Math.ceil((batch.spentUsd + batch.remainingEstimateUsd) * 100) / 100;
  const [newBudget, setNewBudget] = useState(String(suggested));
  const { busy, run: act } = useAction(onChanged);

  if (batch.state !== 'paused' || !batch.pauseReason || batch.pauseReason === 'user') return null;
  const reason = batch.pauseReason;
  const full = reasonText({ reason: batch.pauseDetail, message: batch.pauseMessage }, language);
  // Waiting for a key or for the mode it was made in: no key was refused, and Resume would wait again.
  const modePause = modePauseOf(batch);
  // The budget's account is all figures of the user's own, and a mode's wait all the app's own
  // words (no provider text): either is the body; otherwise the body says what to do.
  const lead = (reason === 'budget_reached' || modePause) && full ? full : t(`pause.${reason}.hint`);
  const details = full && full !== lead ? full : null;

  const resume = () => act(() => api().batch.resume({ batchId: batch.id }));

  return (
    <section
      className={`banner banner-${reason === 'lease_lost' ? 'info' : 'warn'}`}
      // Not role="alert": BatchAnnouncer says it once, also when the batch was paused on arrival.
      aria-labelledby={titleId}
      data-testid="pause-banner"
    >
      <div className="banner-text">
        <h2 id={titleId}>{modePause ? t(`modePause.${modePause}.title`) : t(`pause.${reason}.title`)}</h2>
        <p data-testid="pause-detail">{lead}</p>
        {details && (
          <details className="banner-details" data-testid="pause-details">
            <summary>{t('pause.details')}</summary>
            <p className="small">{details}</p>
          </details>
        )}
      </div>
      <div className="banner-actions">
        {modePause && <PauseModeActions batch={batch} pause={modePause} />}
        {reason === 'bad_key' && !modePause && (
          <button type="button" className="button button-primary" onClick={() => openSettings('apiKey')}>
            {t('pause.openKeySettings')}
          </button>
        )}
        {reason === 'no_balance' && <TopUpLink />}
        {reason === 'daily_cap_reached' && (
          <button type="button" className="button button-primary" onClick={() => openSettings('dailyCap')}>
            {t('pause.openCapSettings')}
          </button>
        )}
        {reason === 'disk_full' && <ChooseOutputFolderButton batch={batch} onChanged={onChanged} />}
        {reason === 'budget_reached' && (
          <form
            className="input-row"
            onSubmit={(e) => {
              e.preventDefault();
              const value = Number(newBudget);
              if (!(value > 0)) return;
              void act(async () => {
                await api().batch.setBudget({ batchId: batch.id, budgetUsd: value });
                await api().batch.resume({ batchId: batch.id });
              });
            }}
          >
            <label htmlFor={budgetId}>{t('pause.newBudget')}</label>
            <input
              id={budgetId}
              type="number"
              min={0}
              step={0.01}
              value={newBudget}
              onChange={(e) => setNewBudget(e.target.value)}
              data-testid="new-budget"
            />
            <button type="submit" className="button button-primary" disabled={busy}>
              {t('pause.raiseAndResume')}
            </button>
          </form>
        )}
        {reason !== 'budget_reached' && reason !== 'daily_cap_reached' && !modePause && (
          <button
            type="button"
            className={
              reason === 'lease_lost' || reason === 'too_many_failures' ? 'button button-primary' : 'button'
            }
            disabled={busy}
            onClick={resume}
            data-testid="pause-resume"
          >
            {reason === 'lease_lost' ? t('pause.takeOver') : t('batch.resume')}
          </button>
        )}
      </div>
    </section>
  );
}

/** "Top up at RunComfy": the account page main names with the balance (none in simulated mode). */
function TopUpLink() {
  const { t } = useI18n();
  const url = useBalance().balance?.topUpUrl;
  if (!url) return null;
  return (
    <a className="button button-primary" href={url} target="_blank" rel="noreferrer">
      {t('pause.topUp')}
    </a>
  );
}
