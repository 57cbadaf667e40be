// What the sandboxed preload exposes, with electron mocked: exactly one key, 'api', holding the
// contract's methods and nothing that reaches ipcRenderer.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { eventChannels, invokeChannels } from '@common/contract';
import { eventMethodNameOf, methodNameOf } from '../../preload/api';

const exposed = new Map<string, unknown>();
const ipc = {
  invoke: vi.fn(async (channel: string, request: unknown) => ({ ok: true, value: { channel, request } })),
  on: vi.fn(),
  removeListener: vi.fn(),
  send: vi.fn(),
  sendSync: vi.fn(),
};

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => exposed.set(key, value) },
  ipcRenderer: ipc,
  webUtils: { getPathForFile: (file: { name: string }) => `/dropped/${file.name}` },
}));

function collectFunctions(value: unknown, prefix = ''): string[] {
  if (typeof value === 'function') return [prefix];
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([k, v]) => collectFunctions(v, prefix ? `${prefix}.${k}` : k));
  return [];
}

function collectValues(value: unknown, seen = new Set<unknown>()): unknown[] {
  if (!value || typeof value !== 'object' || seen.has(value)) return [value];
  seen.add(value);
  return [value, ...Object.values(value).flatMap((v) => collectValues(v, seen))];
}

beforeAll(async () => {
  await import('../../preload/index');
});

describe('preload', () => {
  it('exposes one key, api, with exactly the contract methods', () => {
    expect([...exposed.keys()]).toEqual(['api']);
    const expected = [
      ...Object.keys(invokeChannels).map((c) => methodNameOf(c as keyof typeof invokeChannels).join('.')),
      ...Object.keys(eventChannels).map((c) => eventMethodNameOf(c as keyof typeof eventChannels)),
      'files.pathForFile',
    ].sort();
    expect(collectFunctions(exposed.get('api')).sort()).toEqual(expected);
  });

  it('never exposes ipcRenderer or any of its functions', () => {
    const values = collectValues(exposed.get('api'));
    for (const fn of [ipc, ipc.invoke, ipc.on, ipc.send, ipc.sendSync, ipc.removeListener])
      expect(values).not.toContain(fn);
  });

  it('invokes only contract channels and subscribes with an unsubscribe', async () => {
    const api = exposed.get('api') as {
      batch: { get(r: unknown): Promise<unknown> };
      onBatchFinished(l: (p: unknown) => void): () => void;
      files: { pathForFile(f: unknown): string };
    };
    await expect(api.batch.get({ batchId: 4 })).resolves.toEqual({
      channel: 'query:batch.get',
      request: { batchId: 4 },
    });
    const seen: unknown[] = [];
    const off = api.onBatchFinished((p) => seen.push(p));
    const [channel, handler] = ipc.on.mock.calls.at(-1)! as [string, (e: unknown, p: unknown) => void];
    expect(channel).toBe('event:batch.finished');
    handler({ sender: 'secret-sender' }, { batchId: 1 });
    expect(seen).toEqual([{ batchId: 1 }]); // the IPC event object is not passed on
    off();
    expect(ipc.removeListener).toHaveBeenCalledWith('event:batch.finished', handler);
    expect(api.files.pathForFile({ name: 'a.jpg' })).toBe('/dropped/a.jpg');
  });

  it('turns a broken IPC pipe into an error envelope, not a raw rejection', async () => {
    ipc.invoke.mockRejectedValueOnce(new Error("No handler registered for 'query:app.info'"));
    const api = exposed.get('api') as { app: { info(): Promise<unknown> } };
    await expect(api.app.info()).rejects.toMatchObject({ name: 'ApiError', code: 'internal' });
  });
});
