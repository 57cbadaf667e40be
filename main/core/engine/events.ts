// Slim, coalesced notifications for the UI: item changes collected for a short window (one
// IPC message instead of hundreds while a batch starts); terminal states and batch changes are
// sent at once because a person is waiting for them.
import { TERMINAL_STATES, type EngineEvent, type ItemState } from '../domain';

export class EventHub {
  private readonly listeners = new Set<(event: EngineEvent) => void>();
  private readonly pending = new Map<number, Map<number, ItemState>>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly windowMs = 50) {}

  on(listener: (event: EngineEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  item(batchId: number, itemId: number, state: ItemState): void {
    let changes = this.pending.get(batchId);
    if (!changes) this.pending.set(batchId, (changes = new Map()));
    changes.set(itemId, state);
    if (TERMINAL_STATES.includes(state)) this.flush();
    else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.windowMs);
      this.timer.unref?.();
    }
  }

  /** Batch events go out at once, after the item changes that led to them. */
  emit(event: EngineEvent): void {
    this.flush();
    this.send(event);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batches = [...this.pending];
    this.pending.clear();
    for (const [batchId, changes] of batches)
      this.send({ type: 'items', batchId, changes: [...changes].map(([id, state]) => ({ id, state })) });
  }

  private send(event: EngineEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A failing listener (a closed window) must not stop the engine or the other listeners.
      }
    }
  }
}
