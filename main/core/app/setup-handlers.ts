// The handlers between a dropped folder and a started batch: a scan stopped before it finishes,
// a pasted key checked with RunComfy before it is saved, and the batch created from a scan,
// exactly as its preview showed it and only when it can be sent. Split from handlers.ts, which
// merges them into the one handler map (same parsing, envelopes, errors).
import { stat } from 'node:fs/promises';
import type { ParsedRequestOf, ResponseOf } from '@common/contract';
import type { ScanResult } from '../core-api';
import { AppError, errorMessageOf } from './errors';
import { filesInFolders } from './folder-watch';
import { checkApiKey } from './key-check';
import type { AppServices } from './app-services';

type SetupChannel = 'command:scan.cancel' | 'command:settings.checkApiKey' | 'command:batch.create';
export type SetupImpl = {
  [C in SetupChannel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> | ResponseOf<C>;
};

/** Cents apart: a preview's estimate and the plan's at Start are the same sum of the same items. */
const SAME_USD = 0.005;

export function buildSetupHandlers(
  services: Pick<AppServices, 'engine' | 'scans' | 'settings' | 'secrets' | 'log'>,
): SetupImpl {
  const { engine, scans, settings, secrets } = services;
  const log = services.log ?? (() => {});
  return {
    'command:scan.cancel': ({ scanId }) => {
      scans.cancel(scanId);
      return { ok: true as const };
    },
    'command:settings.checkApiKey': ({ apiKey }) => checkApiKey(settings.get().apiBaseUrl, apiKey.trim()),
    'command:batch.create': async ({ scanId, settings: batchSettings, force, expected, hours, watch }) => {
      // A batch that cannot be sent is not made: it would only sit paused for a key.
      if (!settings.get().simulated && !secrets.get())
        throw new AppError(
          'conflict',
          'The batch was not created: no RunComfy API key is set and simulated mode is off, so nothing could be ' +
            'sent. Paste your key (Settings → API key) or try it free in simulated mode, then start again.',
          { kind: 'no_key' },
        );
      const result = scans.result(scanId);
      // What is about to be paid for must reflect the database now, not a cached preview.
      const plan = scans.freshPlan(scanId, batchSettings, force);
      if (plan.problems.length) {
        const first = plan.problems[0]!;
        const more = plan.problems.length > 1 ? ` (and ${plan.problems.length - 1} more problems)` : '';
        throw new AppError(
          'conflict',
          `The batch was not created: ${first.message}${more}. Fix the template or settings and try again.`,
        );
      }
      if (plan.items.length === 0)
        throw new AppError(
          'conflict',
          'The batch was not created: the dropped folders hold no usable images.',
        );
      if (expected && changedSince(expected, plan))
        throw new AppError(
          'conflict',
          `The batch was not created: it would now send ${plan.toSend} videos for about ` +
            `$${plan.estimatedCostUsd.toFixed(2)}, not the ${expected.toSend} for $${expected.estimatedCostUsd.toFixed(2)} ` +
            'the preview showed (a video was made or the settings changed meanwhile). Check the preview and start again.',
          { kind: 'preview_changed', toSend: plan.toSend, estimatedCostUsd: plan.estimatedCostUsd },
        );
      // A watch takes what arrives after the scan: the files the scan saw are remembered as seen
      // (listed before the batch is made, so none arriving meanwhile is missed).
      const folders = watch ? await watchableFolders(scans.dropped(scanId)) : [];
      if (watch && folders.length === 0)
        throw new AppError(
          'invalid_request',
          'The batch was not created: "Keep watching" needs a dropped folder to watch, and only files were dropped. ' +
            'Drop the folder itself, or turn watching off.',
          { kind: 'watch_needs_folder' },
        );
      const seen = folders.length ? await filesTheScanSaw(folders, result, batchSettings.outputDir) : [];
      const batchId = engine.createBatch(batchSettings, plan.items, undefined, {
        ...(hours !== undefined ? { hours } : {}),
        ...(folders.length ? { watchFolders: folders } : {}),
      });
      for (const file of seen)
        engine.queue.recordWatchedFile(batchId, file.path, {
          size: file.size,
          mtimeMs: Math.round(file.mtimeMs),
        });
      // The next batch starts from this one's settings ("remembered from the last batch").
      try {
        settings.update({ defaults: batchSettings });
      } catch (error) {
        log('warn', `could not remember batch defaults: ${errorMessageOf(error, [secrets.get()])}`);
      }
      return { batchId };
    },
  };
}

/** The dropped paths that are folders (a dropped file cannot be watched, nor its folder taken whole). */
async function watchableFolders(dropped: readonly string[]): Promise<string[]> {
  const checked = await Promise.all(
    dropped.map(async (path) => ((await stat(path).catch(() => null))?.isDirectory() ? path : null)),
  );
  return checked.filter((path): path is string => path !== null);
}

/** The files in the watched folders now that the scan looked at (taken, refused, paired, or an element). */
async function filesTheScanSaw(
  folders: readonly string[],
  result: ScanResult,
  outputDir: string,
): Promise<{ path: string; size: number; mtimeMs: number }[]> {
  const saw = new Set<string>([
    ...result.images.map((image) => image.sourcePath),
    ...result.rejected.map((rejected) => rejected.path),
    ...(result.endFramePairs ?? []).map((pair) => pair.end),
    ...Object.keys(result.elementImages ?? {}),
  ]);
  return (await filesInFolders(folders, outputDir)).filter((file) => saw.has(file.path));
}

/** Whether the plan at Start sends other videos, or costs more, than the preview promised. */
function changedSince(
  expected: { toSend: number; estimatedCostUsd: number },
  plan: { toSend: number; estimatedCostUsd: number },
): boolean {
  return plan.toSend !== expected.toSend || plan.estimatedCostUsd > expected.estimatedCostUsd + SAME_USD;
}
