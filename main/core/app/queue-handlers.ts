// The queue's handlers: the account's queue of batches in order (moved by the user, an item
// sent next), the account-wide limit, the default hours of new batches, Stop watching, and the
// morning report (what happened since the user last looked). Split from handlers.ts, which
// merges them into the one handler map (same parsing, envelopes, errors).
import type { ParsedRequestOf, ResponseOf } from '@common/contract';
import type { AppServices } from './app-services';

type QueueChannel =
  | 'query:queue.list'
  | 'command:queue.move'
  | 'command:queue.itemToFront'
  | 'query:queue.limit'
  | 'command:queue.setLimit'
  | 'query:queue.defaultSchedule'
  | 'command:queue.setDefaultSchedule'
  | 'command:queue.stopWatching'
  | 'query:queue.morning'
  | 'command:queue.seenMorning';
export type QueueImpl = {
  [C in QueueChannel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> | ResponseOf<C>;
};

export function buildQueueHandlers(
  services: Pick<AppServices, 'engine'>,
  require: { batch(batchId: number): void; item(itemId: number): void },
  now: () => number = Date.now,
): QueueImpl {
  const { queue } = services.engine;
  return {
    'query:queue.list': () => queue.list(),
    'command:queue.move': ({ batchId, move }) => {
      require.batch(batchId);
      queue.move(batchId, move);
      return queue.list();
    },
    'command:queue.itemToFront': ({ itemId }) => {
      require.item(itemId);
      queue.moveItemToFront(itemId);
      return { ok: true as const };
    },
    'query:queue.limit': () => queue.limit(),
    'command:queue.setLimit': ({ limit }) => {
      queue.setLimit(limit);
      return queue.limit();
    },
    'query:queue.defaultSchedule': () => queue.defaultSchedule(),
    'command:queue.setDefaultSchedule': ({ schedule }) => {
      queue.setDefaultSchedule(schedule);
      return { ok: true as const };
    },
    'command:queue.stopWatching': ({ batchId }) => {
      require.batch(batchId);
      queue.stopWatching(batchId);
      return { ok: true as const };
    },
    'query:queue.morning': () => {
      // The first launch has nothing to report; the report starts from then.
      const since = queue.lastLooked();
      if (since === null) {
        queue.markLooked(now());
        return null;
      }
      const summary = queue.summarySince(since);
      const happened =
        summary.done + summary.unknown + summary.failed.length + summary.waiting.length > 0 ||
        summary.spentUsd > 0;
      return happened ? summary : null;
    },
    'command:queue.seenMorning': () => {
      queue.markLooked(now());
      return { ok: true as const };
    },
  };
}
