// Random payloads to every channel of the handler map (fast-check): no crash, always an
// Envelope, and an invalid payload never reaches a service (engine, settings, secrets,
// scans, dialogs, shell untouched).
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildHandlers, type Handlers } from '../../../../main/core/app/handlers';
import type { AppServices } from '../../../../main/core/app/app-services';
import { invokeChannels, type InvokeChannel } from '@common/contract';
import { createTestApp, type TestApp } from '../../../harness/test-app';
import { assertEnvelope, batchSettings, tempDir } from './helpers';

const settings = batchSettings('/tmp/sm-fuzz-out');
/** One valid payload per channel, mutated field by field below. */
const SAMPLES: Record<InvokeChannel, Record<string, unknown>> = {
  'query:app.info': {},
  'query:models.list': {},
  'query:models.source': {},
  'command:models.refresh': {},
  'query:models.runcomfy': { search: 'kling' },
  'query:models.problems': {},
  'command:models.add': { id: 'acme/motion-1/image-to-video', startImageField: 'image' },
  'command:scan.start': { paths: ['/tmp/sm-fuzz-in'] },
  'query:scan.summary': { scanId: 'scan-x' },
  'command:scan.cancel': { scanId: 'scan-x' },
  'command:scan.checkElements': { scanId: 'scan-x', elements: [{ frontal: '/tmp/a.jpg', references: [] }] },
  'query:scan.preview': { scanId: 'scan-x', settings, force: false, offset: 0, limit: 10 },
  'command:batch.create': { scanId: 'scan-x', settings, force: false },
  'command:batch.start': { batchId: 1 },
  'command:batch.pause': { batchId: 1 },
  'command:batch.resume': { batchId: 1 },
  'command:batch.cancel': { batchId: 1 },
  'command:batch.setBudget': { batchId: 1, budgetUsd: 12.5 },
  'command:batch.setOutputDir': { batchId: 1, outputDir: '/tmp/sm-fuzz-out' },
  'query:batches.list': {},
  'query:batch.get': { batchId: 1 },
  'query:account.dailySpend': {},
  'query:queue.list': {},
  'command:queue.move': { batchId: 1, move: 'top' },
  'command:queue.itemToFront': { itemId: 1 },
  'query:queue.limit': {},
  'command:queue.setLimit': { limit: 4 },
  'query:queue.defaultSchedule': {},
  'command:queue.setDefaultSchedule': {
    schedule: { startAt: '01:00', window: { start: '22:00', end: '07:00' } },
  },
  'command:queue.stopWatching': { batchId: 1 },
  'query:queue.morning': {},
  'command:queue.seenMorning': {},
  'query:account.balance': {},
  'query:batch.rerunSource': { batchId: 1, which: 'all' },
  'query:batch.reportCsv': { batchId: 1 },
  'query:items.groups': { batchId: 1, states: ['done'], reviews: ['kept'] },
  'query:items.page': {
    batchId: 1,
    states: ['done'],
    search: 'a',
    reviews: ['kept', 'unreviewed'],
    offset: 0,
    limit: 10,
  },
  'command:item.review': { itemId: 1, review: 'kept' },
  'command:batch.exportKept': { batchId: 1 },
  'command:batch.retryFailed': { batchId: 1, itemIds: [1], confirmCostUsd: 2.5 },
  'command:settings.testWebhook': { webhook: { url: 'http://127.0.0.1:9/hook', preset: 'generic' } },
  'command:item.cancel': { itemId: 1 },
  'command:item.retry': { itemId: 1 },
  'command:item.resubmit': { itemId: 1, acceptPossibleDoubleCharge: true },
  'command:item.showInFolder': { itemId: 1 },
  'command:item.openVideo': { itemId: 1 },
  'query:settings.get': {},
  'command:settings.update': { notifications: false, language: 'en' },
  'command:settings.setApiKey': { apiKey: 'rk_live_fuzz_0000', allowPlainTextStorage: false },
  'command:settings.removeApiKey': {},
  'command:settings.checkApiKey': { apiKey: 'rk_live_fuzz_0000' },
  'command:settings.savePreset': { name: 'p', settings: { duration: 5 } },
  'command:settings.deletePreset': { name: 'p' },
  'command:dialog.pickInputs': {},
  'command:dialog.pickOutputDir': {},
  'command:dialog.pickImages': {},
};

let app: TestApp;
let dir: { path: string; remove(): void };
let handlers: Handlers;
const calls: string[] = [];

/** Wraps every method of a service to record calls; `stubs` replace ones too costly to run for real. */
function recording<T extends object>(
  name: string,
  target: T,
  stubs: Record<string, (...args: unknown[]) => unknown> = {},
): T {
  return new Proxy(target, {
    get(t, property, receiver) {
      const v = Reflect.get(t, property, receiver) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        calls.push(`${name}.${String(property)}`);
        const stub = stubs[String(property)];
        return stub ? stub(...args) : (v as (...a: unknown[]) => unknown).apply(t, args);
      };
    },
  });
}

beforeAll(async () => {
  dir = tempDir('sm-fuzz-');
  app = await createTestApp({ rootDir: dir.path });
  const s = app.core.services;
  const services: AppServices = {
    ...s,
    engine: recording('engine', s.engine),
    intake: recording('intake', s.intake),
    // A random valid path list could name "/" or ".": never walk real trees while fuzzing.
    scans: recording('scans', s.scans, { start: () => 'scan-fuzz' }),
    settings: recording('settings', s.settings),
    secrets: recording('secrets', s.secrets),
    credentials: recording('credentials', s.credentials),
    models: recording('models', s.models, {
      refresh: async () => ({ models: s.models.list(), source: s.models.source() }),
      runcomfy: async () => [],
      add: async () => ({ status: 'needsStartImageField' as const, candidates: [] }),
    }),
    dialogs: recording('dialogs', s.dialogs),
    desktop: recording('desktop', s.desktop),
    appInfo: () => {
      calls.push('appInfo');
      return s.appInfo();
    },
  };
  handlers = buildHandlers(services);
});

afterAll(async () => {
  await app?.close();
  dir?.remove();
});

const anyValue = fc.anything({
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withTypedArray: true,
  withNullPrototype: true,
});

function payloads(channel: InvokeChannel) {
  const sample = SAMPLES[channel];
  const keys = Object.keys(sample);
  const mutated = keys.length
    ? fc.tuple(fc.constantFrom(...keys), anyValue).map(([key, v]) => ({ ...sample, [key]: v }))
    : fc.constant(sample);
  const withExtra = fc.tuple(fc.string(), anyValue).map(([k, v]) => ({ ...sample, [k]: v }));
  return fc.oneof(
    anyValue,
    mutated,
    withExtra,
    fc.constantFrom(null, undefined, 0, '', [], 'x'.repeat(10_000), { __proto__: { batchId: 1 } }),
  );
}

describe('fuzzing the handler map', () => {
  it('has a sample payload for every channel (so every channel is fuzzed)', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(Object.keys(invokeChannels).sort());
    for (const [channel, sample] of Object.entries(SAMPLES))
      expect(invokeChannels[channel as InvokeChannel].request.safeParse(sample).success, channel).toBe(true);
  });

  it.each(Object.keys(invokeChannels) as InvokeChannel[])(
    '%s: always an envelope, invalid input touches nothing',
    async (channel) => {
      const schema = invokeChannels[channel].request;
      const settingsFile = () => {
        try {
          return readFileSync(app.files.settings, 'utf8');
        } catch {
          return null;
        }
      };
      await fc.assert(
        fc.asyncProperty(payloads(channel), async (payload) => {
          calls.length = 0;
          const settingsBefore = settingsFile();
          const batchesBefore = app.engine.listBatches().length;
          const keyBefore = app.secrets.get();
          const envelope = await handlers[channel](payload);
          assertEnvelope(channel, envelope);
          JSON.stringify(envelope); // must cross IPC / HTTP
          const valid = schema.safeParse(payload ?? {}).success;
          if (!valid) {
            expect(envelope).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
            expect(calls).toEqual([]);
            expect(settingsFile()).toBe(settingsBefore);
            expect(app.engine.listBatches().length).toBe(batchesBefore);
            expect(app.secrets.get()).toBe(keyBefore);
          }
        }),
        { numRuns: 60, seed: 20261126 },
      );
    },
  );
});
