// A video whose price is not known is estimated at $0, so no cap could ever stop it: under a
// daily cap or a batch budget it is not sent at all (the batch pauses and says why), unless the
// user accepted a ceiling per video, which is then what each video counts for.
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BatchSettings, PlannedItem } from '../../../../main/core/domain';
import { requestFingerprint } from '../../../../main/core/intake/requests';
import { harness, type Harness } from './harness';
import { makeImages, settingsFor } from './helpers';

const WAN_26 = 'wan-ai/wan-2-6/image-to-video';

let h: Harness;
afterEach(async () => {
  await h?.close();
});

const charged = () => h.sim.ledger.charges.reduce((sum, c) => sum + c.usd, 0);

/** A Wan 2.6 batch (its price unknown to the app) as the intake plans it: each video at `estimate`. */
function wanBatch(count: number, estimate: number, overrides: Partial<BatchSettings> = {}): number {
  const settings = settingsFor(h.outputDir, {
    modelId: WAN_26,
    duration: 5,
    generateAudio: false,
    ...overrides,
  });
  const images = makeImages(join(h.dir, `wan-${Math.random().toString(36).slice(2, 8)}`), count);
  const items: PlannedItem[] = images.map((image) => {
    const name = image.relativePath.replace(/\.[^.]+$/, '');
    const request = { prompt: `A slow dolly shot of ${name}`, img_url: `image-ref:${image.path}` };
    return {
      sourcePath: image.path,
      rootPath: image.path.slice(0, image.path.length - image.relativePath.length - 1),
      relativePath: image.relativePath,
      imageHash: image.hash,
      renderedPrompt: request.prompt,
      request,
      requestFingerprint: requestFingerprint(WAN_26, request, { [image.path]: image.hash }),
      estimatedCostUsd: estimate,
      outputRelativePath: `${name}.mp4`,
      notes: [],
      verdict: null,
    };
  });
  return h.engine.createBatch(settings, items, 'wan batch');
}

describe('engine: a video of unknown price under a cap', () => {
  it('is not sent under the daily cap; the pause names the model and what to do', async () => {
    h = await harness({}, { dayStart: () => 0 });
    h.engine.commands.setDailyCap(0.05);
    const batchId = wanBatch(5, 0);
    h.engine.commands.startBatch(batchId);
    await h.engine.idle();
    // Before: every video went out at "$0" and $1.50 was charged under a $0.05 cap.
    expect(h.sim.ledger.submits).toEqual([]);
    expect(charged()).toBe(0);
    const batch = h.engine.getBatch(batchId)!;
    expect(batch).toMatchObject({ state: 'paused', pauseReason: 'daily_cap_reached' });
    expect(batch.pauseDetail?.code).toBe('price_unknown_daily_cap');
    expect(batch.pauseMessage).toMatch(/price of Wan 2\.6 is unknown, so the daily spending cap of \$0\.05/);
    expect(batch.pauseMessage).toMatch(/--max-per-video/);

    // The backstop does not "resume" it into the same pause; removing the cap lets it run.
    h.engine.wake();
    await h.engine.idle();
    expect(h.engine.getBatch(batchId)!.state).toBe('paused');
    h.engine.commands.setDailyCap(null);
    await h.engine.idle();
    expect(h.engine.getBatch(batchId)!.counts.done).toBe(5);
  });

  it('is not sent under a batch budget either', async () => {
    h = await harness({}, { dayStart: () => 0 });
    const batchId = wanBatch(3, 0, { budgetUsd: 10 });
    h.engine.commands.startBatch(batchId);
    await h.engine.idle();
    expect(h.sim.ledger.submits).toEqual([]);
    const batch = h.engine.getBatch(batchId)!;
    expect(batch).toMatchObject({ state: 'paused', pauseReason: 'budget_reached' });
    expect(batch.pauseDetail?.code).toBe('price_unknown_budget');
    expect(batch.pauseMessage).toMatch(
      /price of Wan 2\.6 is unknown, so the budget of \$10\.00 cannot be kept/,
    );
  });

  it('with a ceiling per video, each counts at the ceiling and the cap holds', async () => {
    h = await harness({}, { dayStart: () => 0 });
    // The simulator charges Wan 2.6 $0.06/s: $0.30 a 5 s video. Each counts at $0.35 until its
    // cost is known: the second goes out at $0.30 + $0.35, a third would make $0.60 + $0.35.
    h.engine.commands.setDailyCap(0.8);
    const batchId = wanBatch(5, 0.35, { concurrency: 1, perVideoCeilingUsd: 0.35 });
    h.engine.commands.startBatch(batchId);
    await h.engine.idle();
    expect(charged()).toBeLessThanOrEqual(0.8 + 1e-9);
    expect(h.sim.ledger.submits.length).toBe(2);
    expect(h.engine.getBatch(batchId)!).toMatchObject({ state: 'paused', pauseReason: 'daily_cap_reached' });
    expect(h.engine.getBatch(batchId)!.pauseDetail?.code).toBe('daily_cap_reached');
  });
});
