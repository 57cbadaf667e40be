// The pure decisions behind overnight behaviour (what to show, in the window's language, when
// to stay awake, whether to ask on close), separated from the Electron calls in
// main/electron/index.ts so each one is tested with plain values.
import type { BatchView, EngineEvent } from '../core/domain';
import { TERMINAL_STATES } from '../core/domain';
import { desktopText, type DesktopTextKey } from '@common/desktop-texts';
import {
  finishedNotice,
  needsUser,
  noticeWords,
  pausedNotice,
  type BatchNotice,
  type hoursTracker,
  type NoticeWords,
} from '@common/batch-notices';
import type { ReasonLanguage } from '@common/reasons';

/** Keep the machine from sleeping while work is queued or in flight, if the user wants it. */
export function shouldBlockSuspension(state: { hasPendingWork: boolean; keepAwake: boolean }): boolean {
  return state.hasPendingWork && state.keepAwake;
}

/** The OS notification for an engine event (batch-notices.ts decides and words it), or null. */
export function notificationFor(
  event: EngineEvent,
  batch: (Pick<BatchView, 'name' | 'pauseMessage' | 'pauseDetail' | 'simulated'> & { total?: number }) | null,
  settings: { notifications: boolean },
  language: ReasonLanguage = 'en',
): NoticeWords | null {
  if (!settings.notifications) return null;
  let notice: BatchNotice | null = null;
  if (event.type === 'batch-finished')
    // The event's counts are the batch's at its end (the view may be read a moment later).
    notice = finishedNotice({
      counts: event.counts,
      total: batch?.total ?? Object.values(event.counts).reduce((n, c) => n + c, 0),
      spentUsd: event.spentUsd,
    });
  else if (event.type === 'batch' && event.state === 'paused')
    notice = pausedNotice(event.pauseReason, batch);
  if (!notice) return null;
  return noticeWords(
    notice,
    { id: event.batchId, name: batch?.name ?? null, simulated: batch?.simulated ?? false },
    language,
  );
}

/**
 * The OS notification that a running batch's hours began (it waited for its start time or its
 * daily window and sends again by itself), from `hours`, which has looked at it while it waited.
 */
export function hoursNotification(
  hours: ReturnType<typeof hoursTracker>,
  batch: BatchView,
  settings: { notifications: boolean },
  language: ReasonLanguage = 'en',
): NoticeWords | null {
  if (batch.state !== 'running') {
    hours.forget(batch.id);
    return null;
  }
  const notice = hours.look(batch);
  if (!notice || !settings.notifications) return null;
  return noticeWords(notice, { id: batch.id, name: batch.name, simulated: batch.simulated }, language);
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
  const waitsOnUser = active.some((b) => b.state === 'paused' && needsUser(b.pauseReason));
  const mode = running ? 'normal' : waitsOnUser ? 'error' : 'paused';
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
