// The pure decisions behind overnight behaviour (what to show, when to stay awake, whether
// to ask on close), separated from the Electron calls in main/electron/index.ts so each one
// is tested with plain values.
import type { BatchView, EngineEvent, PauseReason } from '../core/domain';
import { TERMINAL_STATES } from '../core/domain';

/** Keep the machine from sleeping while work is queued or in flight, if the user wants it. */
export function shouldBlockSuspension(state: { hasPendingWork: boolean; keepAwake: boolean }): boolean {
  return state.hasPendingWork && state.keepAwake;
}

/** Pauses the user must act on (everything but a plain user pause). */
export const ACTIONABLE_PAUSES: readonly PauseReason[] = [
  'bad_key',
  'no_balance',
  'budget_reached',
  'daily_cap_reached',
  'disk_full',
  'too_many_failures',
  'lease_lost',
];

const PAUSE_TITLES: Record<PauseReason, string> = {
  user: 'Paused',
  bad_key: 'Paused: the API key was refused',
  no_balance: 'Paused: the RunComfy balance is empty',
  budget_reached: 'Paused: the budget is reached',
  daily_cap_reached: 'Paused: the daily spending cap is reached',
  disk_full: 'Paused: the disk is full',
  too_many_failures: 'Paused: too many failures in a row',
  lease_lost: 'Paused: another Stillmotion took this batch over',
};

const PAUSE_ACTIONS: Record<PauseReason, string> = {
  user: '',
  bad_key: 'Open Stillmotion and enter a valid API key, then resume.',
  no_balance: 'Top up your RunComfy balance, then resume.',
  budget_reached: 'Raise the budget in the batch settings to continue.',
  daily_cap_reached: 'Raise the daily cap in Settings, or wait for tomorrow: the batch then continues.',
  disk_full: 'Free some disk space or choose another output folder, then resume.',
  too_many_failures: 'Open Stillmotion to see why the items failed.',
  lease_lost: 'Close the other copy of Stillmotion (or the CLI) and resume here.',
};

export interface NotificationContent {
  title: string;
  body: string;
}

function usd(value: number): string {
  return `$${value.toFixed(2)}`;
}

/** The OS notification for an engine event, or null (none wanted, or nothing worth it). */
export function notificationFor(
  event: EngineEvent,
  batch: Pick<BatchView, 'name' | 'pauseMessage'> | null,
  settings: { notifications: boolean },
): NotificationContent | null {
  if (!settings.notifications) return null;
  const name = batch?.name ?? `Batch ${event.batchId}`;
  if (event.type === 'batch-finished') {
    const c = event.counts;
    const parts = [`${c.done} done`];
    const failed = c.failed + c.expired + c.unknown_submit;
    if (failed) parts.push(`${failed} need attention`);
    if (c.cancelled) parts.push(`${c.cancelled} cancelled`);
    if (c.rejected) parts.push(`${c.rejected} rejected`);
    if (c.skipped) parts.push(`${c.skipped} already generated`);
    return { title: `Finished: ${name}`, body: `${parts.join(', ')}. ${usd(event.spentUsd)} spent.` };
  }
  if (
    event.type === 'batch' &&
    event.state === 'paused' &&
    event.pauseReason &&
    ACTIONABLE_PAUSES.includes(event.pauseReason)
  ) {
    const detail = batch?.pauseMessage ? `${batch.pauseMessage} ` : '';
    return {
      title: `${PAUSE_TITLES[event.pauseReason]} (${name})`,
      body: `${detail}${PAUSE_ACTIONS[event.pauseReason]}`.trim(),
    };
  }
  return null;
}

export interface ProgressSummary {
  /** 0..1 over the active batches, or null when nothing is active (remove the bar). */
  fraction: number | null;
  /** 'paused' when every active batch waits on the user (Windows shows the bar yellow). */
  mode: 'normal' | 'paused' | 'error' | 'none';
  running: number;
  paused: number;
  inFlight: number;
  done: number;
  failed: number;
}

/** Taskbar/dock progress and tray counts from the batch list. */
export function summarizeProgress(batches: readonly BatchView[]): ProgressSummary {
  const active = batches.filter((b) => b.state === 'running' || b.state === 'paused');
  let total = 0;
  let finished = 0;
  let inFlight = 0;
  let done = 0;
  let failed = 0;
  for (const batch of active) {
    total += batch.total;
    for (const state of TERMINAL_STATES) finished += batch.counts[state] ?? 0;
    inFlight +=
      (batch.counts.submitting ?? 0) +
      (batch.counts.in_queue ?? 0) +
      (batch.counts.in_progress ?? 0) +
      (batch.counts.downloading ?? 0);
    done += batch.counts.done ?? 0;
    failed += (batch.counts.failed ?? 0) + (batch.counts.expired ?? 0) + (batch.counts.unknown_submit ?? 0);
  }
  const running = active.filter((b) => b.state === 'running').length;
  const paused = active.length - running;
  if (!active.length || total === 0)
    return { fraction: null, mode: 'none', running, paused, inFlight, done, failed };
  const needsUser = active.some(
    (b) => b.state === 'paused' && b.pauseReason && ACTIONABLE_PAUSES.includes(b.pauseReason),
  );
  const mode = running ? 'normal' : needsUser ? 'error' : 'paused';
  return { fraction: Math.min(1, finished / total), mode, running, paused, inFlight, done, failed };
}

export function trayTooltip(summary: ProgressSummary): string {
  if (summary.mode === 'none') return 'Stillmotion: idle';
  const parts = [];
  if (summary.running) parts.push(`${summary.running} running`);
  if (summary.paused) parts.push(`${summary.paused} paused`);
  parts.push(`${summary.inFlight} generating`, `${summary.done} done`);
  if (summary.failed) parts.push(`${summary.failed} need attention`);
  const percent = summary.fraction === null ? '' : ` (${Math.floor(summary.fraction * 100)}%)`;
  return `Stillmotion${percent}: ${parts.join(', ')}`;
}

/**
 * Closing the window: just close (and quit) when nothing runs; ask when work is pending;
 * never ask again once the user chose to quit, or when the window is closed to the tray.
 */
export function decideClose(state: {
  hasPendingWork: boolean;
  quitting: boolean;
  keepInTray: boolean;
}): 'close' | 'hide' | 'ask' {
  if (state.quitting) return 'close';
  if (state.keepInTray) return 'hide';
  return state.hasPendingWork ? 'ask' : 'close';
}

/** The close dialog's buttons, in order; the answer maps back by index. */
export const CLOSE_DIALOG_BUTTONS = ['Keep running in the tray', 'Quit (resume later)', 'Cancel'] as const;

export function closeChoice(response: number): 'tray' | 'quit' | 'cancel' {
  return response === 0 ? 'tray' : response === 1 ? 'quit' : 'cancel';
}

/**
 * After a renderer crash: reload, unless it crashed `max` times within `windowMs` (a page that
 * crashes on load would otherwise reload forever and burn CPU all night). The queue runs in
 * main either way.
 */
export function shouldReloadAfterCrash(
  previousCrashes: readonly number[],
  now: number,
  limits: { max: number; windowMs: number } = { max: 3, windowMs: 60_000 },
): boolean {
  return previousCrashes.filter((at) => now - at < limits.windowMs).length < limits.max;
}
