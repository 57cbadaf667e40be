// Leases say which process drives a batch: one row per batch holds the owner and an expiry; the
// holder renews it every third of its length, and a process that died simply stops renewing.
// A lease of a crashed process of this machine is taken over at once (ownerIsGone).
import { hostname } from 'node:os';
import { BatchHeldError, describeLeaseHolder } from '../domain';
import { newBatchRuntime, type BatchRuntime, type EngineContext } from './context';

export interface LeaseInfo {
  owner: string;
  expiresAt: number;
  /** True when this engine holds it. */
  mine: boolean;
}

/**
 * True when a lease holder named `<kind>:<this host>:<pid>` (how engines name themselves) is a
 * process of this machine that no longer exists: a crashed CLI or app. Its batch can be taken
 * over at once instead of after the lease runs out. Any doubt (another host, a live or reused
 * pid, no permission to ask) means "not gone": then only the expiry frees the lease.
 */
export function ownerIsGone(holder: string): boolean {
  const match = /^[\w-]+:(.+):(\d+)$/.exec(holder);
  if (!match || match[1] !== hostname()) return false;
  const pid = Number(match[2]);
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

export class Leases {
  /**
   * Batches another process took from this one, and the clock time until which they are not
   * adopted back: that process is alive and drives them; it must not see a batch it releases
   * for a moment (a late submit answer reopening it) snatched back before it looks again.
   */
  private readonly lostUntil = new Map<number, number>();

  constructor(private readonly ctx: EngineContext) {}

  /**
   * Holds the batch (or already does); throws BatchHeldError when another live process does.
   * `previousOwner` is told who held it before, when this took it from another process.
   */
  take(batchId: number, previousOwner?: (owner: string) => void): BatchRuntime {
    const { held, store, clock, owner, limits } = this.ctx;
    const existing = held.get(batchId);
    if (existing) return existing;
    const lease = store.leases.acquireLease(batchId, owner, clock.now(), limits.leaseMs, ownerIsGone);
    if (!lease.ok) {
      const seconds = Math.max(0, Math.ceil((lease.expiresAt - clock.now()) / 1000));
      throw new BatchHeldError(
        `Batch ${batchId} is being run by ${lease.owner}. Stop it there first, or wait: if that process ` +
          `was killed, its claim expires in ${seconds} s and this one can take over.`,
        { kind: 'batch_held', batchId, ...describeLeaseHolder(lease.owner, hostname(), seconds) },
      );
    }
    if (lease.previousOwner) previousOwner?.(lease.previousOwner);
    const runtime = newBatchRuntime(batchId);
    runtime.leaseUntil = clock.now() + limits.leaseMs;
    held.set(batchId, runtime);
    return runtime;
  }

  /**
   * Whether this engine may write the batch's files now: it holds the batch and its lease is
   * known to last. A lease that lapsed (the machine slept, the clock stepped) is renewed first
   * when nobody took it; if another process did, or the database cannot say, no.
   */
  mayWrite(batchId: number): boolean {
    const runtime = this.ctx.held.get(batchId);
    if (!runtime || this.ctx.closeSignal.aborted) return false;
    const now = this.ctx.clock.now();
    if (now < runtime.leaseUntil) return true;
    try {
      if (!this.ctx.store.leases.renewLease(batchId, this.ctx.owner, now, this.ctx.limits.leaseMs))
        return false;
    } catch {
      return false;
    }
    runtime.leaseUntil = now + this.ctx.limits.leaseMs;
    return true;
  }

  holder(batchId: number): LeaseInfo | null {
    const { store, clock, owner } = this.ctx;
    const batch = store.batches.getBatch(batchId);
    if (!batch?.leaseOwner || (batch.leaseExpiresAt ?? 0) <= clock.now()) return null;
    if (batch.leaseOwner !== owner && ownerIsGone(batch.leaseOwner)) return null; // a crashed process
    return {
      owner: batch.leaseOwner,
      expiresAt: batch.leaseExpiresAt ?? 0,
      mine: batch.leaseOwner === owner,
    };
  }

  /** Renews every held lease; drops (and returns) the batches another process took meanwhile. */
  renewAll(): number[] {
    const { held, store, clock, owner, limits } = this.ctx;
    const lost: number[] = [];
    for (const batchId of [...held.keys()]) {
      const now = clock.now();
      if (!store.leases.renewLease(batchId, owner, now, limits.leaseMs)) {
        this.drop(batchId, store.batches.getBatch(batchId)?.leaseOwner ?? null);
        lost.push(batchId);
      } else {
        const runtime = held.get(batchId);
        if (runtime) runtime.leaseUntil = now + limits.leaseMs;
      }
    }
    return lost;
  }

  /** Stops driving a batch another process took over. */
  drop(batchId: number, newOwner: string | null): void {
    const { held, store, hub, log } = this.ctx;
    if (!held.has(batchId)) return;
    held.delete(batchId);
    this.lostUntil.set(batchId, this.ctx.clock.now() + this.ctx.limits.leaseMs);
    log('warn', `batch ${batchId}: lease lost to ${newOwner ?? 'nobody'}; stopped driving it`);
    const batch = store.batches.getBatch(batchId);
    if (batch) hub.emit({ type: 'batch', batchId, state: batch.state, pauseReason: 'lease_lost' });
  }

  release(batchId: number): void {
    this.ctx.held.delete(batchId);
    this.ctx.store.leases.releaseLease(batchId, this.ctx.owner);
  }

  releaseAll(): void {
    for (const batchId of [...this.ctx.held.keys()]) this.release(batchId);
  }

  /**
   * Batches with unfinished work this engine could take over now (free, expired or orphaned),
   * each with the process that held it before (null: nobody, or a lease released cleanly).
   */
  takeAdoptable(): { batchId: number; previousOwner: string | null }[] {
    const taken: { batchId: number; previousOwner: string | null }[] = [];
    for (const batchId of this.ctx.store.itemQueries.batchesWithWork()) {
      if (this.ctx.held.has(batchId)) continue;
      if ((this.lostUntil.get(batchId) ?? 0) > this.ctx.clock.now()) continue;
      this.lostUntil.delete(batchId);
      try {
        let previousOwner: string | null = null;
        this.take(batchId, (before) => (previousOwner = before));
        taken.push({ batchId, previousOwner });
      } catch {
        // Another live process drives it.
      }
    }
    return taken;
  }
}
