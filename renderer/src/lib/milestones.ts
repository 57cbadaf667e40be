// What a screen reader hears about a batch while the user does something else: its milestones
// (started, resumed, every 10 %, paused and why, finished with the summary, cancelled), never
// one item at a time. A pause that needs the user is urgent (see needsUser). Progress is throttled: at most one progress message per PROGRESS_GAP_MS,
// the latest one winning. A state change is said after a short settle, so it carries the
// counts of the refetch that follows the state event, not the stale ones the event came with.
import type { BatchViewDto } from '@common/contract';
import { batchFigures } from '@common/batch-figures';
import { finishedNotice, needsUser as pauseNeedsUser, type BatchNotice } from '@common/batch-notices';

export const PROGRESS_GAP_MS = 15_000;
export const SETTLE_MS = 600;

export interface ProgressView {
  state: BatchViewDto['state'];
  pauseReason: BatchViewDto['pauseReason'];
  done: number;
  problems: number;
  /** The videos the batch set out to make (batch-figures.ts's `planned`, as the header shows). */
  toRun: number;
  /** Nothing more happens to them unless the user acts: done, problems and cancelled. */
  settled: number;
  spentUsd: number;
  /** What the batch's end says (batch-notices.ts), the same words as the OS notification's. */
  ending: BatchNotice;
}

export function progressViewOf(batch: BatchViewDto): ProgressView {
  const figures = batchFigures(batch);
  return {
    state: batch.state,
    pauseReason: batch.pauseReason,
    done: figures.done,
    problems: figures.problems,
    toRun: figures.planned,
    settled: figures.settled,
    spentUsd: figures.spentUsd,
    ending: finishedNotice(batch),
  };
}

export type Milestone =
  | { kind: 'started' | 'resumed' | 'cancelled'; view: ProgressView }
  | { kind: 'paused'; view: ProgressView; reason: NonNullable<BatchViewDto['pauseReason']> }
  | { kind: 'finished'; view: ProgressView }
  | { kind: 'progress'; view: ProgressView; percent: number };

/** A pause the user has to act on (key, balance, cap, disk...): said at once, assertively. */
export function needsUser(milestone: Milestone): boolean {
  return milestone.kind === 'paused' && pauseNeedsUser(milestone.reason);
}

/** Whole tens of the items settled (done, given up or cancelled), 0..10. */
export function decileOf(view: ProgressView): number {
  if (view.toRun <= 0) return 0;
  return Math.min(10, Math.floor((view.settled / view.toRun) * 10));
}

export interface AnnouncerOptions {
  say: (milestone: Milestone) => void;
  now: () => number;
  /** Runs `fn` after `ms`; answers a function that cancels it. */
  setTimer: (fn: () => void, ms: number) => () => void;
  progressGapMs?: number;
  settleMs?: number;
}

export class MilestoneAnnouncer {
  private latest: ProgressView | null = null;
  private lastSpokenAt = Number.NEGATIVE_INFINITY;
  private lastDecile = 0;
  private cancelTimer: (() => void) | null = null;
  private pending: 'state' | 'progress' | null = null;
  /** The state before the change being settled (null: the first snapshot). */
  private from: ProgressView['state'] | null = null;
  private readonly gap: number;
  private readonly settle: number;

  constructor(private readonly options: AnnouncerOptions) {
    this.gap = options.progressGapMs ?? PROGRESS_GAP_MS;
    this.settle = options.settleMs ?? SETTLE_MS;
  }

  /** Feed every snapshot of the batch; the first one only sets the baseline. */
  update(view: ProgressView): void {
    const previous = this.latest;
    this.latest = view;
    if (!previous) {
      this.lastDecile = decileOf(view);
      // Just started from the new-batch screen (or opened before anything settled), or stopped
      // at once for a reason the user must act on (the budget cap already reached).
      const justStarted = view.state === 'running' && view.done + view.problems === 0;
      if (justStarted || (view.state === 'paused' && pauseNeedsUser(view.pauseReason))) {
        this.from = null;
        this.schedule('state', this.settle);
      }
      return;
    }
    if (view.state !== previous.state) {
      if (this.pending !== 'state') this.from = previous.state;
      this.schedule('state', this.settle);
      return;
    }
    if (this.pending === 'state') return;
    if (view.state === 'running' && decileOf(view) > this.lastDecile && decileOf(view) < 10) {
      const wait = Math.max(0, this.lastSpokenAt + this.gap - this.options.now());
      if (this.pending !== 'progress') this.schedule('progress', wait);
    }
  }

  dispose(): void {
    this.cancelTimer?.();
    this.cancelTimer = null;
    this.pending = null;
  }

  private schedule(kind: 'state' | 'progress', ms: number): void {
    this.cancelTimer?.();
    this.pending = kind;
    this.cancelTimer = this.options.setTimer(() => this.fire(), ms);
  }

  private fire(): void {
    const view = this.latest;
    const kind = this.pending;
    this.pending = null;
    this.cancelTimer = null;
    if (!view || !kind) return;
    const milestone = kind === 'progress' ? this.progress(view) : this.stateMilestone(view);
    if (!milestone) return;
    this.lastSpokenAt = this.options.now();
    this.lastDecile = decileOf(view);
    this.options.say(milestone);
  }

  private progress(view: ProgressView): Milestone | null {
    const decile = decileOf(view);
    if (view.state !== 'running' || decile <= this.lastDecile || decile >= 10) return null;
    return { kind: 'progress', view, percent: decile * 10 };
  }

  private stateMilestone(view: ProgressView): Milestone | null {
    if (view.state === this.from) return null; // changed and changed back while settling
    switch (view.state) {
      case 'running':
        return { kind: this.from === 'paused' ? 'resumed' : 'started', view };
      case 'paused':
        return { kind: 'paused', view, reason: view.pauseReason ?? 'user' };
      case 'finished':
        return { kind: 'finished', view };
      case 'cancelled':
        return { kind: 'cancelled', view };
      case 'draft':
        return null;
    }
  }
}
