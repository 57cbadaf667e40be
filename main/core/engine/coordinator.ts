// The coordinator: the centre of the engine's star. Phases (admission, submit, track,
// download, recovery) decide and return outcomes; this is the ONE place that applies them:
//
//   settle(outcome) = write the transition (if any) -> learn the run time -> count it for the
//   batch's failure streak -> take the pause it calls for -> start the work the new state needs
//   (poll, download) -> finish the batch if nothing is left -> pump the batch's free slots.
//
// Every path that ends an item or frees a slot goes through settle, so the next submit is
// always scheduled; a periodic backstop re-pumps anyway, and assertNoIdleBatchWithWork() lets
// tests prove no held batch sits idle with work it could start.
import { LeaseLostError } from '../db/store';
import type { ItemRecord } from '../db/rows';
import type { CancelItemOutcome } from '../core-api';
import { admit } from './admission';
import { assertNoIdleBatch } from './idle-check';
import { BatchStates } from './batch-state';
import { cancelRemote } from './cancel-remote';
import type { BatchRuntime, EngineContext } from './context';
import { DownloadPhase } from './download';
import { Leases } from './leases';
import type { Outcome } from './outcome';
import { planRecovery } from './recovery';
import { QueueConditions } from './queue-conditions';
import { RunTimes } from './run-times';
import { SIDECAR_TRIES, SidecarWriter } from './sidecar';
import { SubmitPhase } from './submit';
import { SubmitFlow } from './submit-flow';
import { TempFiles } from './temp-files';
import { TrackPhase } from './track';
import { POLLED_STATES } from '@common/item-actions';

export class Coordinator {
  readonly leases: Leases;
  readonly batches: BatchStates;
  readonly runTimes: RunTimes;
  private readonly submit: SubmitPhase;
  private readonly track: TrackPhase;
  private readonly download: DownloadPhase;
  private readonly sidecars: SidecarWriter;
  readonly tempFiles: TempFiles;
  private readonly sidecarsTried = new Set<number>();
  private readonly tasks = new Set<Promise<unknown>>();
  private readonly submitting: SubmitFlow;
  private readonly queueConditions: QueueConditions;
  /** Work waiting for a clock time: a download's back-off or parked re-check, a poll after an error. */
  private readonly wakes = new Set<string>();
  readonly transitionListeners = new Set<(item: ItemRecord) => void>();

  constructor(private readonly ctx: EngineContext) {
    this.leases = new Leases(ctx);
    this.batches = new BatchStates(ctx);
    this.runTimes = new RunTimes(ctx);
    this.submit = new SubmitPhase(ctx, this.runTimes);
    this.track = new TrackPhase(ctx, this.runTimes);
    this.tempFiles = new TempFiles(ctx);
    this.download = new DownloadPhase(ctx, this.tempFiles, (batchId) => this.leases.mayWrite(batchId));
    // A sidecar is the batch's holder's to write; an ended batch's (its lease released), anyone's.
    this.sidecars = new SidecarWriter(ctx, this.tempFiles, (batchId) =>
      ctx.held.has(batchId) ? this.leases.mayWrite(batchId) : this.leases.holder(batchId) === null,
    );
    this.submitting = new SubmitFlow(ctx, this.submit, this);
    this.queueConditions = new QueueConditions(ctx, this.batches);
  }

  // ==== the settle path ====================================================================

  /** Applies what a phase reported; returns the item as written (null: no move, or it lost a race). */
  settle(outcome: Outcome): ItemRecord | null {
    const { item } = outcome;
    const batchId = item.batchId;
    let moved: ItemRecord | null = null;
    if (outcome.move) {
      try {
        moved = this.write(item, outcome.move);
      } catch (error) {
        // Refused for good (the lease is another process's now): undo what was done ahead of it.
        if (error instanceof LeaseLostError && outcome.ifNotWritten) this.spawn(outcome.ifNotWritten);
        throw error;
      }
      if (!moved && outcome.ifNotWritten) this.spawn(outcome.ifNotWritten);
    }
    // The first finish of a model replaces the prior: the batch's other running jobs, probing on
    // it, are re-aimed at once (a cold start's first round finishes together).
    if (moved && outcome.learnedRunMs !== undefined)
      if (this.runTimes.learn(moved, outcome.learnedRunMs, this.ctx.clock.now())) this.track.reaim(batchId);
    if (moved && outcome.reopens && this.ctx.store.batches.getBatch(batchId)?.state === 'finished')
      this.batches.set(batchId, 'running', null, 'reopened: a submit answer arrived after all');
    const streak = moved ? outcome.streak : undefined;
    if (streak === 'succeeded') this.batches.succeeded(batchId);
    else if (streak) this.batches.failed(batchId, streak.failed);
    if (outcome.pause) {
      const { scope, reason, detail } = outcome.pause;
      if (scope === 'account') this.batches.pauseAll(reason, detail);
      else this.batches.pause(batchId, reason, detail);
    }
    if (outcome.accountRefused) this.queueConditions.lowerLimit(item);
    if (outcome.clearConditions) this.batches.clearCondition(batchId, outcome.clearConditions);
    if (outcome.condition) this.batches.setCondition(batchId, outcome.condition);
    if (outcome.downloadAgainAt !== undefined) this.fetchVideoAt(item.id, outcome.downloadAgainAt);
    const runtime = this.ctx.held.get(batchId);
    if (runtime && outcome.holdSubmitsUntil !== undefined)
      runtime.submitBackoffUntil = Math.max(runtime.submitBackoffUntil, outcome.holdSubmitsUntil);
    if (moved) this.startWorkFor(moved);
    this.reconsider(batchId);
    return moved;
  }

  /**
   * The tail of every settle: finish the batch if nothing is left, else fill its free slots.
   * Under an account-wide limit a freed slot may belong to another batch: every held batch is
   * pumped, in queue order, so the first that wants it takes it.
   */
  reconsider(batchId: number): void {
    this.finishIfDone(batchId);
    if (this.ctx.held.size > 1 && this.ctx.queue.effectiveLimit(this.ctx.clock.now()) !== null)
      this.pumpInQueueOrder();
    else this.pump(batchId);
  }

  /** Pumps every held batch, the first in the account's queue first. */
  pumpInQueueOrder(): void {
    for (const batch of this.ctx.store.batches.queuedBatches())
      if (this.ctx.held.has(batch.id)) this.pump(batch.id);
  }

  private write(item: ItemRecord, move: NonNullable<Outcome['move']>): ItemRecord | null {
    const { store, clock, owner, limits, hub } = this.ctx;
    const moved = store.items.transition(
      item.id,
      move.from,
      move.to,
      move.patch,
      move.reason,
      clock.now(),
      move.lease ? { owner, leaseMs: limits.leaseMs } : undefined,
      move.durable ?? true,
      move.expect,
    );
    if (moved) {
      hub.item(moved.batchId, moved.id, moved.state);
      for (const listener of this.transitionListeners) listener(moved);
    }
    return moved;
  }

  /** The work a state needs next: an accepted request is polled, a generated video downloaded. */
  private startWorkFor(item: ItemRecord): void {
    if (item.state === 'in_queue') {
      // Cancelled by the user while the submit was on the wire: cancel it at the API now.
      if (item.cancelRequested) void this.cancelRemote(item);
      this.follow(item.id);
    } else if (item.state === 'downloading') this.fetchVideo(item.id);
    else {
      // Its download is over: no temporary file of it stays in the user's folder.
      if (
        item.partPath !== null ||
        item.state === 'done' ||
        item.state === 'expired' ||
        item.state === 'failed'
      )
        this.spawn(async () => void (await this.tempFiles.removeOf(item.id, { kind: 'part' })));
      // Its video is in place: describe it beside it (never blocks or fails the item).
      if (item.state === 'done') this.spawn(() => this.sidecars.write(item.id));
    }
  }

  /** Ends this engine's work on a batch with nothing left: finished event, lease released. */
  private finishIfDone(batchId: number): void {
    const ended = this.batches.finishIfDone(batchId);
    if (!ended) return;
    // A finished batch leaves no temporary file: what an ended item left is removed now (and
    // by every later sweep if a delete cannot happen yet).
    this.spawn(() => this.tempFiles.sweepLeftovers());
    const money = this.ctx.store.itemQueries.money(batchId);
    this.ctx.hub.emit({ type: 'batch-finished', batchId, counts: ended.counts, spentUsd: money.spentUsd });
    this.leases.release(batchId);
  }

  // ==== admission and submitting ===========================================================

  /** Fills the batch's free generation slots with queued items, within the gates. */
  pump(batchId: number): void {
    const runtime = this.ctx.held.get(batchId);
    const decision = admit(this.ctx, runtime);
    if (runtime && decision.kind !== 'closed' && decision.kind !== 'scheduled')
      this.queueConditions.over(runtime);
    switch (decision.kind) {
      case 'closed':
        return;
      case 'full':
        // Another process may free an account slot: look again soon (this one's own free
        // slots are pumped by their settle).
        if (decision.account) this.schedulePump(runtime!, this.ctx.limits.accountRecheckMs);
        return;
      case 'scheduled':
        this.queueConditions.show(runtime!, decision.condition);
        if (decision.opensAt !== null)
          this.queueConditions.pumpAt(batchId, decision.opensAt, () => this.pump(batchId));
        return;
      case 'wait':
        this.schedulePump(runtime!, decision.until - this.ctx.clock.now());
        return;
      case 'drained':
        this.finishIfDone(batchId);
        return;
      case 'start':
        for (const item of decision.items) {
          runtime!.preparing.set(item.id, item.estimatedCostUsd);
          this.spawn(() => this.submitting.run(runtime!, item, decision.settings));
        }
        if (decision.pause) this.batches.pause(batchId, decision.pause.reason, decision.pause.detail);
        return;
    }
  }

  private schedulePump(runtime: BatchRuntime, delayMs: number): void {
    if (runtime.pumpScheduled) return;
    runtime.pumpScheduled = true;
    // The back-off is in clock time, so the clock does the waiting (fast in tests).
    this.ctx.clock
      .sleep(delayMs, this.ctx.closeSignal)
      .catch(() => {})
      .finally(() => {
        runtime.pumpScheduled = false;
        this.pump(runtime.id);
      });
  }

  // ==== tracking and downloading ===========================================================

  follow(itemId: number): void {
    if (this.track.isFollowing(itemId)) return;
    this.spawn(async () => {
      for await (const outcome of this.track.follow(itemId)) {
        // A write that fails (SQLITE_BUSY past the busy timeout) must not end the tracking of a
        // paid job: the item stays where it was and is polled again after a back-off.
        try {
          this.settle(outcome);
          this.track.settledWell(itemId);
        } catch (error) {
          if (error instanceof LeaseLostError) throw error;
          this.track.troubled(itemId, error);
        }
      }
    });
  }

  fetchVideo(itemId: number): void {
    const finished = this.download.enqueue(itemId);
    if (!finished) return;
    void finished
      .then((outcome) => outcome && this.settle(outcome))
      .catch((error: unknown) => {
        if (error instanceof LeaseLostError) {
          this.leases.drop(error.batchId, error.owner);
          return;
        }
        this.ctx.log(
          'error',
          `download of item ${itemId} failed: ${(error as Error)?.stack ?? String(error)}`,
        );
        // Never left downloading with nothing scheduled: look at it again after a while.
        this.fetchVideoAt(itemId, this.ctx.clock.now() + this.ctx.limits.outputRecheckMs);
      });
  }

  /**
   * Runs the item's download again at `at` (clock time): a back-off or a parked download waits
   * off the download queue, so one batch's unplugged folder never holds another's slots.
   */
  private fetchVideoAt(itemId: number, at: number): void {
    this.wakeAt(`download:${itemId}`, at, () => this.fetchVideo(itemId));
  }

  /** Runs `work` at clock time `at`, once per key; the engine counts as busy until then. */
  wakeAt(key: string, at: number, work: () => void): void {
    if (this.wakes.has(key)) return;
    this.wakes.add(key);
    this.ctx.clock.sleep(Math.max(0, at - this.ctx.clock.now()), this.ctx.closeSignal).then(
      () => {
        this.wakes.delete(key);
        work();
      },
      () => this.wakes.delete(key),
    );
  }

  async cancelRemote(item: ItemRecord): Promise<CancelItemOutcome> {
    const { result, outcome } = await cancelRemote(this.ctx, item);
    if (!outcome) return result;
    return this.settle(outcome) ? result : 'cancel_requested';
  }

  // ==== recovery, adoption, backstop =======================================================

  /** Puts every unfinished item of a held batch back on its way (start-up and resume). */
  recover(batchId: number, previousOwner: string | null = null): void {
    if (!this.ctx.held.has(batchId)) return;
    // Answers another process journalled but could not store (then died or lost the batch):
    // stored now, before anything of this batch is called unknown.
    for (const itemId of this.ctx.journal.replay(this.ctx.store, this.ctx.clock.now(), batchId))
      this.ctx.log('warn', `item ${itemId}: its accepted request was stored from the request journal`);
    // Only a record for later decisions: a failure here (the database busy) is logged, and the
    // first save records it instead.
    this.download
      .noteOutputFolder(batchId)
      .catch((error) => this.ctx.log('warn', `Could not record batch ${batchId}'s output folder: ${error}`));
    const plan = planRecovery(
      this.ctx,
      batchId,
      (item) => this.submitting.holds(item.id) || this.track.isFollowing(item.id),
      previousOwner,
    );
    for (const outcome of plan.settle) this.settle(outcome);
    for (const item of plan.track) {
      this.ctx.store.items.update(item.id, { nextPollAt: this.ctx.clock.now() });
      this.follow(item.id);
    }
    for (const itemId of plan.download) if (!this.wakes.has(`download:${itemId}`)) this.fetchVideo(itemId);
    for (const itemId of plan.sidecars) this.spawn(() => this.sidecars.write(itemId));
    this.finishIfDone(batchId);
  }

  /** Takes over every batch with unfinished work whose lease is free, expired or orphaned. */
  adopt(): void {
    for (const { batchId, previousOwner } of this.leases.takeAdoptable()) {
      this.recover(batchId, previousOwner);
      this.pump(batchId);
    }
    this.writeLeftoverSidecars();
    this.spawn(() => this.tempFiles.sweepLeftovers());
  }

  /**
   * Sidecars a crash or a close left unwritten in batches that have ended since (the last
   * video's: its batch finished as it was saved). Only those done longer ago than a writer
   * takes to place or give up, so another process (the CLI beside the app) still writing one
   * is not raced over the same temporary file. Once per item and process, so a drive that stays
   * away is not retried every lease renewal; the next start tries again.
   */
  private writeLeftoverSidecars(): void {
    const { outputRecheckMs } = this.ctx.limits;
    const doneBefore = this.ctx.clock.now() - (SIDECAR_TRIES * outputRecheckMs + 60_000);
    for (const { itemId, batchId } of this.ctx.store.itemQueries.pendingSidecarsOfEndedBatches(doneBefore)) {
      if (this.ctx.held.has(batchId) || this.sidecarsTried.has(itemId)) continue;
      this.sidecarsTried.add(itemId);
      this.spawn(() => this.sidecars.write(itemId));
    }
  }

  /**
   * The backstop against a path that scheduled nothing: pumps every held batch, and follows
   * every accepted job of it that nothing polls (a submit answer another process stored after
   * this one took the batch over, a poller that ended on an error).
   */
  pumpAll(): void {
    for (const batchId of [...this.ctx.held.keys()]) {
      for (const item of this.ctx.store.itemQueries.itemsInStates(batchId, POLLED_STATES))
        if (!this.track.isFollowing(item.id)) this.follow(item.id);
      // A paid video nothing downloads (a settle that failed half way, a task that ended on a
      // database error): fetched again, unless it waits for its back-off or its folder.
      for (const item of this.ctx.store.itemQueries.itemsInStates(batchId, ['downloading']))
        if (!this.wakes.has(`download:${item.id}`)) this.fetchVideo(item.id);
      this.pump(batchId);
    }
  }

  /** See idle-check.ts (tests call it at quiet moments). */
  assertNoIdleBatchWithWork(): void {
    assertNoIdleBatch(this.ctx);
  }

  // ==== tasks ==============================================================================

  spawn(work: () => Promise<void>): void {
    const task = work().catch((error: unknown) => {
      if (error instanceof LeaseLostError) this.leases.drop(error.batchId, error.owner);
      else this.ctx.log('error', `engine task failed: ${(error as Error)?.stack ?? String(error)}`);
    });
    this.tasks.add(task);
    void task.finally(() => this.tasks.delete(task));
  }

  /** Something runs or is about to: a task, a download, a submit being prepared, a back-off wake. */
  busy(): boolean {
    return (
      this.tasks.size > 0 ||
      this.download.busy ||
      this.wakes.size > 0 ||
      [...this.ctx.held.values()].some((runtime) => runtime.pumpScheduled || runtime.preparing.size > 0)
    );
  }

  /**
   * Lets running tasks reach a resumable point (close()). The download queue is drained, never
   * cleared: once close has begun each queued download returns at once without writing, and its
   * paid video stays recorded as `downloading`, for the next start to fetch.
   */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.tasks]);
    await this.download.queue.onIdle();
  }
}
