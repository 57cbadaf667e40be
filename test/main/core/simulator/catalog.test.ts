// The simulator's catalog and account in RunComfy's dialect: the paged list (search, category,
// include_schema), categories, one model's entry (its schema with "float", null defaults, a
// duration as a list of text, required_inputs), the balance, the admin top-up; and a submit to
// the model the app does not ship, checked against that same schema.
import { afterEach, describe, expect, it } from 'vitest';
import { startSimulator, type SimulatorHandle } from '../../../../main/core/simulator';
import { UNSHIPPED_MODEL_ID } from '../../../../main/core/simulator/simulated-models';
import { PNG_1X1, STANDARD, call, dataUri, manualClock, submitUrl } from './helpers';

let sim: SimulatorHandle | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

async function start(apiKeys?: Record<string, number>): Promise<SimulatorHandle> {
  sim = await startSimulator({ clock: manualClock(), seed: 3, ...(apiKeys ? { apiKeys } : {}) });
  return sim;
}

describe('simulator: the catalog', () => {
  it('lists the models a page at a time, with or without their schemas', async () => {
    const s = await start();
    const first = await call(`${s.url}/v1/models?limit=10&offset=0&category=image-to-video`);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ limit: 10, offset: 0 });
    expect(first.body.models).toHaveLength(10);
    expect(first.body.total).toBeGreaterThan(25);
    expect(first.body.models[0]).toMatchObject({ model_id: STANDARD, price_unit: 'second' });
    expect(first.body.models[0].input_schema).toBeUndefined();
    const all = await call(`${s.url}/v1/models?limit=500&include_schema=true`);
    expect(all.body.models).toHaveLength(all.body.total);
    expect(all.body.models.every((m: { input_schema?: unknown }) => m.input_schema)).toBe(true);
    const found = await call(`${s.url}/v1/models?search=drift`);
    expect(found.body.models.map((m: { model_id: string }) => m.model_id)).toEqual([UNSHIPPED_MODEL_ID]);
    expect((await call(`${s.url}/v1/models?category=text-to-image`)).body.models).toEqual([]);
    expect((await call(`${s.url}/v1/models?limit=0`)).status).toBe(422);
    expect((await call(`${s.url}/v1/models/categories`)).body).toEqual({ categories: ['image-to-video'] });
    expect((await call(`${s.url}/v1/models`, { key: 'wrong' })).body.error_code).toBe(400004);
  });

  it('describes its own model in RunComfy’s dialect', async () => {
    const s = await start();
    const { body } = await call(`${s.url}/v1/models/${UNSHIPPED_MODEL_ID}`);
    expect(body).toMatchObject({
      model_id: UNSHIPPED_MODEL_ID,
      categories: ['image-to-video'],
      base_price_usd: 0.05,
      price_unit: 'second',
      required_inputs: ['prompt', 'source_image'],
    });
    const schema = body.input_schema;
    expect(schema.required).toBeUndefined();
    expect(schema.properties.source_image).toMatchObject({ type: 'string', format: 'image_uri' });
    expect(schema.properties.motion_strength).toMatchObject({ type: 'float', minimum: 0, maximum: 1 });
    expect(schema.properties.camera).toMatchObject({ enum: ['static', 'orbit', 'push-in'], default: null });
    expect(schema.properties.duration).toMatchObject({ type: 'string', enum: ['4', '8'], default: '4' });
    // Kling 3.0's number is typed "float" too, and its shots and elements carry their rules.
    const kling = (await call(`${s.url}/v1/models/${STANDARD}`)).body.input_schema;
    expect(kling.properties.cfg_scale.type).toBe('float');
    expect(kling.properties.multi_prompt).toMatchObject({ minItems: 1, maxItems: 6 });
    expect(kling.required).toEqual(['prompt', 'start_image_url']);
  });

  it('accepts a request to that model in its own fields, and refuses one that breaks its schema', async () => {
    const s = await start();
    const good = {
      prompt: 'a boat drifting',
      source_image: dataUri(PNG_1X1),
      duration: '8',
      motion_strength: 0.25,
      camera: 'orbit',
    };
    const accepted = await call(submitUrl(s.url, UNSHIPPED_MODEL_ID), { body: good });
    expect(accepted.status).toBe(200);
    expect(s.ledger.submits.at(-1)).toMatchObject({ duration: 8, created: true });
    const refused = await call(submitUrl(s.url, UNSHIPPED_MODEL_ID), {
      body: { ...good, duration: 8, motion_strength: 2, camera: 'dolly' },
    });
    expect(refused.status).toBe(422);
    expect(refused.body.detail.map((d: { loc: string[] }) => d.loc.join('.'))).toEqual([
      'body.duration',
      'body.motion_strength',
      'body.camera',
    ]);
    const kling = await call(submitUrl(s.url, UNSHIPPED_MODEL_ID), {
      body: { prompt: 'x', start_image_url: dataUri(PNG_1X1) },
    });
    expect(kling.body.detail).toEqual([
      { loc: ['body', 'source_image'], msg: 'Field required', type: 'missing' },
    ]);
  });
});

describe('simulator: the account', () => {
  it('answers the balance, and the admin call tops it up', async () => {
    const s = await start({ 'sim-demo-key': 2.5, other: 1 });
    const balance = await call(`${s.url}/prod/v2/balance`);
    expect(balance.body).toEqual({ balance_usd: 2.5, balance_microdollars: 2_500_000, currency: 'USD' });
    const topped = await call(`${s.url}/_simulator/credit`, { body: { add_usd: 20 }, key: null });
    expect(topped.body).toEqual({ credit_usd: 22.5, balance_usd: 22.5 });
    await call(`${s.url}/_simulator/credit`, { body: { credit_usd: 7, key: 'other' }, key: null });
    expect((await call(`${s.url}/prod/v2/balance`, { key: 'other' })).body.balance_usd).toBe(7);
    expect((await call(`${s.url}/_simulator/credit`, { body: {}, key: null })).status).toBe(422);
    expect((await call(`${s.url}/prod/v2/balance`, { key: 'nope' })).status).toBe(401);
  });
});
