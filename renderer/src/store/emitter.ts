// Change notification for the renderer's stores, in the shape useSyncExternalStore wants: an
// Emitter (subscribe, and emit for the store that extends it) and a ValueStore (one value with
// get/set). Not a store factory: each store is its own class. Snapshots a store hands out must
// be referentially stable between changes (useSyncExternalStore compares with Object.is).

export class Emitter {
  private listeners = new Set<() => void>();

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  protected emit(): void {
    for (const listener of [...this.listeners]) listener();
  }
}

/** A single value with change notification. */
export class ValueStore<T> extends Emitter {
  constructor(private value: T) {
    super();
  }

  get = (): T => this.value;

  set(value: T): void {
    if (Object.is(value, this.value)) return;
    this.value = value;
    this.emit();
  }
}
