// Overnight upkeep driven by the engine's state: the system stays awake while work is pending
// (and the user wants it), and the taskbar's progress bar and the tray's tooltip show the counts.
// The decisions are in overnight.ts; this applies them.
import { powerSaveBlocker } from 'electron';
import { languageOf, type AppContext } from './running-app';
import { shouldBlockSuspension, summarizeProgress, trayTooltip } from './overnight';

export function updatePower(context: AppContext): void {
  const { engine, core } = context;
  if (!engine || !core) return;
  const wanted = shouldBlockSuspension({
    hasPendingWork: engine.hasPendingWork(),
    keepAwake: core.services.settings.get().keepAwake,
  });
  if (wanted && context.blockerId === null) {
    context.blockerId = powerSaveBlocker.start('prevent-app-suspension');
    context.logger.log('info', 'work pending: preventing system sleep');
  } else if (!wanted && context.blockerId !== null) {
    powerSaveBlocker.stop(context.blockerId);
    context.blockerId = null;
    context.logger.log('info', 'queue drained: system sleep allowed again');
  }
}

export function updateProgress(context: AppContext): void {
  const { engine, window, tray } = context;
  if (!engine) return;
  const summary = summarizeProgress(engine.listBatches());
  if (window && !window.isDestroyed())
    window.setProgressBar(summary.fraction ?? -1, {
      mode: summary.mode === 'none' ? 'none' : summary.mode === 'normal' ? 'normal' : summary.mode,
    });
  tray?.setToolTip(trayTooltip(summary, languageOf(context)));
}
