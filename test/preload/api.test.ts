import { describe, expect, expectTypeOf, it } from 'vitest';
import { ApiError, buildApi, type Transport } from '../../preload/api';
import { eventChannels, invokeChannels, type Envelope } from '@common/contract';

function fakeTransport(answer: (channel: string, request: unknown) => Envelope<unknown>) {
  const calls: [string, unknown][] = [];
  const listeners = new Map<string, (payload: unknown) => void>();
  const transport: Transport = {
    invoke: async (channel, request) => {
      calls.push([channel, request]);
      return answer(channel, request);
    },
    subscribe: (channel, listener) => {
      listeners.set(channel, listener);
      return () => listeners.delete(channel);
    },
    pathForFile: () => '/abs/file.jpg',
  };
  return { transport, calls, listeners };
}

describe('buildApi', () => {
  it('maps every channel to one method and unwraps envelopes', async () => {
    const { transport, calls } = fakeTransport(() => ({ ok: true, value: { ok: true } }));
    const api = buildApi(transport);
    await api.batch.start({ batchId: 3 });
    await api.settings.get();
    expect(calls).toEqual([
      ['command:batch.start', { batchId: 3 }],
      ['query:settings.get', {}],
    ]);
    const methods = Object.entries(api).flatMap(([ns, v]) =>
      typeof v === 'function' ? [ns] : Object.keys(v as object).map((m) => `${ns}.${m}`),
    );
    // every invoke channel, every event channel, plus files.pathForFile
    expect(methods).toHaveLength(Object.keys(invokeChannels).length + Object.keys(eventChannels).length + 1);
    expectTypeOf(api.batch.start).parameter(0).toEqualTypeOf<{ batchId: number }>();
  });

  it('throws ApiError with the handler code and message', async () => {
    const { transport } = fakeTransport(() => ({
      ok: false,
      error: { code: 'not_found', message: 'No batch 9' },
    }));
    const api = buildApi(transport);
    const error = await api.batch.get({ batchId: 9 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'not_found', message: 'No batch 9' });
  });

  it('on* methods subscribe and return an unsubscribe', () => {
    const { transport, listeners } = fakeTransport(() => ({ ok: true, value: null }));
    const api = buildApi(transport);
    const seen: unknown[] = [];
    const off = api.onItemsChanged((p) => seen.push(p));
    listeners.get('event:items.changed')!({ batchId: 1, changes: [] });
    off();
    expect(listeners.has('event:items.changed')).toBe(false);
    expect(seen).toHaveLength(1);
  });
});
