// The browser side of the test harness: defines `window.api` exactly as the preload does,
// with buildApi from preload/api.ts, over HTTP (invoke) and a WebSocket (events) instead of
// IPC. Bundled by esbuild into a classic script that the harness injects into index.html
// before the app's module script, so window.api exists when the app starts.
import { buildApi, type Transport } from '../../preload/api';
import type { Envelope, EventChannel } from '@common/contract';

// This file is type-checked with the Node project (no DOM lib), so the few browser globals it
// touches are declared here rather than pulling DOM types into every Node file.
interface SocketLike {
  addEventListener(type: 'open' | 'error' | 'close', listener: () => void, options?: { once: boolean }): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
}
const browser = globalThis as unknown as {
  location: { origin: string };
  WebSocket: new (url: string) => SocketLike;
  api: unknown;
};

const listeners = new Map<EventChannel, Set<(payload: unknown) => void>>();

const socket = new browser.WebSocket(`${browser.location.origin.replace(/^http/, 'ws')}/api/events`);
// Invokes wait for the event socket: a page that subscribes and then loads a snapshot must
// not miss the events that follow the snapshot.
const socketReady = new Promise<void>((resolve) => {
  socket.addEventListener('open', () => resolve(), { once: true });
  socket.addEventListener('error', () => resolve(), { once: true });
  socket.addEventListener('close', () => resolve(), { once: true });
});
socket.addEventListener('message', (message) => {
  const { channel, payload } = JSON.parse(String(message.data)) as {
    channel: EventChannel;
    payload: unknown;
  };
  for (const listener of listeners.get(channel) ?? []) listener(payload);
});

const transport: Transport = {
  async invoke(channel, request) {
    await socketReady;
    try {
      const response = await fetch(`/api/invoke/${channel}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(request ?? {}),
      });
      return (await response.json()) as Envelope<unknown>;
    } catch (error) {
      return {
        ok: false,
        error: { code: 'internal', message: `The harness did not answer ${channel}: ${String(error)}` },
      };
    }
  },
  subscribe(channel, listener) {
    let set = listeners.get(channel);
    if (!set) listeners.set(channel, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  },
  // A test drops `new File([bytes], '/abs/path/img.jpg')`: the name carries the path.
  pathForFile: (file) => (file as File & { path?: string }).path ?? file.name,
};

browser.api = buildApi(transport);
