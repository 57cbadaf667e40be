// The IPC handler map: one async function per invoke channel of common/contract.ts, built
// from plain services. Electron binds it to ipcMain (main/electron/ipc.ts); the browser test
// harness serves the very same map over HTTP. Every handler:
//  - parses its payload with the contract's request schema first (nothing is touched when the
//    payload is invalid),
//  - answers an Envelope, never throws (a rejected invoke keeps only a message string),
//  - maps errors to the contract's codes with plain-words messages, the API key redacted.
import type { z } from 'zod';
import {
  invokeChannels,
  type AppSettingsDto,
  type Envelope,
  type InvokeChannel,
  type ParsedRequestOf,
  type ResponseOf,
} from '@common/contract';
import { endSuffixProblem } from '../intake/end-frames';
import { reportFileName } from '../engine/views';
import { checkApiBaseUrl } from './credentials';
import { fileToShow, videoToOpen } from './item-files';
import { pastedKey } from './key-check';
import { AppError, errorCodeOf, errorDetailOf, errorMessageOf } from './errors';
import { rerunSource } from './rerun';
import { buildQueueHandlers } from './queue-handlers';
import { scanPreview } from './scan-preview';
import { buildMorningHandlers } from './review-handlers';
import { buildSetupHandlers } from './setup-handlers';
import { describeKey } from './secret-store';
import { checkWebhookUrl } from './webhooks';
import type { AppServices } from './app-services';
import type { StoredSettings } from './settings-store';

export type Handler<C extends InvokeChannel> = (payload: unknown) => Promise<Envelope<ResponseOf<C>>>;
export type Handlers = { [C in InvokeChannel]: Handler<C> };
type Impl = { [C in InvokeChannel]: (request: ParsedRequestOf<C>) => Promise<ResponseOf<C>> | ResponseOf<C> };

/** A zod error in plain words: "batchId: expected number, received string". */
function describeIssues(channel: string, error: z.ZodError): string {
  const issues = error.issues.slice(0, 5).map((issue) => {
    const where = issue.path.length ? issue.path.join('.') : 'request';
    return `${where}: ${issue.message}`;
  });
  const more = error.issues.length > 5 ? ` (and ${error.issues.length - 5} more)` : '';
  return `Invalid request for ${channel}: ${issues.join('; ')}${more}. This is a bug in the app window; please reload it.`;
}

export function toAppSettings(
  stored: StoredSettings,
  services: Pick<AppServices, 'secrets' | 'engine' | 'webhookSetting'>,
): AppSettingsDto {
  return {
    apiKey: describeKey(services.secrets),
    apiBaseUrl: stored.apiBaseUrl,
    simulated: stored.simulated,
    notifications: stored.notifications,
    keepAwake: stored.keepAwake,
    language: stored.language,
    theme: stored.theme,
    webhook: services.webhookSetting.get(),
    // In the job database, not the settings file: the CLI on the same database keeps it too.
    dailyCapUsd: services.engine.dailySpend().capUsd,
    defaults: stored.defaults,
    presets: stored.presets,
  };
}

export function buildHandlers(services: AppServices): Handlers {
  const { engine, scans, settings, secrets, credentials, dialogs, desktop } = services;
  const log = services.log ?? (() => {});

  const notFound = (batchId: number) =>
    new AppError('not_found', `No batch with id ${batchId}. It may have been removed; reload the list.`, {
      kind: 'batch_not_found',
      batchId,
    });
  /** Existence only: no counts, no money (a full view costs several queries per batch). */
  const requireBatch = (batchId: number) => {
    if (!engine.hasBatch(batchId)) throw notFound(batchId);
  };
  const requireBatchView = (batchId: number) => {
    const batch = engine.getBatch(batchId);
    if (!batch) throw notFound(batchId);
    return batch;
  };
  const requireItem = (itemId: number) => {
    const item = engine.getItem(itemId);
    if (!item)
      throw new AppError(
        'not_found',
        `No item with id ${itemId}. Reload the batch to see its current items.`,
        {
          kind: 'item_not_found',
          itemId,
        },
      );
    return item;
  };
  const appSettings = () => toAppSettings(settings.get(), services);

  const impl: Impl = {
    'query:app.info': () => ({ ...services.appInfo(), simulated: settings.get().simulated }),
    'query:models.list': () => services.models.list(),
    'query:models.source': () => services.models.source(),
    'command:models.refresh': () => services.models.refresh(),
    'query:models.runcomfy': ({ search }) => services.models.runcomfy(search),
    'command:models.add': (request) => services.models.add(request),
    'query:models.problems': () => services.models.problems(),

    'command:scan.start': ({ paths, endSuffix, only, addTo }) => {
      const wrong = endSuffix === undefined || endSuffix.trim() === '' ? null : endSuffixProblem(endSuffix);
      if (wrong) throw new AppError('invalid_request', `The end-frame suffix is not usable: ${wrong}.`);
      return { scanId: scans.start(paths, { endSuffix, only, addTo }) };
    },
    'command:scan.checkElements': async ({ scanId, elements }) => ({
      images: await scans.checkElements(scanId, elements),
    }),
    'query:scan.summary': ({ scanId }) => scans.summary(scanId),
    'query:scan.preview': (query) => scanPreview(scans, services.models.list(), query),

    'command:batch.start': ({ batchId }) => {
      requireBatch(batchId);
      engine.commands.startBatch(batchId);
      return { ok: true as const };
    },
    'command:batch.pause': ({ batchId }) => {
      requireBatch(batchId);
      engine.commands.pauseBatch(batchId);
      return { ok: true as const };
    },
    'command:batch.resume': ({ batchId }) => {
      requireBatch(batchId);
      engine.commands.resumeBatch(batchId);
      return { ok: true as const };
    },
    'command:batch.cancel': async ({ batchId }) => {
      requireBatch(batchId);
      return engine.commands.cancelBatch(batchId);
    },
    'command:batch.setBudget': ({ batchId, budgetUsd }) => {
      requireBatch(batchId);
      engine.commands.setBudget(batchId, budgetUsd);
      return requireBatchView(batchId);
    },
    'command:batch.setOutputDir': ({ batchId, outputDir }) => {
      requireBatch(batchId);
      engine.commands.setOutputDir(batchId, outputDir);
      return requireBatchView(batchId);
    },
    'query:batches.list': () => engine.listBatches(),
    'query:batch.get': ({ batchId }) => requireBatchView(batchId),
    'query:account.dailySpend': () => engine.dailySpend(),
    'query:account.balance': ({ fresh }) => services.balance.read(fresh),
    'query:batch.rerunSource': ({ batchId, which, itemIds }) => {
      requireBatch(batchId);
      // The count is the command line's (its preview line); the window gets the contract's fields.
      const { itemCount: _itemCount, ...source } = rerunSource(engine, batchId, which, itemIds);
      return source;
    },
    'query:batch.reportCsv': ({ batchId, language }) => {
      const batch = requireBatchView(batchId);
      return { fileName: reportFileName(batch.name, batchId), csv: engine.reportCsv(batchId, language) };
    },

    'query:items.page': (query) => {
      requireBatch(query.batchId);
      return engine.pageItems(query);
    },
    'command:item.cancel': async ({ itemId }) => {
      requireItem(itemId);
      return { outcome: await engine.commands.cancelItem(itemId) };
    },
    'command:item.retry': ({ itemId }) => {
      requireItem(itemId);
      engine.commands.retryItem(itemId);
      return { ok: true as const };
    },
    'command:item.resubmit': ({ itemId }) => {
      requireItem(itemId);
      engine.commands.resubmitItem(itemId);
      return { ok: true as const };
    },
    // The paths come from the database, never from the renderer (item-files.ts says what may open).
    'command:item.showInFolder': async ({ itemId }) => {
      await desktop.showInFolder(fileToShow(requireItem(itemId)));
      return { ok: true as const };
    },
    'command:item.openVideo': async ({ itemId }) => {
      await desktop.openPath(videoToOpen(requireItem(itemId)));
      return { ok: true as const };
    },

    'query:settings.get': () => appSettings(),
    'command:settings.update': async ({ dailyCapUsd, ...patch }) => {
      if (dailyCapUsd !== undefined) engine.commands.setDailyCap(dailyCapUsd);
      const before = settings.get();
      const { webhook, ...next } = patch;
      if (patch.apiBaseUrl !== undefined)
        next.apiBaseUrl = checkApiBaseUrl(patch.apiBaseUrl, services.extraApiHosts);
      if (webhook !== undefined)
        services.webhookSetting.set(webhook && { ...webhook, url: checkWebhookUrl(webhook.url) });
      const after = settings.update(next);
      if (after.simulated !== before.simulated || after.apiBaseUrl !== before.apiBaseUrl) {
        await credentials.apply();
        // "Already generated" depends on the mode: a simulated video stands for no real one.
        scans.invalidatePlans();
      }
      return appSettings();
    },
    'command:settings.setApiKey': async ({ apiKey, allowPlainTextStorage }) => {
      secrets.set(pastedKey(apiKey), { allowPlainText: allowPlainTextStorage });
      await credentials.apply();
      return appSettings();
    },
    'command:settings.removeApiKey': async () => {
      secrets.remove();
      await credentials.apply();
      return appSettings();
    },
    'command:settings.savePreset': ({ name, settings: presetSettings }) => {
      settings.savePreset(name.trim() || name, presetSettings);
      return appSettings();
    },
    'command:settings.deletePreset': ({ name }) => {
      if (!settings.get().presets.some((p) => p.name === name))
        throw new AppError(
          'not_found',
          `No preset named "${name}". Reload the settings to see the current presets.`,
        );
      settings.deletePreset(name);
      return appSettings();
    },

    ...buildMorningHandlers(services, { batch: requireBatch, item: requireItem }),
    ...buildQueueHandlers(services, { batch: requireBatch, item: requireItem }),
    ...buildSetupHandlers(services),

    'command:dialog.pickInputs': async () => ({ paths: await dialogs.pickInputs() }),
    'command:dialog.pickImages': async () => ({ paths: await dialogs.pickImages() }),
    'command:dialog.pickOutputDir': async () => ({ path: await dialogs.pickOutputDir() }),
  };

  const handlers = {} as Record<InvokeChannel, Handler<InvokeChannel>>;
  for (const channel of Object.keys(invokeChannels) as InvokeChannel[]) {
    const schema = invokeChannels[channel].request;
    const run = impl[channel] as (request: unknown) => unknown;
    handlers[channel] = async (payload: unknown) => {
      const parsed = schema.safeParse(payload ?? {});
      if (!parsed.success)
        return {
          ok: false,
          error: { code: 'invalid_request', message: describeIssues(channel, parsed.error) },
        };
      try {
        return { ok: true, value: (await run(parsed.data)) as ResponseOf<InvokeChannel> };
      } catch (error) {
        const code = errorCodeOf(error);
        const message = errorMessageOf(error, [secrets.get()]);
        if (code === 'internal') {
          const stack = error instanceof Error && error.stack ? `\n${error.stack}` : '';
          log('error', `${channel} failed: ${errorMessageOf(`${message}${stack}`, [secrets.get()])}`);
          return {
            ok: false,
            error: {
              code,
              message: `Something went wrong (${channel}): ${message} Details are in the log file.`,
            },
          };
        }
        const detail = errorDetailOf(error);
        return { ok: false, error: detail ? { code, message, detail } : { code, message } };
      }
    };
  }
  return handlers as Handlers;
}
