// The open batch's header data (counts, spending, ETA, pause reason), kept live: subscribe to
// the batch and item events first, then load the snapshot; refetch batch.get at most every
// 300 ms while events flow, and at once when the batch changes state.
import { useSyncExternalStore } from 'react';
import type { BatchViewDto } from '@common/contract';
import { api, errorText } from '../api';
import { Emitter } from './emitter';
import { prefetchFirstPage, type ItemQuery } from './items-store';

const REFRESH_MS = 300;

export class BatchStore extends Emitter {
  private batch: BatchViewDto | null = null;
  private error: string | null = null;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private loading = false;
  private again = false;
  private unsubscribers: (() => void)[] = [];
  private disposed = false;
  /** Called when the batch reaches an end (finished/cancelled), e.g. to refresh the item list. */
  onFinished: (() => void) | null = null;

  /** `firstItems`: the item list's first page to ask for beside batch.get (the list's query). */
  constructor(
    readonly batchId: number,
    private readonly firstItems: ItemQuery | null = null,
  ) {
    super();
  }

  start(): void {
    // StrictMode mounts, unmounts and mounts again: start() must work after dispose().
    this.disposed = false;
    const mine = (event: { batchId: number }) => event.batchId === this.batchId;
    this.unsubscribers.push(
      api().onItemsChanged((e) => mine(e) && this.scheduleRefresh()),
      api().onBatchChanged((e) => {
        if (!mine(e)) return;
        // Show the new state and reason at once; the refetch brings the message and counts.
        if (this.batch) {
          this.batch = { ...this.batch, state: e.state, pauseReason: e.pauseReason };
          this.emit();
        }
        void this.refresh();
      }),
      api().onBatchFinished((e) => {
        if (!mine(e)) return;
        void this.refresh();
        this.onFinished?.();
      }),
    );
    void this.refresh();
    if (this.firstItems) prefetchFirstPage(this.firstItems);
  }

  dispose(): void {
    this.disposed = true;
    for (const off of this.unsubscribers) off();
    this.unsubscribers = [];
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  get = (): BatchViewDto | null => this.batch;
  getError = (): string | null => this.error;

  scheduleRefresh(): void {
    if (this.timer || this.disposed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.refresh();
    }, REFRESH_MS);
  }

  async refresh(): Promise<void> {
    if (this.disposed) return;
    if (this.loading) {
      this.again = true;
      return;
    }
    this.loading = true;
    try {
      const batch = await api().batch.get({ batchId: this.batchId });
      if (this.disposed) return;
      this.batch = batch;
      this.error = null;
    } catch (error) {
      if (this.disposed) return;
      this.error = errorText(error);
    } finally {
      this.loading = false;
    }
    this.emit();
    if (this.again) {
      this.again = false;
      this.scheduleRefresh();
    }
  }
}

export function useBatch(store: BatchStore): BatchViewDto | null {
  return useSyncExternalStore(store.subscribe, store.get);
}

export function useBatchError(store: BatchStore): string | null {
  return useSyncExternalStore(store.subscribe, store.getError);
}
