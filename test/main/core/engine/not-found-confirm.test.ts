// What a 404 proves, the engine's half (the client's is api/submit-and-404-answers.test.ts):
// only RunComfy's 404001, said a few times in a row, expires a paid job. One such answer (a gateway, an API node that has not seen the request
// yet) is asked again; a job the API really forgot still expires.
import { afterEach, describe, expect, it } from 'vitest';
import { harness, type Harness } from './harness';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const unknownRequest = () =>
  Response.json({ error_code: 404001, error_message: 'Request not found' }, { status: 404 });

describe('a 404001 on status', () => {
  it('once: the job is asked again and its video saved', async () => {
    let answers = 1;
    const spy: typeof fetch = async (input, init) => {
      if (answers > 0 && /\/v1\/requests\/[^/]+\/status/.test(String(input))) {
        answers--;
        return unknownRequest();
      }
      return fetch(input, init);
    };
    h = await harness({}, { fetch: spy });
    const { batchId, itemIds } = h.batch(1);
    h.engine.commands.startBatch(batchId);
    const end = await h.engine.waitForItemState(itemIds[0]!, ['done', 'failed', 'expired'], 20_000);
    expect(end.state, end.errorMessage ?? '').toBe('done');
  });

  it('every time: the job expires, saying the API no longer knows it', async () => {
    const spy: typeof fetch = async (input, init) =>
      /\/v1\/requests\/[^/]+\/status/.test(String(input)) ? unknownRequest() : fetch(input, init);
    h = await harness({}, { fetch: spy });
    const { batchId, itemIds } = h.batch(1);
    h.engine.commands.startBatch(batchId);
    const end = await h.engine.waitForItemState(itemIds[0]!, ['done', 'failed', 'expired'], 20_000);
    expect(end).toMatchObject({ state: 'expired', errorCode: '404001' });
    expect(end.errorMessage).toMatch(/no longer knows request/);
    expect(h.sim.ledger.submits).toHaveLength(1);
  });
});
