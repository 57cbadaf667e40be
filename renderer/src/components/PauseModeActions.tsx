// A batch waiting because of the app's mode, and the one way forward for each case, so the
// banner never points at a setting that only moves the wait elsewhere:
//  - no key (a real batch, simulated mode off): paste a key; the batch goes on with it;
//  - made with a key, simulated mode on now: turn simulated mode off (it goes on by itself);
//  - made in simulated mode, a key in use now: turn simulated mode back on to finish it free, or
//    make these videos for real as a new batch, whose cost the setup screen shows before Start.
import { useState } from 'react';
import type { BatchViewDto } from '@common/contract';
import { api } from '../api';
import { useI18n } from '../i18n';
import { navigate } from '../lib/route';
import { useAction } from '../lib/use-action';
import { useApp } from '../store/app-context';
import { startScan } from '../store/scan-store';
import { KeyDialog } from './KeyDialog';

export const MODE_PAUSES = ['no_key', 'real_batch_simulated_mode', 'simulated_batch_real_mode'] as const;
export type ModePause = (typeof MODE_PAUSES)[number];

/** The mode a batch waits for, when that is why it is paused ('bad_key' with one of these details). */
export function modePauseOf(batch: BatchViewDto): ModePause | null {
  const code = batch.pauseReason === 'bad_key' ? batch.pauseDetail?.code : null;
  return (MODE_PAUSES as readonly string[]).includes(code ?? '') ? (code as ModePause) : null;
}

export function PauseModeActions({ batch, pause }: { batch: BatchViewDto; pause: ModePause }) {
  const { t } = useI18n();
  const { setSettings } = useApp();
  const { busy, run } = useAction();
  const [askKey, setAskKey] = useState(false);
  const setSimulated = (simulated: boolean) =>
    run(async () => setSettings(await api().settings.update({ simulated })));
  const makeReal = () =>
    run(async () => {
      const rerun = await api().batch.rerunSource({ batchId: batch.id, which: 'all' });
      navigate({ screen: 'new' });
      void startScan(rerun.roots, { rerun, only: rerun.sourcePaths });
    });
  return (
    <>
      {pause === 'no_key' && (
        <button type="button" className="button button-primary" onClick={() => setAskKey(true)}>
          {t('modePause.addKey')}
        </button>
      )}
      {pause === 'real_batch_simulated_mode' && (
        <button
          type="button"
          className="button button-primary"
          disabled={busy}
          onClick={() => void setSimulated(false)}
        >
          {t('modePause.simulatedOff')}
        </button>
      )}
      {pause === 'simulated_batch_real_mode' && (
        <>
          <button
            type="button"
            className="button button-primary"
            disabled={busy}
            onClick={() => void setSimulated(true)}
          >
            {t('modePause.simulatedOn')}
          </button>
          <button type="button" className="button" disabled={busy} onClick={() => void makeReal()}>
            {t('modePause.makeReal')}
          </button>
        </>
      )}
      {askKey && <KeyDialog onClose={() => setAskKey(false)} />}
    </>
  );
}
