// The update rule on a manual clock: looked for at start and every few hours, and never
// installed while a batch runs, however long the night; asked once the queue has been idle a
// while, installed only if the user agrees and nothing started meanwhile.
import { afterEach, describe, expect, it } from 'vitest';
import {
  createUpdatePolicy,
  type UpdatePolicy,
  type UpdateSource,
} from '../../../../main/core/app/update-policy';
import type { EngineEvent } from '../../../../main/core/domain';
import { manualClock } from '../simulator/helpers';

const HOUR = 60 * 60_000;

/** An updater that finds `version` when asked and finishes its download when `finish()` is called. */
function fakeUpdater(version: string | null) {
  const downloaded = new Set<(version: string) => void>();
  const calls = { checks: 0, installs: 0 };
  let failNext: Error | null = null;
  let failDownload: Error | null = null;
  const source: UpdateSource = {
    check: async () => {
      calls.checks++;
      if (failNext) {
        const error = failNext;
        failNext = null;
        throw error;
      }
      const download = failDownload ? Promise.reject(failDownload) : new Promise(() => {});
      failDownload = null;
      return version ? { version, download } : null;
    },
    onDownloaded: (listener) => {
      downloaded.add(listener);
      return () => downloaded.delete(listener);
    },
    install: () => void calls.installs++,
  };
  return {
    source,
    calls,
    finish: () => downloaded.forEach((listener) => listener(version!)),
    failNextCheck: (error: Error) => (failNext = error),
    failNextDownload: (error: Error) => (failDownload = error),
  };
}

/** The engine as the policy sees it: whether work is pending, and its events. */
function fakeEngine(pending: boolean) {
  const listeners = new Set<(event: EngineEvent) => void>();
  return {
    pending,
    hasPendingWork() {
      return this.pending;
    },
    on(listener: (event: EngineEvent) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    /** A batch starts (true) or ends (false), as the engine reports it. */
    set(pending: boolean) {
      this.pending = pending;
      for (const listener of listeners) listener({ type: 'batch-finished', batchId: 1 } as EngineEvent);
    },
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A policy that looks every hour with an idle queue, and what it logs. */
function hourlyWithLog(source: UpdateSource) {
  const clock = manualClock();
  const logged: string[] = [];
  policy = createUpdatePolicy({
    source,
    engine: fakeEngine(false),
    ask: async () => true,
    clock,
    checkEveryMs: HOUR,
    log: (_level, message) => logged.push(message),
  });
  return { clock, logged, policy };
}

/** A policy over an updater that finds 0.2.0, waiting two idle minutes; records each question. */
function readyToAsk(pending: boolean) {
  const clock = manualClock();
  const updater = fakeUpdater('0.2.0');
  const engine = fakeEngine(pending);
  const asked: string[] = [];
  policy = createUpdatePolicy({
    source: updater.source,
    engine,
    ask: async (version) => (asked.push(version), true),
    clock,
    idleForMs: 2 * 60_000,
  });
  return { clock, updater, engine, asked, policy };
}

let policy: UpdatePolicy | null = null;
afterEach(() => policy?.close());

describe('createUpdatePolicy', () => {
  it('looks at start and then every checkEveryMs of the clock', async () => {
    const clock = manualClock();
    const updater = fakeUpdater(null);
    policy = createUpdatePolicy({
      source: updater.source,
      engine: fakeEngine(false),
      ask: async () => true,
      clock,
      checkEveryMs: 6 * HOUR,
    });
    await settle();
    expect(updater.calls.checks).toBe(1);
    expect(policy.state()).toEqual({ kind: 'none' });
    clock.advance(6 * HOUR - 1);
    await settle();
    expect(updater.calls.checks).toBe(1);
    clock.advance(1);
    await settle();
    expect(updater.calls.checks).toBe(2);
  });

  it('never asks or installs while a batch runs, all night; asks once the queue is idle, then installs', async () => {
    const { clock, updater, engine, asked, policy } = readyToAsk(true);
    await settle();
    expect(policy.state()).toEqual({ kind: 'downloading', version: '0.2.0' });
    updater.finish();
    expect(policy.state()).toEqual({ kind: 'ready', version: '0.2.0' });
    for (let hour = 0; hour < 12; hour++) {
      clock.advance(HOUR);
      await settle();
    }
    expect(asked).toEqual([]);
    expect(updater.calls.installs).toBe(0);

    // The batch ends: the question waits for two idle minutes on the clock.
    engine.set(false);
    clock.advance(2 * 60_000 - 1);
    await settle();
    expect(asked).toEqual([]);
    clock.advance(1);
    await settle();
    expect(asked).toEqual(['0.2.0']);
    expect(updater.calls.installs).toBe(1);
  });

  it('a batch that starts within the idle wait puts the question off again', async () => {
    const { clock, updater, engine, asked } = readyToAsk(false);
    await settle();
    updater.finish();
    clock.advance(60_000);
    engine.set(true);
    clock.advance(10 * 60_000);
    await settle();
    expect(asked).toEqual([]);
    engine.set(false);
    clock.advance(2 * 60_000);
    await settle();
    expect(asked).toEqual(['0.2.0']);
  });

  it('does not install when a batch started while the question was open, nor after a "Later"; asks a version once', async () => {
    const clock = manualClock();
    const updater = fakeUpdater('0.2.0');
    const engine = fakeEngine(false);
    let answer: (yes: boolean) => void = () => {};
    let questions = 0;
    policy = createUpdatePolicy({
      source: updater.source,
      engine,
      ask: () => (questions++, new Promise<boolean>((resolve) => (answer = resolve))),
      clock,
      idleForMs: 0,
    });
    await settle();
    updater.finish();
    await settle();
    expect(questions).toBe(1);
    engine.set(true);
    answer(true);
    await settle();
    expect(updater.calls.installs).toBe(0);
    // Idle again: the same version is not asked about twice (it installs at quit).
    engine.set(false);
    clock.advance(HOUR);
    await settle();
    expect(questions).toBe(1);
    expect(updater.calls.installs).toBe(0);
  });

  it('a failed look is reported in the state and tried again at the next interval', async () => {
    const updater = fakeUpdater(null);
    updater.failNextCheck(new Error('net::ERR_PROXY_CONNECTION_FAILED'));
    const { clock, logged, policy } = hourlyWithLog(updater.source);
    await settle();
    expect(policy.state()).toEqual({ kind: 'failed', message: 'net::ERR_PROXY_CONNECTION_FAILED' });
    expect(logged).toEqual(['update check failed: net::ERR_PROXY_CONNECTION_FAILED']);
    clock.advance(HOUR);
    await settle();
    expect(policy.state()).toEqual({ kind: 'none' });
    expect(await policy.checkNow()).toEqual({ kind: 'none' });
    expect(updater.calls.checks).toBe(3);
  });

  it('a download that fails is said and looked for again at the next check', async () => {
    const updater = fakeUpdater('0.2.0');
    updater.failNextDownload(new Error('sha512 checksum mismatch'));
    const { clock, logged, policy } = hourlyWithLog(updater.source);
    await settle();
    expect(policy.state()).toEqual({ kind: 'failed', message: 'sha512 checksum mismatch' });
    expect(logged).toEqual(['update 0.2.0 could not be downloaded: sha512 checksum mismatch']);
    clock.advance(HOUR);
    await settle();
    expect(policy.state()).toEqual({ kind: 'downloading', version: '0.2.0' });
    expect(updater.calls.installs).toBe(0);
  });
});
