// SHA-256 of a large download on a worker thread, fed as the MiB batches are written, so the
// main thread only receives and writes (hashing a 256 MB video there took as long as receiving
// it). One worker for the process, started on first use and let go of while nothing is hashed.
import { Worker } from 'node:worker_threads';

// Inline source (CommonJS), so the bundled app and CLI need no separate worker file.
const SOURCE = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', (m) => {
  if (m.kind === 'update') {
    let hash = hashes.get(m.id);
    if (!hash) hashes.set(m.id, (hash = createHash('sha256')));
    hash.update(m.data);
    // The buffer goes back to be filled again: memory stays a few MiB however large the file.
    parentPort.postMessage({ kind: 'free', data: m.data }, [m.data.buffer]);
  } else {
    const hash = hashes.get(m.id) || createHash('sha256');
    hashes.delete(m.id);
    parentPort.postMessage({ kind: 'digest', id: m.id, sha256: hash.digest('hex') });
  }
});
`;

/** Batch buffers that came back from the worker, to be filled again. */
const free: ArrayBuffer[] = [];
const POOL_MAX = 8;
const BUFFER_BYTES = 2 * 1024 * 1024;

let worker: Worker | null = null;
const dead = new WeakSet<Worker>();
let nextId = 1;
const waiting = new Map<number, (sha256: string | null) => void>();
let open = 0;

function shared(): Worker {
  if (worker) return worker;
  const started = new Worker(SOURCE, { eval: true });
  started.on(
    'message',
    (m: { kind: 'free'; data: Uint8Array } | { kind: 'digest'; id: number; sha256: string }) => {
      if (m.kind === 'free') {
        if (free.length < POOL_MAX) free.push(m.data.buffer as ArrayBuffer);
        return;
      }
      waiting.get(m.id)?.(m.sha256);
      waiting.delete(m.id);
    },
  );
  const fail = () => {
    // Whatever was being hashed is read back from disk by the caller instead.
    for (const resolve of waiting.values()) resolve(null);
    waiting.clear();
    dead.add(started);
    if (worker === started) worker = null;
  };
  started.on('error', fail);
  started.on('exit', fail);
  started.unref();
  worker = started;
  return started;
}

/** An incremental SHA-256 computed off the main thread; digest() null if the worker failed. */
export class OffThreadHash {
  private readonly id = nextId++;
  private readonly worker = shared();
  private done = false;

  constructor() {
    if (open++ === 0) this.worker.ref();
  }

  /** The chunks copied into one buffer of the pool (a new one when none is free). */
  gather(chunks: readonly Uint8Array[], bytes: number): Uint8Array {
    let buffer = free.pop();
    if (!buffer || buffer.byteLength < bytes) buffer = new ArrayBuffer(Math.max(bytes, BUFFER_BYTES));
    const view = new Uint8Array(buffer, 0, bytes);
    let offset = 0;
    for (const chunk of chunks) {
      view.set(chunk, offset);
      offset += chunk.length;
    }
    return view;
  }

  /** `data` (from gather) is handed over to the worker: the caller must not use it again. */
  update(data: Uint8Array): void {
    if (this.done) return;
    this.worker.postMessage({ kind: 'update', id: this.id, data }, [data.buffer as ArrayBuffer]);
  }

  digest(): Promise<string | null> {
    const digest = new Promise<string | null>((resolve) => {
      if (dead.has(this.worker)) return resolve(null);
      waiting.set(this.id, resolve);
      this.worker.postMessage({ kind: 'digest', id: this.id });
    });
    return digest.finally(() => this.release());
  }

  /** Ends it without a digest (a transfer cut short): the worker drops what it had. */
  abandon(): void {
    if (this.done) return;
    this.worker.postMessage({ kind: 'digest', id: this.id }); // answered to nobody
    this.release();
  }

  private release(): void {
    if (this.done) return;
    this.done = true;
    if (--open === 0) this.worker.unref();
  }
}
