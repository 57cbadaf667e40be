// The simulator records every image it receives, in any field and at any depth, accepted or
// refused: the hostile-folder test compares these hashes with the files outside the dropped
// folder to prove none of them left the machine.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../../../main/core/simulator';
import { bmp1x1, call, dataUri, PNG_1X1, submitUrl, validBody } from './helpers';

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ seed: 1 });
});
afterAll(() => sim.close());

const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

describe('images received', () => {
  it('lists the hash of every data URI in a submit, valid or not', async () => {
    const accepted = await call(submitUrl(sim.url), {
      body: validBody({ prompt: `look: ${dataUri(bmp1x1(), 'image/bmp')}` }),
    });
    expect(accepted.status).toBe(200);
    const refused = await call(submitUrl(sim.url), {
      body: validBody({ duration: 99, extra: { deep: [dataUri(bmp1x1(), 'image/bmp')] } }),
    });
    expect(refused.status).toBe(422);
    const [first, second] = sim.ledger.submits.slice(-2);
    expect(first!.imagesReceived).toEqual([sha(PNG_1X1)]);
    expect(second!.imagesReceived).toEqual([sha(PNG_1X1), sha(bmp1x1())]);
  });
});
