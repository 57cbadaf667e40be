import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', () => ({}));

import type { BrowserWindow, IpcMainInvokeEvent, WebContents } from 'electron';
import type { Handlers } from '../../../main/core/app/handlers';
import { FORBIDDEN, forwardEvents, registerIpc, trustedSenderCheck } from '../../../main/electron/ipc';
import { invokeChannels } from '@common/contract';

const INDEX = 'stillmotion-app://app/index.html';

function fakeIpcMain() {
  const registered = new Map<string, (event: unknown, payload: unknown) => Promise<unknown>>();
  return {
    registered,
    handle: vi.fn((channel: string, fn: (event: unknown, payload: unknown) => Promise<unknown>) => {
      if (registered.has(channel)) throw new Error(`second handler for ${channel}`);
      registered.set(channel, fn);
    }),
    removeHandler: vi.fn((channel: string) => registered.delete(channel)),
  };
}

function fakeHandlers() {
  const calls: [string, unknown][] = [];
  const handlers = Object.fromEntries(
    Object.keys(invokeChannels).map((channel) => [
      channel,
      async (payload: unknown) => {
        calls.push([channel, payload]);
        return { ok: true, value: channel };
      },
    ]),
  ) as unknown as Handlers;
  return { handlers, calls };
}

function fakeWindow() {
  const mainFrame = { processId: 4, routingId: 1, parent: null, url: INDEX };
  const webContents = { mainFrame, isDestroyed: () => false, send: vi.fn() };
  const window = { webContents, isDestroyed: () => false };
  return { window: window as unknown as BrowserWindow, webContents, mainFrame };
}

function eventFrom(sender: unknown, frame: unknown): IpcMainInvokeEvent {
  return { sender, senderFrame: frame } as unknown as IpcMainInvokeEvent;
}

describe('registerIpc', () => {
  it('registers every channel and disposes them all', () => {
    const ipc = fakeIpcMain();
    const dispose = registerIpc(ipc, fakeHandlers().handlers, () => true);
    expect([...ipc.registered.keys()].sort()).toEqual(Object.keys(invokeChannels).sort());
    dispose();
    expect(ipc.registered.size).toBe(0);
  });

  it('checks the sender before the handler sees the payload', async () => {
    const ipc = fakeIpcMain();
    const { handlers, calls } = fakeHandlers();
    let trusted = false;
    registerIpc(ipc, handlers, () => trusted);
    const invoke = ipc.registered.get('command:batch.start')!;
    expect(await invoke({}, { batchId: 1 })).toEqual(FORBIDDEN);
    expect(calls).toEqual([]);
    trusted = true;
    expect(await invoke({}, { batchId: 1 })).toEqual({ ok: true, value: 'command:batch.start' });
    expect(calls).toEqual([['command:batch.start', { batchId: 1 }]]);
  });

  it('refuses when the sender check itself throws', async () => {
    const ipc = fakeIpcMain();
    registerIpc(ipc, fakeHandlers().handlers, () => {
      throw new Error('frame disposed');
    });
    expect(await ipc.registered.get('query:app.info')!({}, {})).toEqual(FORBIDDEN);
  });
});

describe('trustedSenderCheck', () => {
  it('trusts only the main frame of our window showing our page', () => {
    const { window, webContents, mainFrame } = fakeWindow();
    const check = trustedSenderCheck(() => window, { indexUrl: INDEX });
    expect(check(eventFrom(webContents, mainFrame))).toBe(true);
    expect(check(eventFrom(webContents, { ...mainFrame, url: `${INDEX}#/batch/2` }))).toBe(true);
    // an iframe inside our page
    expect(check(eventFrom(webContents, { processId: 4, routingId: 2, parent: mainFrame, url: INDEX }))).toBe(
      false,
    );
    // our main frame after navigating elsewhere
    expect(check(eventFrom(webContents, { ...mainFrame, url: 'https://evil.example/' }))).toBe(false);
    expect(check(eventFrom(webContents, { ...mainFrame, url: 'file:///tmp/evil.html' }))).toBe(false);
    // another webContents
    expect(check(eventFrom({ other: true }, mainFrame))).toBe(false);
    // no frame (disposed)
    expect(check(eventFrom(webContents, null))).toBe(false);
    // a frame in another process with the same routing id
    expect(check(eventFrom(webContents, { ...mainFrame, processId: 9 }))).toBe(false);
  });

  it('trusts nobody without a live window', () => {
    const { window, webContents, mainFrame } = fakeWindow();
    expect(trustedSenderCheck(() => null, { indexUrl: INDEX })(eventFrom(webContents, mainFrame))).toBe(
      false,
    );
    const destroyed = { ...window, isDestroyed: () => true } as unknown as BrowserWindow;
    expect(trustedSenderCheck(() => destroyed, { indexUrl: INDEX })(eventFrom(webContents, mainFrame))).toBe(
      false,
    );
  });
});

describe('forwardEvents', () => {
  it('sends each event to the current window and stops on unsubscribe', () => {
    const { webContents } = fakeWindow();
    let emit: ((channel: string, payload: unknown) => void) | null = null;
    const unsubscribe = vi.fn();
    const off = forwardEvents(
      (send) => {
        emit = send as never;
        return unsubscribe;
      },
      () => webContents as unknown as WebContents,
    );
    emit!('event:batch.changed', { batchId: 1, state: 'running', pauseReason: null });
    expect(webContents.send).toHaveBeenCalledWith('event:batch.changed', {
      batchId: 1,
      state: 'running',
      pauseReason: null,
    });
    off();
    expect(unsubscribe).toHaveBeenCalled();
  });

  it('drops events while there is no window', () => {
    let emit: ((channel: string, payload: unknown) => void) | null = null;
    forwardEvents(
      (send) => {
        emit = send as never;
        return () => {};
      },
      () => null,
    );
    expect(() => emit!('event:items.changed', { batchId: 1, changes: [] })).not.toThrow();
  });
});
