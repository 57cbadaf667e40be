// The pure decisions behind overnight behaviour (what to show, in the window's language, when
// to stay awake, whether to ask on close), separated from the Electron calls in
// main/electron/index.ts so each one is tested with plain values.
import type { BatchView, EngineEvent, PauseReason } from '../core/domain';
import { TERMINAL_STATES } from '../core/domain';
import { desktopText, type DesktopTextKey } from '@common/desktop-texts';
import { reasonText, type ReasonLanguage } from '@common/reasons';

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

export interface NotificationContent {
  title: string;
  body: string;
}

/** An amount in the language; a simulated batch's money says it is simulated. */
function money(usd: number, simulated: boolean, language: ReasonLanguage): string {
  const amount = `$${usd.toFixed(2)}`;
  return simulated ? desktopText(language, 'money.simulated', { amount }) : amount;
}

/** The OS notification for an engine event, or null (none wanted, or nothing worth it). */
export function notificationFor(
  event: EngineEvent,
  batch: Pick<BatchView, 'name' | 'pauseMessage' | 'pauseDetail' | 'simulated'> | null,
  settings: { notifications: boolean },
  language: ReasonLanguage = 'en',
): NotificationContent | null {
  if (!settings.notifications) return null;
  const say = (key: DesktopTextKey, vars?: Record<string, string | number>) =>
    desktopText(language, key, vars);
  const name = batch?.name ?? say('notify.batch', { id: event.batchId });
  if (event.type === 'batch-finished') {
    const c = event.counts;
    const parts = [say('count.done', { count: c.done })];
    const failed = c.failed + c.expired + c.unknown_submit;
    if (failed) parts.push(say('count.attention', { count: failed }));
    if (c.cancelled) parts.push(say('count.cancelled', { count: c.cancelled }));
    if (c.rejected) parts.push(say('count.rejected', { count: c.rejected }));
    if (c.skipped) parts.push(say('count.skipped', { count: c.skipped }));
    return {
      title: say('notify.finished', { name }),
      body: say('notify.finishedBody', {
        parts: parts.join(say('list.separator')),
        spent: money(event.spentUsd, batch?.simulated ?? false, language),
      }),
    };
  }
  if (
    event.type === 'batch' &&
    event.state === 'paused' &&
    event.pauseReason &&
    ACTIONABLE_PAUSES.includes(event.pauseReason)
  ) {
    // The engine's account in the reader's language (rows from before codes: its English text).
    const detail = batch
      ? reasonText({ reason: batch.pauseDetail, message: batch.pauseMessage }, language)
      : null;
    return {
      title: say('notify.paused', { title: say(`pause.${event.pauseReason}`), name }),
      body: [detail, say(`action.${event.pauseReason}`)].filter(Boolean).join(say('sentence.separator')),
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

export function trayTooltip(summary: ProgressSummary, language: ReasonLanguage = 'en'): string {
  const say = (key: DesktopTextKey, count: number) => desktopText(language, key, { count });
  if (summary.mode === 'none') return desktopText(language, 'tray.idle');
  const parts = [];
  if (summary.running) parts.push(say('count.running', summary.running));
  if (summary.paused) parts.push(say('count.paused', summary.paused));
  parts.push(say('count.generating', summary.inFlight), say('count.done', summary.done));
  if (summary.failed) parts.push(say('count.attention', summary.failed));
  const percent = summary.fraction === null ? '' : ` (${Math.floor(summary.fraction * 100)}%)`;
  return desktopText(language, 'tray.summary', {
    percent,
    parts: parts.join(desktopText(language, 'list.separator')),
  });
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

/** The close dialog's words; its buttons in order (the answer maps back by index, closeChoice). */
export function closeDialog(language: ReasonLanguage = 'en') {
  return {
    title: desktopText(language, 'close.title'),
    message: desktopText(language, 'close.message'),
    detail: desktopText(language, 'close.detail'),
    buttons: [
      desktopText(language, 'close.keep'),
      desktopText(language, 'close.quit'),
      desktopText(language, 'close.cancel'),
    ],
  };
}

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
