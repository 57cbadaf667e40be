import { afterEach, describe, expect, it } from 'vitest';
import { auditLedger, startSimulator } from '../../../../main/core/simulator/index';
import type { SimulatorHandle } from '../../../../main/core/simulator/index';
import { auth, call, dataUri, manualClock, PNG_1X1, submitUrl, validBody } from './helpers';

let sim: SimulatorHandle | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

describe('auditLedger', () => {
  it('counts duplicate paid generations, unanswered creations, spend, polls and undelivered videos', async () => {
    const clock = manualClock();
    const s = (sim = await startSimulator({
      clock,
      seed: 2,
      generationMs: () => 10_000,
      concurrencyCap: 10,
    }));
    const a = await call(submitUrl(s.url), { body: validBody() });
    // Same image and prompt again: a duplicate, even with another duration.
    const again = await call(submitUrl(s.url), { body: validBody({ duration: 6 }) });
    // Same image, other prompt; same prompt, other image: not duplicates.
    await call(submitUrl(s.url), { body: validBody({ prompt: 'another prompt' }) });
    const otherImage = Buffer.concat([PNG_1X1, Buffer.from('different tail')]);
    await call(submitUrl(s.url), { body: validBody({ start_image_url: dataUri(otherImage) }) });
    // A created job whose answer is lost.
    s.setFaults({ resetAfterBody: 1 }, ['submit']);
    await fetch(submitUrl(s.url), {
      method: 'POST',
      headers: auth(),
      body: JSON.stringify(validBody({ prompt: 'lost answer' })),
    }).catch(() => undefined);
    s.setFaults({});
    // Rejected submits create nothing.
    await call(submitUrl(s.url), { body: validBody({ duration: 40 }) });

    clock.advance(20_000);
    await call(a.body.status_url);
    await call(a.body.result_url);
    // Download one fully and one truncated; the rest never.
    await (await fetch(`${s.url}/outputs/${a.body.request_id}.mp4`)).arrayBuffer();
    s.setFaults({ truncatedDownload: 1 }, ['download']);
    await (await fetch(`${s.url}/outputs/${again.body.request_id}.mp4`)).arrayBuffer().catch(() => undefined);

    const audit = auditLedger(s.ledger);
    expect(audit.submits).toBe(6);
    expect(audit.jobsCreated).toBe(5);
    expect(audit.duplicateJobs).toBe(1);
    expect(audit.duplicates).toEqual([
      expect.objectContaining({
        prompt: validBody().prompt,
        requestIds: [a.body.request_id, again.body.request_id],
      }),
    ]);
    const lost = s.ledger.submits[4]!.requestId!;
    expect(audit.createdUnanswered).toEqual([lost]);
    expect(audit.billedJobs).toBe(5);
    // 5 s + 6 s + 5 s + 5 s + 5 s of standard without audio at $0.084/s.
    expect(audit.spentUsd).toBeCloseTo(0.084 * 26, 9);
    expect(audit.polls).toBe(2);
    expect(audit.pollsPerJob).toBeCloseTo(2 / 5, 9);
    expect(audit.downloads).toBe(2);
    expect(audit.succeededNotDownloaded).toHaveLength(4);
    expect(audit.succeededNotDownloaded).toContain(again.body.request_id);
    expect(audit.succeededNotDownloaded).not.toContain(a.body.request_id);
  });
});
