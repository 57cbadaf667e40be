// A batch the user did not name is named by one rule wherever it is made (the window's Start,
// the CLI's run): its first dropped folder ("+ 1 more" for two) and when it was made, in the
// machine's local time, the clock the user reads it beside.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localParts } from '../../../../main/core/domain';
import { createTestApp, type TestApp } from '../../../harness/test-app';
import { batchSettings, tempDir, value, writeImage } from './helpers';

// Half an hour off UTC, so a UTC stamp never passes for a local one.
const ZONE = 'Asia/Kolkata';

let app: TestApp;
let dir: { path: string; remove(): void };
let shoot: string;
let more: string;

beforeAll(async () => {
  dir = tempDir('sm-names-');
  shoot = join(dir.path, 'shoot');
  more = join(dir.path, 'more');
  await writeImage(join(shoot, 's1.jpg'));
  await writeImage(join(more, 'm1.jpg'), { color: '#993300' });
  app = await createTestApp({ rootDir: dir.path, engine: { timeZone: ZONE } });
});
afterAll(async () => {
  await app?.close();
  dir?.remove();
});

/** The local stamps a name made between `before` and now may carry. */
function stampsSince(before: number): string[] {
  const stamp = (at: number) => {
    const p = localParts(at, ZONE);
    const two = (n: number) => String(n).padStart(2, '0');
    return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}`;
  };
  return [...new Set([stamp(before), stamp(Date.now())])];
}

describe('batch names', () => {
  it('the window names a batch by its folders and the local time it was made', async () => {
    const before = Date.now();
    const { scanId } = await value(app.handlers, 'command:scan.start', { paths: [shoot, more] });
    await app.core.scans.whenFinished(scanId);
    const { batchId } = await value(app.handlers, 'command:batch.create', {
      scanId,
      settings: batchSettings(join(dir.path, 'videos')),
    });
    const name = app.engine.getBatch(batchId)!.name;
    expect(stampsSince(before).map((stamp) => `shoot + 1 more (${stamp})`)).toContain(name);
  });

  it('a batch made without a name elsewhere (the CLI) is named by the same rule', async () => {
    const before = Date.now();
    const intake = app.core.services.intake;
    const scan = await intake.scan([shoot, more]);
    const settings = batchSettings(join(dir.path, 'cli'));
    // Already queued by the first batch: planned again on purpose, as `run --force` does.
    const plan = intake.plan(scan, settings, { force: true });
    const name = app.engine.getBatch(app.engine.createBatch(settings, plan.items))!.name;
    expect(stampsSince(before).map((stamp) => `shoot + 1 more (${stamp})`)).toContain(name);
  });
});
