// Events from the services, in the contract's shape, for one sink: the Electron window's
// webContents or the harness's WebSockets. The engine already coalesces item changes (and
// sends terminal transitions at once); scan progress is throttled by the scan registry.
import type { EngineEvent } from '../domain';
import type { EngineApi } from '../core-api';
import type { EventChannel, PayloadOf } from '@common/contract';
import type { ScanRegistry } from './scans';

export type EventSink = <E extends EventChannel>(channel: E, payload: PayloadOf<E>) => void;

export function toContractEvent(event: EngineEvent): Parameters<EventSink> {
  switch (event.type) {
    case 'items':
      return ['event:items.changed', { batchId: event.batchId, changes: event.changes }];
    case 'batch':
      return [
        'event:batch.changed',
        { batchId: event.batchId, state: event.state, pauseReason: event.pauseReason },
      ];
    case 'batch-finished':
      return [
        'event:batch.finished',
        { batchId: event.batchId, counts: event.counts, spentUsd: event.spentUsd },
      ];
    default: {
      const never: never = event;
      throw new Error(`Unknown engine event ${JSON.stringify(never)}`);
    }
  }
}

/** Forwards engine and scan events to `send`; returns the unsubscribe. */
export function subscribeAppEvents(
  services: { engine: Pick<EngineApi, 'on'>; scans: Pick<ScanRegistry, 'onProgress'> },
  send: EventSink,
): () => void {
  const offEngine = services.engine.on((event) => {
    const [channel, payload] = toContractEvent(event);
    send(channel, payload);
  });
  const offScans = services.scans.onProgress(({ scanId, found, checked, finished }) =>
    send('event:scan.progress', { scanId, found, checked, finished }),
  );
  return () => {
    offEngine();
    offScans();
  };
}
