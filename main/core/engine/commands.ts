// The engine's commands: what a person asks of a batch or an item (start, pause, resume,
// cancel, retry, resubmit, budget). Each checks that the request fits (typed errors say why
// not, with what to do), then hands the state change to the coordinator's settle path.
import { statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { CancelBatchResult, CancelItemOutcome, CommandsApi } from '../core-api';
import type { BatchRecord, ItemRecord } from '../db/rows';
import {
  actionFor,
  assertNever,
  InvalidValueError,
  statesAllowing,
  NotFoundError,
  StateError,
  type ItemReview,
  type ItemState,
} from '../domain';
import type { EngineContext } from './context';
import type { Coordinator } from './coordinator';
import { dailyRoom, fitsDailyCap } from './admission';
import { text } from './messages';
import { isSaveFailure } from './save-failures';
import { IN_FLIGHT_STATES, allows, statesInWords } from '@common/item-actions';

/** A failed item whose video is paid and known (a link, or a request /result can give one). */
function isPaidUnsaved(item: ItemRecord): boolean {
  if (item.state !== 'failed' || !isSaveFailure(item.errorCode)) return false;
  return item.resultUrl !== null || item.requestId !== null;
}

export class Commands implements CommandsApi {
  constructor(
    private readonly ctx: EngineContext,
    private readonly core: Coordinator,
  ) {}

  startBatch(batchId: number): void {
    const batch = this.requireBatch(batchId);
    if (batch.state === 'cancelled')
      throw new StateError(
        `Batch ${batchId} ('${batch.name}') was cancelled; retry single items to run them again.`,
        { kind: 'batch_cancelled', batchId, batchName: batch.name },
      );
    this.core.leases.take(batchId);
    if (batch.state !== 'running') this.core.batches.set(batchId, 'running', null, 'started');
    this.core.recover(batchId);
    this.core.pump(batchId);
  }

  pauseBatch(batchId: number): void {
    const batch = this.requireBatch(batchId);
    if (batch.state !== 'running') return;
    this.core.batches.set(batchId, 'paused', { reason: 'user', detail: text.pausedByUser }, 'paused by user');
  }

  resumeBatch(batchId: number): void {
    const batch = this.requireBatch(batchId);
    if (batch.state !== 'paused' && batch.state !== 'draft') return;
    const runtime = this.core.leases.take(batchId);
    this.core.batches.set(
      batchId,
      'running',
      null,
      batch.pauseReason ? `resumed after ${batch.pauseReason}` : 'resumed',
    );
    runtime.consecutiveFailures = 0;
    runtime.submitBackoffUntil = 0;
    this.core.recover(batchId);
    this.core.pump(batchId);
  }

  async cancelBatch(batchId: number): Promise<CancelBatchResult> {
    const batch = this.requireBatch(batchId);
    if (batch.state !== 'cancelled' && batch.state !== 'finished')
      this.core.batches.set(batchId, 'cancelled', null, 'cancelled by user');
    const result: CancelBatchResult = { cancelledLocally: 0, cancelRequested: 0, running: 0 };
    // Queued items in one transaction: 10,000 of them is one commit, not 10,000 fsyncs.
    const cancelled = this.ctx.store.items.cancelQueued(
      batchId,
      'cancelled by user (whole batch)',
      this.ctx.clock.now(),
    );
    result.cancelledLocally = cancelled.length;
    for (const id of cancelled) this.ctx.hub.item(batchId, id, 'cancelled');
    // What was sent goes the way a single item's cancel goes (the action table decides).
    for (const item of this.ctx.store.itemQueries.itemsInStates(batchId, IN_FLIGHT_STATES)) {
      const outcome = await this.cancelItem(item.id);
      if (outcome === 'running_cannot_stop') result.running++;
      else if (outcome === 'cancelled') result.cancelledLocally++;
      else if (outcome === 'cancel_requested') result.cancelRequested++;
    }
    this.core.reconsider(batchId);
    return result;
  }

  async cancelItem(itemId: number): Promise<CancelItemOutcome> {
    const item = this.requireItem(itemId);
    const state = item.state;
    // Whether is the table's (common/item-actions.ts); how depends on how far it got.
    if (!allows(state, 'cancel'))
      return actionFor(state) === 'wait' ? 'running_cannot_stop' : 'already_finished';
    switch (state) {
      case 'queued': {
        const moved = this.core.settle({
          item,
          move: { from: 'queued', to: 'cancelled', patch: {}, reason: 'cancelled by user' },
        });
        return moved ? 'cancelled' : this.cancelItem(itemId);
      }
      case 'submitting':
        this.ctx.store.items.update(itemId, { cancelRequested: true });
        return 'cancel_requested';
      case 'in_queue':
        return this.core.cancelRemote(item);
      default:
        return assertNever(state);
    }
  }

  retryItem(itemId: number): void {
    const item = this.requireItem(itemId);
    if (actionFor(item.state) !== 'retry')
      throw new StateError(
        `Item ${itemId} (${item.relativePath}) is '${item.state}'; only ${statesInWords(statesAllowing('retry'))} items can be retried.`,
        {
          kind: 'item_not_actionable',
          itemId,
          fileName: item.relativePath,
          state: item.state,
          action: 'retry',
        },
      );
    // A paid video that could not be saved: fetch the same video again, unpaid (the download
    // asks /result for a fresh link when the stored one is unusable). Never a new generation.
    if (isPaidUnsaved(item)) {
      this.reopenBatch(item.batchId);
      this.core.settle({
        item,
        move: {
          from: 'failed',
          to: 'downloading',
          patch: { errorCode: null, errorMessage: null },
          reason: 'download retried by user',
        },
      });
      return;
    }
    this.requeue(item, item.state, 'retried by user (a new paid attempt)');
  }

  resubmitItem(itemId: number): void {
    const item = this.requireItem(itemId);
    if (actionFor(item.state) !== 'resubmit')
      throw new StateError(
        `Item ${itemId} (${item.relativePath}) is '${item.state}'; only items whose submit answer was lost can be resubmitted.`,
        {
          kind: 'item_not_actionable',
          itemId,
          fileName: item.relativePath,
          state: item.state,
          action: 'resubmit',
        },
      );
    this.requeue(item, item.state, 'resubmitted by user (accepting it may be paid twice)');
  }

  /** Keeps or rejects a finished video (null: undecided again). Costs nothing, sends nothing. */
  reviewItem(itemId: number, review: ItemReview | null): void {
    const item = this.requireItem(itemId);
    if (!this.ctx.store.items.setReview(itemId, review)) {
      const now = this.ctx.store.items.getItem(itemId) ?? item;
      throw new StateError(
        `Item ${itemId} (${now.relativePath}) is '${now.state}'; only a finished video (done) can be kept or rejected.`,
        {
          kind: 'item_not_actionable',
          itemId,
          fileName: now.relativePath,
          state: now.state,
          action: 'review',
        },
      );
    }
  }

  setBudget(batchId: number, budgetUsd: number | null): void {
    const batch = this.requireBatch(batchId);
    if (budgetUsd !== null && !(budgetUsd >= 0))
      throw new InvalidValueError(
        `A budget must be a number of dollars of 0 or more (or none), got ${budgetUsd}.`,
        {
          kind: 'invalid_value',
          field: 'budgetUsd',
          value: String(budgetUsd),
          expected: 'a number of dollars of 0 or more, or none',
        },
      );
    // Items are admitted by their estimated cost; with the price unknown that is $0, so a cap
    // set now could not be kept (the plan refuses a capped batch on such a model too).
    const model = this.ctx.catalog.find(batch.settings.modelId);
    const queued = budgetUsd === null ? [] : this.ctx.store.itemQueries.itemsInStates(batchId, ['queued']);
    const unpricedQueue = queued.length > 0 && queued.every((item) => !(item.estimatedCostUsd > 0));
    if (budgetUsd !== null && (model?.price.per === 'unknown' || unpricedQueue))
      throw new StateError(
        `The price of ${model?.displayName ?? batch.settings.modelId} is unknown, so a budget cap cannot be kept ` +
          'for this batch. Give the model a price (its entry in the models folder) for the next batch, or run this one without a cap.',
        {
          kind: 'invalid_value',
          field: 'budgetUsd',
          value: String(budgetUsd),
          expected: 'no cap: the price of this batch’s model is unknown',
        },
      );
    this.ctx.store.batches.updateBatchSettings(batchId, { ...batch.settings, budgetUsd });
  }

  /**
   * Sends the batch's next videos to another output folder, one the user chose (so it is there):
   * videos saved before stay where they are. The old folder's condition is over; downloads that
   * waited for it try the new one at once. An ended batch takes it too: its retried items save there.
   */
  setOutputDir(batchId: number, outputDir: string): void {
    const batch = this.requireBatch(batchId);
    if (!isAbsolute(outputDir))
      throw new InvalidValueError(
        `The output folder must be an absolute path, got ${JSON.stringify(outputDir)}.`,
        {
          kind: 'invalid_value',
          field: 'outputDir',
          value: outputDir,
          expected: 'an absolute path to a folder',
        },
      );
    if (!(statSync(outputDir, { throwIfNoEntry: false })?.isDirectory() ?? false))
      throw new InvalidValueError(
        `${outputDir} is not a folder (it was moved or deleted since it was chosen); choose the folder again.`,
        { kind: 'invalid_value', field: 'outputDir', value: outputDir, expected: 'an existing folder' },
      );
    this.ctx.store.batches.updateBatchSettings(batchId, { ...batch.settings, outputDir });
    this.ctx.store.batches.markOutputDirSeen(batchId, this.ctx.clock.now());
    this.core.batches.clearCondition(batchId, ['output_unavailable']);
    if (this.ctx.held.has(batchId))
      for (const item of this.ctx.store.itemQueries.itemsInStates(batchId, ['downloading']))
        this.core.fetchVideo(item.id);
  }

  requireBatch(batchId: number): BatchRecord {
    const batch = this.ctx.store.batches.getBatch(batchId);
    if (!batch)
      throw new NotFoundError(
        `Batch ${batchId} does not exist; list the batches to see which ids there are.`,
        {
          kind: 'batch_not_found',
          batchId,
        },
      );
    return batch;
  }

  /**
   * Sets the account's daily cap (null: none); batches it paused continue when they fit again.
   * A cap is a number of USD, finite and not negative.
   */
  setDailyCap(capUsd: number | null): void {
    if (capUsd !== null && !(Number.isFinite(capUsd) && capUsd >= 0))
      throw new InvalidValueError(
        `The daily cap must be a number of US dollars, 0 or more (got ${String(capUsd)}); leave it empty for no cap.`,
        {
          kind: 'invalid_value',
          field: 'dailyCapUsd',
          value: String(capUsd),
          expected: 'a number of US dollars, 0 or more, or none',
        },
      );
    this.ctx.account.setDailyCap(capUsd);
    this.resumeWithinDailyCap();
  }

  /**
   * Resumes the held batches paused by the daily cap whose next video fits now: the cap was
   * raised (here or by another process) or a new day began. Called on every backstop tick.
   */
  resumeWithinDailyCap(): void {
    for (const batchId of [...this.ctx.held.keys()]) {
      const batch = this.ctx.store.batches.getBatch(batchId);
      if (batch?.state !== 'paused' || batch.pauseReason !== 'daily_cap_reached') continue;
      const daily = dailyRoom(this.ctx);
      const next = this.ctx.store.itemQueries.nextQueued(batchId, 1)[0];
      if (next && !fitsDailyCap(daily, next)) continue;
      this.resumeBatch(batchId);
    }
  }

  requireItem(itemId: number): ItemRecord {
    const item = this.ctx.store.items.getItem(itemId);
    if (!item)
      throw new NotFoundError(`Item ${itemId} does not exist; it may belong to a deleted batch.`, {
        kind: 'item_not_found',
        itemId,
      });
    return item;
  }

  /** A finished or cancelled batch that gets an item back (retry) runs again. */
  private reopenBatch(batchId: number): void {
    const batch = this.requireBatch(batchId);
    this.core.leases.take(batchId);
    if (batch.state === 'finished' || batch.state === 'cancelled')
      this.core.batches.set(batchId, 'running', null, 'reopened for a retried item');
  }

  private requeue(item: ItemRecord, from: ItemState, reason: string): void {
    this.reopenBatch(item.batchId);
    this.core.settle({
      item,
      move: {
        from,
        to: 'queued',
        patch: (current) => ({
          // What an earlier attempt may have cost stays counted against the budget.
          priorSpentUsd:
            current.priorSpentUsd + (current.mayBeBilled ? (current.costUsd ?? current.estimatedCostUsd) : 0),
          mayBeBilled: false,
          costUsd: null,
          requestId: null,
          queuePosition: null,
          errorCode: null,
          errorMessage: null,
          resultUrl: null,
          // A new attempt downloads its own video: nothing of the last one's file is taken for it.
          outputPath: null,
          outputBytes: null,
          outputSha256: null,
          cancelRequested: false,
          nextPollAt: null,
          finishedAt: null,
        }),
        reason,
      },
    });
  }
}
