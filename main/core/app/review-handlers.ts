// The morning's handlers: keep or reject a video, export the kept ones, retry the
// failed ones (how many and what they may cost first, then with that cost confirmed), the
// review grid's groups of takes, and send a test notice to the webhook. Split from
// handlers.ts, which merges them into the one handler map (same parsing, envelopes, errors).
import type { ParsedRequestOf, ResponseOf } from '@common/contract';
import { exportKept } from './export-kept';
import { itemGroups } from './item-groups';
import { planRetry, retryPlanned } from './retry-failed';
import { checkWebhookUrl } from './webhooks';
import type { AppServices } from './app-services';

type MorningChannel =
  | 'command:item.review'
  | 'command:batch.exportKept'
  | 'command:batch.retryFailed'
  | 'query:items.groups'
  | 'command:settings.testWebhook';
export type MorningImpl = {
  [C in MorningChannel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> | ResponseOf<C>;
};

export function buildMorningHandlers(
  services: Pick<AppServices, 'engine' | 'dialogs' | 'webhooks'>,
  require: { batch(batchId: number): void; item(itemId: number): void },
): MorningImpl {
  const { engine, dialogs, webhooks } = services;
  return {
    'command:item.review': ({ itemId, review }) => {
      require.item(itemId);
      engine.commands.reviewItem(itemId, review);
      return { ok: true as const };
    },
    'command:batch.exportKept': async ({ batchId }) => {
      require.batch(batchId);
      // The folder comes from main's own dialog: the window never names a path to write to.
      const folder = await dialogs.pickOutputDir();
      if (!folder) return { folder: null, copied: 0, renamed: [], failed: [] };
      return exportKept(engine.keptItems(batchId), folder);
    },
    'command:batch.retryFailed': ({ batchId, itemIds, confirmCostUsd }) => {
      require.batch(batchId);
      const { itemIds: picked, ...plan } =
        confirmCostUsd === undefined
          ? { ...planRetry(engine, batchId, itemIds), retried: 0 }
          : retryPlanned(engine, batchId, confirmCostUsd, itemIds);
      return { ...plan, count: picked.length };
    },
    'query:items.groups': (query) => {
      require.batch(query.batchId);
      return itemGroups(engine, query);
    },
    'command:settings.testWebhook': async ({ webhook }) => {
      // A test of what is typed (before saving) is checked like a saved one.
      const setting = webhook ? { ...webhook, url: checkWebhookUrl(webhook.url) } : undefined;
      const status = await webhooks.send(webhooks.noticeOf({ kind: 'test' }, null), setting);
      return { status };
    },
  };
}
