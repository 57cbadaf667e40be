// What a phase returns instead of acting on the rest of the engine: which state change to
// write, how it counts for the batch, which pause it calls for. The coordinator's one settle
// path applies it (coordinator.ts), then checks whether the batch finished and schedules the
// next work, so no terminal path can forget to free its slot.
import type { Reason } from '@common/reasons';
import type { ItemPatch, ItemRecord } from '../db/rows';
import type { AttemptExpectation } from '../db/store';
import { BATCH_CONDITION_CODES, type BatchConditionCode, type ItemState, type PauseReason } from '../domain';

export interface Move {
  from: ItemState | readonly ItemState[];
  to: ItemState;
  patch: ItemPatch | ((current: ItemRecord) => ItemPatch);
  /** The event-log line. */
  reason: string;
  /** Prove inside the transaction that this engine still holds the batch (a submit intent). */
  lease?: boolean;
  /**
   * False: written without an fsync of its own (made durable by the next one). Only for moves
   * that record no money, request id or file name, whose loss in a power cut a restart redoes
   * (a job seen running, a video already placed under its recorded name and hash).
   */
  durable?: boolean;
  /**
   * The attempt the move is about (compare-and-set): it is written only if the item is still on
   * it (the same request, or the same submit attempt), never onto a newer one.
   */
  expect?: AttemptExpectation;
}

export interface Outcome {
  /** The item the outcome is about, as the phase last read it. */
  item: ItemRecord;
  /** The state change to write; none when the item stays where it is. */
  move?: Move;
  /** How a written move counts for the batch's failure streak. */
  streak?: { failed: Reason } | 'succeeded';
  /** A pause for this batch, or for every held batch ('account': key or balance problems). */
  pause?: { scope: 'batch' | 'account'; reason: PauseReason; detail: Reason };
  /** No submit of this batch goes out before this clock time. */
  holdSubmitsUntil?: number;
  /** RunComfy refused the submit with 429: the account's limit goes down for a while. */
  accountRefused?: boolean;
  /**
   * The move gives the batch work again (a submit answer that arrived after the item was called
   * unknown, and the batch finished meanwhile): a finished batch runs again, so its new holder
   * tracks the job and the batch finishes once more when it is done.
   */
  reopens?: boolean;
  /** Something holding the batch's downloads back (shown while it keeps running). */
  condition?: { code: BatchConditionCode; params: Record<string, string | number | null>; message: string };
  /** Conditions this outcome shows are over (a video saved: the folder and the network work). */
  clearConditions?: readonly BatchConditionCode[];
  /** The item's download runs again at this clock time (backing off, or parked for its folder). */
  downloadAgainAt?: number;
  /** A finished generation's run time, to aim the next polls (learned only if the move is written). */
  learnedRunMs?: number;
  /**
   * Undoes what the phase did ahead of the move when the move is refused for good (another
   * attempt began, or the lease went to another process): e.g. removes a video it placed.
   */
  ifNotWritten?: () => Promise<void>;
}

/** An outcome that only frees a slot or re-checks the batch: nothing to write. */
export function released(item: ItemRecord): Outcome {
  return { item };
}

/**
 * The item ends without a video (failed, expired, or its submit answer lost), with the reason it
 * shows, the event-log line `why`, and the fields to write; it counts as a failure in a row.
 */
export function endedWithout(
  item: ItemRecord,
  from: Move['from'],
  to: 'failed' | 'expired' | 'unknown_submit',
  reason: Reason,
  { why, ...patch }: ItemPatch & { errorCode: string; why: string },
): Outcome {
  return {
    item,
    move: { from, to, patch: { ...patch, reason }, reason: why },
    streak: { failed: reason },
  };
}

/**
 * A paid video is in place: `done`, for the attempt that downloaded it only (its request) and
 * only under the lease (a compare-and-set); `undo` runs if that is refused for good. Not
 * fsync'd: the name and hash were stored before the file was placed, so a restart that finds
 * the item still downloading sees its file in place and ends it done again.
 */
export function videoSaved(
  item: ItemRecord,
  video: { path: string; bytes: number; sha256: string },
  now: number,
  undo?: () => Promise<void>,
): Outcome {
  return {
    item,
    move: {
      from: 'downloading',
      to: 'done',
      patch: {
        outputPath: video.path,
        outputBytes: video.bytes,
        outputSha256: video.sha256,
        partPath: null,
        finishedAt: now,
        // Cleared by the sidecar writer; still set at start-up, the sidecar is written then.
        sidecarPending: true,
      },
      reason: `saved to ${video.path}`,
      durable: false,
      lease: true,
      expect: { requestId: item.requestId },
    },
    ifNotWritten: undo,
    streak: 'succeeded',
    // A video was saved: the folder, the disk and the network work (every condition is over).
    clearConditions: BATCH_CONDITION_CODES,
  };
}
