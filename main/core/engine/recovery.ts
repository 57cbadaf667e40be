// Recovery: puts every unfinished item of a batch just taken (start-up, resume, takeover) back
// on its way. It says what to do with each; the coordinator does it. A submit intent left by an
// earlier run is never sent again on its own: whether it reached the API is unknowable.
import type { ItemRecord } from '../db/rows';
import type { EngineContext } from './context';
import { removeIfExists } from './download-files';
import { ownerIsGone } from './leases';
import { text } from './messages';
import type { Outcome } from './outcome';
import { IN_FLIGHT_STATES } from '@common/item-actions';

export interface RecoveryPlan {
  /** Intents of an earlier run, now `unknown_submit`. */
  settle: Outcome[];
  /** Accepted requests to poll again now. */
  track: ItemRecord[];
  /** Paid videos to download (again). */
  download: number[];
  /** Saved videos whose sidecar a crash kept from being placed. */
  sidecars: number[];
}

/**
 * `previousOwner`: the process this one took the batch from, if any. When it may still run
 * (its lease ran out while it was suspended, or it is on another machine), its submits in
 * flight are not "Stillmotion stopped": that process may still store their answers.
 */
export function planRecovery(
  ctx: EngineContext,
  batchId: number,
  isBusy: (item: ItemRecord) => boolean,
  previousOwner: string | null = null,
): RecoveryPlan {
  const plan: RecoveryPlan = {
    settle: [],
    track: [],
    download: [],
    sidecars: ctx.store.itemQueries.pendingSidecars(batchId),
  };
  // Parts recorded only on the item (older releases): the record is cleared once the file is gone.
  for (const stray of ctx.store.itemQueries.strayPartPaths(batchId))
    void removeIfExists(stray.partPath).then(
      () => ctx.store.items.update(stray.itemId, { partPath: null }),
      () => {},
    );
  const senderMayLive = previousOwner !== null && previousOwner !== ctx.owner && !ownerIsGone(previousOwner);
  for (const item of ctx.store.itemQueries.itemsInStates(batchId, IN_FLIGHT_STATES)) {
    if (isBusy(item)) continue; // this run's own submit, poller or download
    switch (item.state) {
      case 'submitting':
        plan.settle.push({
          item,
          move: {
            from: 'submitting',
            to: 'unknown_submit',
            patch: {
              errorCode: 'unknown_submit',
              reason: senderMayLive ? text.senderStoppedAnswering(previousOwner!) : text.stoppedWhileSending,
            },
            reason: 'recovered at start-up: submit outcome unknown',
          },
        });
        break;
      case 'in_queue':
      case 'in_progress':
        plan.track.push(item);
        break;
      case 'downloading':
        plan.download.push(item.id);
        break;
      default:
        break;
    }
  }
  return plan;
}
