import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../main/core/app/errors';
import { createScanRegistry, type ScanProgressEvent } from '../../../../main/core/app/scans';
import type { IntakeApi, ScanProgress, ScanResult } from '../../../../main/core/core-api';

function controllableIntake() {
  let release: (result: ScanResult) => void = () => {};
  let fail: (error: Error) => void = () => {};
  let report: (p: ScanProgress) => void = () => {};
  let plans = 0;
  const intake: IntakeApi = {
    scan: (_paths, onProgress) =>
      new Promise<ScanResult>((resolve, reject) => {
        release = resolve;
        fail = reject;
        report = onProgress ?? (() => {});
      }),
    plan: () => {
      plans++;
      return {
        items: [],
        problems: [],
        toSend: 0,
        rejected: 0,
        skipped: 0,
        perVideoCeilingUsd: null,
        estimatedCostUsd: 0,
        priceUnknown: false,
        estimatedDurationMs: 0,
      };
    },
    checkElementImages: (scan) => Promise.resolve(scan),
  };
  return {
    intake,
    release: (r: ScanResult) => release(r),
    fail: (e: Error) => fail(e),
    report: (p: ScanProgress) => report(p),
    plans: () => plans,
  };
}

const result: ScanResult = {
  roots: ['/in'],
  images: [],
  rejected: [{ path: '/in/x.gif', reason: 'GIF' }],
  variables: ['name'],
  problems: [],
};

describe('scan registry', () => {
  it('throttles progress and always sends the final event', async () => {
    const control = controllableIntake();
    const registry = createScanRegistry({ intake: control.intake, progressIntervalMs: 40 });
    const events: ScanProgressEvent[] = [];
    registry.onProgress((e) => events.push(e));
    const id = registry.start(['/in']);
    for (let i = 1; i <= 500; i++) control.report({ found: i, checked: i - 1, finished: false });
    expect(registry.summary(id)).toMatchObject({ finished: false, found: 500 });
    expect(() => registry.result(id)).toThrow(/still checking/);
    await new Promise((r) => setTimeout(r, 60));
    expect(events.length).toBe(1); // 500 reports in one window: one event
    expect(events[0]).toMatchObject({ scanId: id, found: 500 });
    control.release(result);
    await registry.whenFinished(id);
    expect(events.at(-1)).toEqual({ scanId: id, found: 1, checked: 1, finished: true });
    expect(registry.summary(id)).toMatchObject({
      finished: true,
      found: 1,
      rejected: result.rejected,
      variables: ['name'],
    });
  });

  it('reports a failed scan as a problem and refuses to plan it', async () => {
    const control = controllableIntake();
    const registry = createScanRegistry({ intake: control.intake });
    const id = registry.start(['/gone']);
    control.fail(new Error('EACCES: permission denied, scandir /gone'));
    await registry.whenFinished(id);
    expect(registry.summary(id).problems[0]).toMatchObject({
      code: 'scan_failed',
      message: expect.stringContaining('permission denied'),
    });
    expect(() => registry.plan(id, {} as never, false)).toThrow(AppError);
  });

  it('caches plans per settings until invalidated', async () => {
    const control = controllableIntake();
    const registry = createScanRegistry({ intake: control.intake });
    const id = registry.start(['/in']);
    control.release(result);
    await registry.whenFinished(id);
    const settings = { duration: 5 } as never;
    registry.plan(id, settings, false);
    registry.plan(id, settings, false);
    expect(control.plans()).toBe(1);
    registry.plan(id, settings, true);
    expect(control.plans()).toBe(2);
    registry.invalidatePlans();
    registry.plan(id, settings, true);
    expect(control.plans()).toBe(3);
    registry.freshPlan(id, settings, true);
    expect(control.plans()).toBe(4);
  });

  it('drops the oldest finished scans beyond its capacity', async () => {
    const control = controllableIntake();
    const registry = createScanRegistry({ intake: control.intake, maxScans: 2 });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push(registry.start([`/in${i}`]));
      control.release(result);
      await registry.whenFinished(ids[i]!);
    }
    expect(() => registry.summary(ids[0]!)).toThrow(/No scan with id/);
    expect(registry.summary(ids[2]!).finished).toBe(true);
  });
});
