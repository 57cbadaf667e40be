// Binds the handler map (main/core/app/handlers.ts) to ipcMain, and the app's events to the
// window. Thin on purpose: validation, envelopes and error mapping live in the map; this file
// adds the one check only Electron can make — who is asking. Every invoke must come from the
// main frame of our own window showing our own page (not an iframe, not a page it navigated
// to, not another window), checked before the payload is even looked at.
import type { BrowserWindow, IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import type { Handlers } from '../core/app/handlers';
import type { EventSink } from '../core/app/app-events';
import type { Envelope, InvokeChannel } from '@common/contract';
import { isAppUrl, type AppLocation } from './navigation';

export type SenderCheck = (event: IpcMainInvokeEvent) => boolean;

export const FORBIDDEN: Envelope<never> = {
  ok: false,
  error: {
    code: 'forbidden_sender',
    message: 'This request did not come from the Stillmotion window and was refused.',
  },
};

export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  handlers: Handlers,
  isTrustedSender: SenderCheck,
): () => void {
  const channels = Object.keys(handlers) as InvokeChannel[];
  for (const channel of channels) {
    const handler = handlers[channel] as (payload: unknown) => Promise<Envelope<unknown>>;
    ipcMain.handle(channel, async (event, payload: unknown) => {
      let trusted = false;
      try {
        trusted = isTrustedSender(event);
      } catch {
        trusted = false;
      }
      if (!trusted) return FORBIDDEN;
      return handler(payload);
    });
  }
  return () => {
    for (const channel of channels) ipcMain.removeHandler(channel);
  };
}

/** The sender check for one window: its main frame, showing the app's own URL. */
export function trustedSenderCheck(getWindow: () => BrowserWindow | null, app: AppLocation): SenderCheck {
  return (event) => {
    const window = getWindow();
    if (!window || window.isDestroyed()) return false;
    const contents = window.webContents;
    if (event.sender !== contents) return false;
    const frame = event.senderFrame;
    const main = contents.mainFrame;
    if (!frame || !main) return false;
    // Frames are compared by identity: process and routing id of the top-level frame.
    if (frame.processId !== main.processId || frame.routingId !== main.routingId || frame.parent)
      return false;
    return isAppUrl(frame.url, app);
  };
}

/**
 * Sends app events to the window's webContents (whichever window is current: the window may
 * be re-created after it was closed to the tray). Returns the unsubscribe.
 */
export function forwardEvents(
  subscribe: (send: EventSink) => () => void,
  getWebContents: () => WebContents | null,
): () => void {
  return subscribe((channel, payload) => {
    const contents = getWebContents();
    if (!contents || contents.isDestroyed()) return;
    contents.send(channel, payload);
  });
}
