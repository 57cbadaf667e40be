import { describe, expect, it } from 'vitest';
import type { BatchView, StateCounts } from '../../../main/core/domain';
import { ITEM_STATES } from '../../../main/core/domain';
import {
  closeChoice,
  decideClose,
  notificationFor,
  shouldBlockSuspension,
  shouldReloadAfterCrash,
  summarizeProgress,
  trayTooltip,
} from '../../../main/electron/overnight';
import { redactLogData, rotateLogFiles } from '../../../main/core/app/log-file';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../core/app/helpers';

function counts(partial: Partial<StateCounts>): StateCounts {
  return { ...(Object.fromEntries(ITEM_STATES.map((s) => [s, 0])) as StateCounts), ...partial };
}

function batch(partial: Partial<BatchView>): BatchView {
  return {
    id: 1,
    name: 'holiday',
    state: 'running',
    pauseReason: null,
    pauseMessage: null,
    total: 10,
    counts: counts({}),
    ...partial,
  } as BatchView;
}

describe('power', () => {
  it('blocks suspension only while work is pending and the user wants it', () => {
    expect(shouldBlockSuspension({ hasPendingWork: true, keepAwake: true })).toBe(true);
    expect(shouldBlockSuspension({ hasPendingWork: true, keepAwake: false })).toBe(false);
    expect(shouldBlockSuspension({ hasPendingWork: false, keepAwake: true })).toBe(false);
  });
});

describe('notifications', () => {
  const on = { notifications: true };
  it('announces a finished batch with counts and money', () => {
    const event = {
      type: 'batch-finished' as const,
      batchId: 1,
      counts: counts({ done: 98, failed: 1, unknown_submit: 1, skipped: 3 }),
      spentUsd: 41.16,
    };
    expect(notificationFor(event, batch({ total: 103 }), on)).toEqual({
      title: 'Finished: holiday',
      body: '98 of 100 videos done, 2 need attention, 3 already generated; $41.16 spent.',
    });
  });

  it('announces pauses the user must fix, with the engine message', () => {
    const event = {
      type: 'batch' as const,
      batchId: 1,
      state: 'paused' as const,
      pauseReason: 'no_balance' as const,
    };
    const content = notificationFor(
      event,
      batch({ pauseMessage: 'RunComfy says the account has no balance.' }),
      on,
    );
    expect(content?.title).toBe('Paused: holiday');
    expect(content?.body).toBe('RunComfy says the account has no balance.');
    expect(notificationFor(event, batch({}), on)?.body).toBe(
      'Your RunComfy account is out of credit. Top up your RunComfy balance, then resume. Nothing was lost.',
    );
    for (const reason of ['bad_key', 'budget_reached', 'disk_full'] as const)
      expect(notificationFor({ ...event, pauseReason: reason }, batch({}), on)).not.toBeNull();
  });

  it('stays quiet for user pauses, running batches, item events, or when turned off', () => {
    expect(
      notificationFor({ type: 'batch', batchId: 1, state: 'paused', pauseReason: 'user' }, batch({}), on),
    ).toBeNull();
    expect(
      notificationFor({ type: 'batch', batchId: 1, state: 'running', pauseReason: null }, batch({}), on),
    ).toBeNull();
    expect(notificationFor({ type: 'items', batchId: 1, changes: [] }, batch({}), on)).toBeNull();
    const finished = {
      type: 'batch-finished' as const,
      batchId: 1,
      counts: counts({ done: 1 }),
      spentUsd: 1,
    };
    expect(notificationFor(finished, batch({}), { notifications: false })).toBeNull();
    expect(notificationFor(finished, null, on)?.title).toBe('Finished: Batch 1');
  });
});

describe('progress and tray', () => {
  it('sums the active batches', () => {
    const summary = summarizeProgress([
      batch({ total: 10, counts: counts({ done: 4, failed: 1, in_progress: 2, queued: 3 }) }),
      batch({
        id: 2,
        state: 'paused',
        pauseReason: 'user',
        total: 10,
        counts: counts({ done: 5, queued: 5 }),
      }),
      batch({ id: 3, state: 'finished', total: 100, counts: counts({ done: 100 }) }),
    ]);
    expect(summary).toEqual({
      fraction: 0.5,
      mode: 'normal',
      running: 1,
      paused: 1,
      inFlight: 2,
      done: 9,
      failed: 1,
    });
    expect(trayTooltip(summary)).toBe(
      'Stillmotion (50%): 1 running, 1 paused, 2 generating, 9 done, 1 need attention',
    );
  });

  it('shows the bar as an error when everything waits on the user, and removes it when idle', () => {
    const stuck = summarizeProgress([
      batch({ state: 'paused', pauseReason: 'bad_key', counts: counts({ queued: 10 }) }),
    ]);
    expect(stuck.mode).toBe('error');
    expect(summarizeProgress([batch({ state: 'paused', pauseReason: 'user' })]).mode).toBe('paused');
    const idle = summarizeProgress([batch({ state: 'finished' })]);
    expect(idle).toMatchObject({ fraction: null, mode: 'none' });
    expect(trayTooltip(idle)).toBe('Stillmotion: idle');
  });
});

describe('closing and crashes', () => {
  it('asks only when work is pending', () => {
    expect(decideClose({ hasPendingWork: false, quitting: false, keepInTray: false })).toBe('close');
    expect(decideClose({ hasPendingWork: true, quitting: false, keepInTray: false })).toBe('ask');
    expect(decideClose({ hasPendingWork: true, quitting: true, keepInTray: false })).toBe('close');
    expect(decideClose({ hasPendingWork: true, quitting: false, keepInTray: true })).toBe('hide');
    expect([0, 1, 2, -1].map(closeChoice)).toEqual(['tray', 'quit', 'cancel', 'cancel']);
  });

  it('reloads a crashed renderer, but not in a crash loop', () => {
    expect(shouldReloadAfterCrash([], 100_000)).toBe(true);
    expect(shouldReloadAfterCrash([90_000, 95_000], 100_000)).toBe(true);
    expect(shouldReloadAfterCrash([90_000, 95_000, 99_000], 100_000)).toBe(false);
    expect(shouldReloadAfterCrash([10_000, 20_000, 30_000], 100_000)).toBe(true);
  });
});

describe('log helpers', () => {
  it('masks secrets in strings, errors and objects', () => {
    const key = 'rk_live_CANARY_log_99';
    const out = redactLogData(
      [`key ${key}`, new Error(`bad ${key}`), { headers: { Authorization: `Bearer ${key}` } }, 42],
      [key],
    );
    expect(out.join('\n')).not.toContain('CANARY');
    expect(out[0]).toBe('key [redacted]');
    expect(out[3]).toBe('42');
  });

  it('rotates main.log through numbered files, dropping the oldest', () => {
    const dir = tempDir('sm-logs-');
    try {
      const log = join(dir.path, 'main.log');
      for (let i = 1; i <= 7; i++) {
        writeFileSync(log, `run ${i}`);
        rotateLogFiles(log, 3);
      }
      expect(existsSync(log)).toBe(false);
      expect(readFileSync(join(dir.path, 'main.1.log'), 'utf8')).toBe('run 7');
      expect(readFileSync(join(dir.path, 'main.3.log'), 'utf8')).toBe('run 5');
      expect(existsSync(join(dir.path, 'main.4.log'))).toBe(false);
    } finally {
      dir.remove();
    }
  });
});
