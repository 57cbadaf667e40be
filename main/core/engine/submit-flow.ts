// Submitting one item, from its picked slot to its stored answer: prepare (read the images),
// the intent (recorded before anything is sent), the request, and the answer stored for as long
// as it takes. The phase (submit.ts) decides each step; this runs them through the coordinator's
// settle path. An accepted answer the database cannot take now (locked by another process past
// the busy timeout, full, an I/O error) is kept here, and in the request journal, and stored
// again after a back-off; recovery never calls an item unknown while this process holds it.
import { API_BACKOFF } from '../api/retry';
import { backoffDelay, type Backoff } from '../util/backoff';
import { LeaseLostError } from '../db/store';
import type { ItemRecord } from '../db/rows';
import type { BatchSettings } from '../domain';
import type { BatchRuntime, EngineContext } from './context';
import type { Leases } from './leases';
import { endedWithout, released, type Outcome } from './outcome';
import { text } from './messages';
import { isMachineTrouble } from '../util/machine-trouble';
import { DailyCapPassedError, type SubmitPhase } from './submit';
import { AccountFullError } from './account-slots';

/** Storing a submit answer again after the database refused it: full jitter, capped at a minute. */
const STORE_RETRY: Backoff = { baseMs: 1000, capMs: 60_000, jitter: 1 };

/** What the flow needs of the coordinator. */
export interface SettlePath {
  readonly leases: Leases;
  settle(outcome: Outcome): ItemRecord | null;
  wakeAt(key: string, at: number, work: () => void): void;
}

export class SubmitFlow {
  /**
   * Items whose submit request this run is sending, or whose accepted answer it holds while the
   * database cannot store it yet: never recovered as unknown.
   */
  private readonly sending = new Set<number>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly submit: SubmitPhase,
    private readonly core: SettlePath,
  ) {}

  /** Whether this run is sending the item, or holds its answer. */
  holds(itemId: number): boolean {
    return this.sending.has(itemId);
  }

  /** Prepares, records the intent of, sends and stores one picked item (the slot is already counted). */
  async run(runtime: BatchRuntime, item: ItemRecord, settings: BatchSettings): Promise<void> {
    let prepared: Awaited<ReturnType<SubmitPhase['prepare']>>;
    try {
      prepared = await this.submit.prepare(item, settings.modelId);
    } finally {
      // No longer "preparing" before anything is settled, so the pump sees the slot as it is.
      runtime.preparing.delete(item.id);
    }
    if ('outcome' in prepared) {
      this.core.settle(prepared.outcome); // the image could not be read: failed, slot free
      return;
    }
    if (!this.submit.mayStillSend(item)) {
      this.core.settle(released(item)); // paused, dropped or closing meanwhile: it stays queued
      return;
    }
    // The client of the settings now: the intent records its base URL, the request goes there.
    const client = this.ctx.client();
    let intent: ItemRecord | null;
    try {
      intent = this.core.settle(this.submit.intent(item, client));
    } catch (error) {
      if (error instanceof LeaseLostError) throw error;
      if (error instanceof DailyCapPassedError || error instanceof AccountFullError) {
        // Another process spent, or took the account's last slot, meanwhile: nothing was written
        // or sent; admission now pauses, or waits for a slot.
        this.core.settle(released(item));
        return;
      }
      // The intent could not be written (the database locked or full): nothing was sent, the
      // item stays queued and submits wait a while.
      this.ctx.log(
        'warn',
        `item ${item.id}: not sent, its intent could not be stored (${(error as Error).message})`,
      );
      const delay = backoffDelay(++runtime.submitRetries, API_BACKOFF, this.ctx.random());
      this.core.settle({ ...released(item), holdSubmitsUntil: this.ctx.clock.now() + delay });
      return;
    }
    if (!intent) return; // cancelled meanwhile (settle has pumped the free slot)
    this.sending.add(item.id);
    let answer: Outcome;
    try {
      answer = await this.submit.send(runtime, intent, settings, prepared.body, client);
    } catch (error) {
      this.sending.delete(item.id);
      throw error;
    }
    // The lease went to another process while the request was on the wire: the answer is
    // stored all the same (a paid job must not be forgotten), and that process tracks it.
    try {
      const leaseOwner = this.ctx.store.batches.getBatch(item.batchId)?.leaseOwner ?? null;
      if (leaseOwner !== this.ctx.owner) this.core.leases.drop(item.batchId, leaseOwner);
    } catch {
      // The database cannot say now: storing the answer below tells.
    }
    this.storeAnswer(answer, 0);
  }

  /**
   * Stores a submit's answer. When the database cannot take it now (locked by another process
   * past the busy timeout, full, an I/O error) the answer is kept here and stored again after a
   * back-off, for as long as it takes: an accepted request is in the journal already, and this
   * process never lets it go (nor lets recovery call it unknown) until the database has it.
   */
  private storeAnswer(answer: Outcome, failures: number): void {
    const itemId = answer.item.id;
    try {
      this.core.settle(answer);
      this.sending.delete(itemId);
    } catch (error) {
      if (error instanceof LeaseLostError) {
        this.sending.delete(itemId);
        throw error;
      }
      if (!isMachineTrouble(error) && answer.move?.to !== 'unknown_submit') {
        // Not the machine: the answer itself cannot be stored (a request id another item holds,
        // a value the database refuses). Trying again would keep the item "submitting" and the
        // batch unfinished all night; it ends unknown, for the user to decide, and the request
        // id stays in the journal.
        const detail = (error as Error).message;
        this.ctx.log(
          'error',
          `item ${itemId}: the submit answer could not be stored (${detail}); it is unknown`,
        );
        this.storeAnswer(
          endedWithout(
            answer.item,
            'submitting',
            'unknown_submit',
            text.answerLost(`the answer could not be stored: ${detail}`),
            {
              why: 'answer not storable',
              errorCode: 'unknown_submit',
            },
          ),
          failures,
        );
        return;
      }
      const delay = Math.max(250, backoffDelay(failures + 1, STORE_RETRY, this.ctx.random()));
      this.ctx.log(
        'error',
        `item ${itemId}: the submit answer could not be stored (${(error as Error).message}); ` +
          `kept in memory and the request journal, stored again in ${Math.round(delay)} ms`,
      );
      this.core.wakeAt(`answer:${itemId}`, this.ctx.clock.now() + delay, () =>
        this.storeAnswer(answer, failures + 1),
      );
    }
  }
}
