// Sandboxed preload: exposes exactly one thing, `window.api`, built from the contract by
// buildApi over an IPC transport. ipcRenderer itself is never exposed: the page can call the
// contract's channels and nothing else, and main validates every payload anyway.
// Built by electron-vite into out/preload/index.cjs: one CommonJS file requiring only
// 'electron' (a sandboxed preload cannot load ESM or other modules).
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { buildApi, type Transport } from './api';
import type { Envelope } from '@common/contract';

const transport: Transport = {
  async invoke(channel, request) {
    try {
      return (await ipcRenderer.invoke(channel, request)) as Envelope<unknown>;
    } catch (error) {
      // Only when main has no handler or the IPC pipe broke: handlers answer envelopes.
      const message = error instanceof Error ? error.message : String(error);
      return {
        ok: false,
        error: { code: 'internal', message: `The app did not answer ${channel}: ${message}` },
      };
    }
  },
  subscribe(channel, listener) {
    // The event object (with its sender) stays here; the page sees only the payload.
    const onEvent = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, onEvent);
    return () => {
      ipcRenderer.removeListener(channel, onEvent);
    };
  },
  pathForFile: (file) => webUtils.getPathForFile(file),
};

contextBridge.exposeInMainWorld('api', buildApi(transport));
