// A laptop lid closed for half an hour in the middle of a batch: the injected clock jumps 30
// minutes. Like the real thing (Node's timers run on the monotonic clock, which stops while the
// machine sleeps), wall time jumps but pending timers do not count the time asleep, so nothing
// re-polls on its own until the app calls engine.wake() (Electron's powerMonitor 'resume').
// The simulator and an in-process engine share the clock. Checked: nothing is sent during the
// sleep, every in-flight item is polled again within one simulated minute of waking, nothing is
// paid twice, and the batch still finishes.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createCoreServices } from '../../main/core';
import { readImageRefsAsDataUris } from '../../main/core/engine';
import { auditLedger, startSimulator } from '../../main/core/simulator';
import { DEMO_API_KEY } from '../../main/core/simulator/types';
import { seededRandom, type Clock } from '../../main/core/util/clock';
import { makeImages, plannedItems, settingsFor, tempDir } from '../main/core/engine/helpers';

/** A clock the test moves by hand: `advance` is time awake, `suspend` is the machine asleep. */
export class SuspendableClock implements Clock {
  private wall: number;
  private readonly sleepers = new Set<{ due: number; wake: () => void }>();

  constructor(start: number) {
    this.wall = start;
  }

  now(): number {
    return this.wall;
  }

  set(now: number): void {
    this.wall = now;
    this.fire();
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        this.sleepers.delete(sleeper);
        reject(signal?.reason);
      };
      const sleeper = {
        due: this.wall + Math.max(0, ms),
        wake: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.sleepers.add(sleeper);
      if (sleeper.due <= this.wall) queueMicrotask(() => this.fire());
    });
  }

  /** Awake time passes: every sleep whose deadline is reached resolves, earliest first. */
  advance(ms: number): void {
    this.wall += ms;
    this.fire();
  }

  /** The machine sleeps `ms`: wall time jumps, pending deadlines move with it (monotonic timers). */
  suspend(ms: number): void {
    this.wall += ms;
    for (const sleeper of this.sleepers) sleeper.due += ms;
  }

  private fire(): void {
    const due = [...this.sleepers].filter((s) => s.due <= this.wall).sort((a, b) => a.due - b.due);
    for (const sleeper of due) {
      this.sleepers.delete(sleeper);
      sleeper.wake();
    }
  }
}

const realDelay = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Scenario {
  /** The app adopts orphaned batches at every lease tick; the CLI does not. */
  adoptBatches: boolean;
  /** Real ms to wait for the batch to finish. */
  finishWithinMs: number;
}

/**
 * One night with a 30-minute sleep in it. Returns what the guarantees are judged on; throws only
 * when the scenario itself cannot be played (no generation in flight to put to sleep).
 */
async function sleepThroughTheNight(dir: string, scenario: Scenario) {
  const clock = new SuspendableClock(Date.UTC(2026, 0, 15, 1, 0, 0));
  let ticking = true;
  let stop = false;
  // Awake: about 250 simulated ms per real millisecond, with real I/O in between.
  const ticker = (async () => {
    while (!stop) {
      if (ticking) clock.advance(250);
      await realDelay(1);
    }
  })();
  const waitFor = async (condition: () => boolean, realMs = 20_000) => {
    const deadline = Date.now() + realMs;
    while (!condition() && Date.now() < deadline) await realDelay(2);
    return condition();
  };
  const sim = await startSimulator({ clock, seed: 21, concurrencyCap: 4 });
  const warnings: string[] = [];
  const { engine } = createCoreServices({
    dbPath: join(dir, `jobs-${scenario.adoptBatches}.sqlite`),
    owner: 'suspend-test',
    clock,
    random: seededRandom(8),
    apiBaseUrl: sim.url,
    apiKey: DEMO_API_KEY,
    // The default lease (60 s of clock time): a 30-minute sleep outlasts it.
    adoptBatches: scenario.adoptBatches,
    materializeRequest: readImageRefsAsDataUris,
    requestTimeoutMs: 5000,
    submitTimeoutMs: 5000,
    log: (level, message) => {
      if (level !== 'info') warnings.push(message);
    },
  });
  try {
    const settings = settingsFor(join(dir, `out-${scenario.adoptBatches}`), { concurrency: 4 });
    const batchId = engine.createBatch(
      settings,
      plannedItems(makeImages(join(dir, `in-${scenario.adoptBatches}`), 10), settings),
    );
    engine.commands.startBatch(batchId);
    const inState = (...states: string[]) =>
      engine.pageItems({ batchId, offset: 0, limit: 100 }).items.filter((i) => states.includes(i.state));

    // Let the night begin: some generations accepted and waiting, some items still queued.
    if (!(await waitFor(() => inState('in_queue', 'in_progress').length >= 3)))
      throw new Error('no generation got in flight before the sleep');
    // The lid closes: time stops for the process; answers already on the wire land first.
    ticking = false;
    await realDelay(100);
    const asleepAt = clock.now();
    const inFlight = inState('in_queue', 'in_progress').map((i) => i.requestId!);
    const queuedAtSleep = inState('queued').length;
    clock.suspend(30 * 60_000);
    const wokeAt = clock.now();
    await realDelay(100);

    // The lid opens: the app's power monitor calls wake(). The first moments after waking are
    // quick next to any timer (polls, downloads, the next submit take real milliseconds), so
    // they are played with the clock held at the wake-up time; then time runs again.
    engine.wake();
    await realDelay(300);
    const leaseRightAfterWaking = engine.leaseHolder(batchId)?.mine ?? false;
    ticking = true;
    await waitFor(() => clock.now() >= wokeAt + 60_000);
    const ledger = sim.ledger;
    const sentAsleep = ledger.submits.filter((s) => s.at > asleepAt && s.at < wokeAt).length;
    const repolled = new Set(
      ledger.polls.filter((p) => p.at >= wokeAt && p.at <= wokeAt + 60_000).map((p) => p.requestId),
    );
    const finished = await waitFor(
      () => engine.getBatch(batchId)?.state === 'finished',
      scenario.finishWithinMs,
    );
    ticking = false;
    return {
      inFlight,
      queuedAtSleep,
      sentAsleep,
      notRepolled: inFlight.filter((id) => !repolled.has(id)),
      leaseRightAfterWaking,
      finished,
      counts: engine.getBatch(batchId)?.counts,
      audit: auditLedger(sim.ledger),
      warnings,
    };
  } finally {
    stop = true;
    await ticker;
    await engine.close();
    await sim.close();
  }
}

describe('suspend and resume (a 30-minute clock jump)', () => {
  const dir = tempDir('sm-suspend-');
  afterAll(() => dir.remove());

  it('sends nothing while asleep, re-polls every in-flight item within a minute of waking, pays once', async () => {
    const night = await sleepThroughTheNight(dir.path, { adoptBatches: true, finishWithinMs: 20_000 });
    expect(night.inFlight.length).toBeGreaterThanOrEqual(3);
    expect(night.queuedAtSleep).toBeGreaterThan(0);
    expect(night.sentAsleep).toBe(0);
    expect(night.notRepolled).toEqual([]);
    expect(night.finished, `${JSON.stringify(night.counts)} ${night.warnings.join(' | ')}`).toBe(true);
    expect(night.counts?.done).toBe(10);
    expect(night.audit.duplicateJobs).toBe(0);
    expect(night.audit.succeededNotDownloaded).toEqual([]);
    // The app's engine re-adopts the batch at its next lease tick (see the known bug below). A
    // slow-query line measures this machine's load, not the engine's behaviour: it is left out.
    expect(night.warnings.filter((w) => !/lease lost|^slow query /.test(w))).toEqual([]);
  });

  // KNOWN ENGINE BUG (requests.md, "the engine loses its own lease after a system sleep"): the
  // lease (60 s of clock) has expired when the machine wakes; the renewal timer has not run yet,
  // so the first submit after waking fails its lease check (LeaseLostError, "lease lost to
  // suspend-test": to itself) and the engine stops driving the batch. The app re-adopts it at
  // the next lease tick; the CLI (adoptBatches: false) never does, and `stillmotion run` then
  // waits forever. Nothing is paid twice either way. Marked `fails` until the engine is fixed.
  it('keeps driving its batch after waking, without adopting it again', async () => {
    const night = await sleepThroughTheNight(dir.path, { adoptBatches: false, finishWithinMs: 5_000 });
    expect(night.leaseRightAfterWaking, night.warnings.join(' | ')).toBe(true);
    expect(night.finished, JSON.stringify(night.counts)).toBe(true);
  });
});
