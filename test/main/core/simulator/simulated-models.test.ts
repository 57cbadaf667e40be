// Every model in the simulator's own table, each with its own field names: a request written
// for one model is refused by another, prices and the catalog endpoint are per model, and a
// test can tell the simulator about a model it does not know yet.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SHIPPED_ENTRIES } from '../../../../main/core/catalog';
import { SIMULATED_MODELS, startSimulator } from '../../../../main/core/simulator/index';
import type { SimulatorHandle } from '../../../../main/core/simulator/index';
import { UNSHIPPED_MODEL_ID } from '../../../../main/core/simulator/simulated-models';
import { PNG_1X1, STANDARD, call, dataUri, manualClock, submitUrl } from './helpers';

const WAN = 'wan-ai/wan-2-5/image-to-video';
const SEEDANCE = 'bytedance/seedance-v1.5-pro/image-to-video';
const image = dataUri(PNG_1X1);

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({
    clock: manualClock(),
    seed: 3,
    extraModels: [
      {
        modelId: 'acme/motion-1/image-to-video',
        displayName: 'Acme Motion 1',
        usdPerSecond: { silent: 0.02, audio: 0.02 },
        priced: 'simulated',
        fields: { prompt: 'text', startImage: 'picture' },
        required: ['text', 'picture'],
        durations: { min: 4, max: 8, values: [4, 8], default: 4 },
      },
    ],
  });
});
afterAll(() => sim.close());

describe('simulated models', () => {
  it("refuses Kling's field names on a Wan model (422 naming Wan's own missing fields)", async () => {
    const res = await call(submitUrl(sim.url, WAN), { body: { prompt: 'a boat', start_image_url: image } });
    expect(res.status).toBe(422);
    expect((res.body.detail as { loc: string[] }[]).map((d) => d.loc.join('.'))).toEqual(['body.img_url']);
    expect(sim.ledger.submits.at(-1)).toMatchObject({ modelId: WAN, created: false });
  });

  it('accepts each model in its own field names, fields it does not list included', async () => {
    const wan = await call(submitUrl(sim.url, WAN), {
      body: { prompt: 'a boat', img_url: image, duration: 10 },
    });
    expect(wan.status).toBe(200);
    const badDuration = await call(submitUrl(sim.url, WAN), {
      body: { prompt: 'a', img_url: image, duration: 7 },
    });
    expect(badDuration.status).toBe(422);
    const seedance = await call(submitUrl(sim.url, SEEDANCE), {
      body: { prompt: 'a boat', first_frame_image_url: image },
    });
    expect(seedance.status).toBe(200);
    const acme = await call(submitUrl(sim.url, 'acme/motion-1/image-to-video'), {
      body: { text: 'a boat', picture: image, brand_new_field: true },
    });
    expect(acme.status).toBe(200);
    const submits = sim.ledger.submits.filter((s) => s.created);
    expect(submits.map((s) => [s.modelId, s.prompt, s.duration])).toEqual([
      [WAN, 'a boat', 10],
      // Without a duration field in the request: the model's own default length.
      [SEEDANCE, 'a boat', 5],
      ['acme/motion-1/image-to-video', 'a boat', 4],
    ]);
  });

  it('answers the catalog endpoint per model, with its own price', async () => {
    const wan = await call(`${sim.url}/v1/models/${WAN}`, { method: 'GET' });
    expect(wan.body).toMatchObject({ model_id: WAN, base_price_usd: 0.05, price_unit: 'second' });
    const kling = await call(`${sim.url}/v1/models/${STANDARD}`, { method: 'GET' });
    expect(kling.body).toMatchObject({ base_price_usd: 0.084 });
    const spaced = await call(`${sim.url}/v1/models/minimax/Hailuo Video 01 Live`, { method: 'GET' });
    expect(spaced.body).toMatchObject({ model_id: 'minimax/Hailuo Video 01 Live' });
  });

  it("agrees with the app's shipped entries on every model and start-image field (two independent tables)", () => {
    for (const entry of SHIPPED_ENTRIES) {
      const simulated = SIMULATED_MODELS.get(entry.id);
      expect(simulated, entry.id).toBeDefined();
      expect([entry.id, simulated!.fields.startImage, simulated!.fields.prompt]).toEqual([
        entry.id,
        entry.roles.startImage,
        entry.roles.prompt,
      ]);
    }
    // Besides the shipped models, one of the simulator's own that only its catalog describes.
    const shipped = new Set(SHIPPED_ENTRIES.map((e) => e.id));
    expect([...SIMULATED_MODELS.keys()].filter((id) => !shipped.has(id))).toEqual([UNSHIPPED_MODEL_ID]);
  });

  it("never imports the app's catalog (its table must stay independent)", () => {
    const dir = join(__dirname, '../../../../main/core/simulator');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts')))
      expect(readFileSync(join(dir, file), 'utf8'), file).not.toMatch(/from '\.\.\/catalog/);
  });
});
