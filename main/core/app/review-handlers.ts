// The morning's handlers (issue #13): keep or reject a video, export the kept ones. Split from
// handlers.ts, which merges them into the one handler map (same parsing, envelopes, errors).
import type { ParsedRequestOf, ResponseOf } from '../../../preload/contract';
import { exportKept } from './export-kept';
import type { AppServices } from './services';

type MorningChannel = 'command:item.review' | 'command:batch.exportKept';
export type MorningImpl = {
  [C in MorningChannel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> | ResponseOf<C>;
};

export function buildMorningHandlers(
  services: Pick<AppServices, 'engine' | 'dialogs'>,
  require: { batch(batchId: number): void; item(itemId: number): void },
): MorningImpl {
  const { engine, dialogs } = services;
  return {
    'command:item.review': ({ itemId, review }) => {
      require.item(itemId);
      engine.reviewItem(itemId, review);
      return { ok: true as const };
    },
    'command:batch.exportKept': async ({ batchId }) => {
      require.batch(batchId);
      // The folder comes from main's own dialog: the window never names a path to write to.
      const folder = await dialogs.pickOutputDir();
      if (!folder) return { folder: null, copied: 0, renamed: [], failed: [] };
      return exportKept(engine.keptItems(batchId), folder);
    },
  };
}
