// RunComfy's catalog, live, against the simulator over real HTTP: every image-to-video model with
// its schema and price, entries made from RunComfy's dialect (a model the app does not ship
// included), shipped entries as hints and fallback, user entries winning, and the words for a
// request that breaks the live schema.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunComfyClient } from '../../../../main/core/api/client';
import {
  createCatalog,
  durationRule,
  estimateCostUsd,
  SHIPPED_ENTRIES,
  toModelSpec,
} from '../../../../main/core/catalog';
import { fetchLiveCatalog, liveSpecs, type LiveSnapshot } from '../../../../main/core/catalog/live-catalog';
import { DEMO_API_KEY, startSimulator, type SimulatorHandle } from '../../../../main/core/simulator';
import { UNSHIPPED_MODEL_ID } from '../../../../main/core/simulator/simulated-models';

const STANDARD = 'kling/kling-3.0/standard/image-to-video';
const WAN_26 = 'wan-ai/wan-2-6/image-to-video';
const shipped = new Map(SHIPPED_ENTRIES.map((e) => [e.id, e]));

let sim: SimulatorHandle;
let snapshot: LiveSnapshot;
beforeAll(async () => {
  sim = await startSimulator({ seed: 2 });
  const fetched = await fetchLiveCatalog(
    new RunComfyClient({ baseUrl: sim.url, apiKey: DEMO_API_KEY }),
    1234,
  );
  if (!fetched.ok) throw new Error(fetched.why);
  snapshot = fetched.value;
});
afterAll(() => sim.close());

const specOf = (id: string) => liveSpecs(snapshot, shipped).specs.find((s) => s.id === id)!;

describe('the live catalog', () => {
  it('fetches every image-to-video model with its schema, a page at a time', async () => {
    expect(snapshot.fetchedAt).toBe(1234);
    expect(snapshot.models).toHaveLength(SHIPPED_ENTRIES.length + 1);
    expect(snapshot.models.every((m) => typeof m.input_schema === 'object')).toBe(true);
    const { specs, notes } = liveSpecs(snapshot, shipped);
    expect(notes).toEqual([]);
    expect(specs.every((s) => s.origin === 'runcomfy' && s.fetchedAt === 1234)).toBe(true);
  });

  it('makes an entry for a model the app does not ship, from RunComfy’s dialect alone', () => {
    const drift = specOf(UNSHIPPED_MODEL_ID);
    expect(drift).toMatchObject({
      displayName: 'Lumenfold Drift 1',
      status: 'known',
      roles: { prompt: 'prompt', startImage: 'source_image', duration: 'duration' },
      price: { per: 'second', usd: 0.05 },
      priceSource: 'live',
    });
    expect(drift.inputSchema.required).toEqual(['prompt', 'source_image']);
    expect(durationRule(drift)).toEqual({ field: 'duration', min: 4, max: 8, values: [4, 8], asText: true });
    const info = createCatalog([drift]).info(UNSHIPPED_MODEL_ID);
    expect(info.fields).toEqual([
      expect.objectContaining({
        name: 'motion_strength',
        label: 'Intensidad de movimiento',
        kind: 'number',
        min: 0,
        max: 1,
        integer: false,
        default: 0.6,
      }),
      expect.objectContaining({
        name: 'camera',
        kind: 'select',
        default: null,
        options: ['static', 'orbit', 'push-in'],
      }),
    ]);
    expect(estimateCostUsd(drift, { duration: '8' }, 4)).toBeCloseTo(0.4, 9);
    // Validation before paying speaks the project's words about the live schema.
    expect(
      drift.validateInput({
        prompt: 'x',
        source_image: 'https://a.example/x.png',
        motion_strength: 2,
        camera: 'dolly',
      }),
    ).toEqual([
      'motion_strength must be a number from 0 to 1, got 2',
      'camera must be one of "static", "orbit", "push-in", got "dolly"',
    ]);
  });

  it('keeps the shipped entry’s hints: role names, the audio surcharge, multi-shot, limits', () => {
    const kling = specOf(STANDARD);
    const entry = shipped.get(STANDARD)!;
    expect(kling.roles).toEqual(entry.roles);
    expect(kling.displayName).toBe(entry.displayName);
    expect(kling.limits).toEqual(entry.limits);
    expect(kling.price).toMatchObject({ per: 'second', usd: 0.084, withAudioUsd: 0.126 });
    expect(createCatalog([kling]).info(STANDARD).shots).toEqual({
      minShots: 1,
      maxShots: 6,
      minSeconds: 3,
      maxSeconds: 15,
    });
    // RunComfy's "float" is a number to the form.
    expect(
      createCatalog([kling])
        .info(STANDARD)
        .fields.find((f) => f.name === 'shot_type'),
    ).toBeDefined();
  });

  it('lets Wan 2.6’s duration be set once the catalog describes it', () => {
    expect(shipped.get(WAN_26)!.roles.duration).toBeUndefined();
    const wan = specOf(WAN_26);
    expect(wan.roles.duration).toBe('duration');
    expect(durationRule(wan)).toMatchObject({ values: [5, 10, 15], asText: true });
    expect(wan.status).toBe('known');
  });

  it('lays live entries over the shipped ones; a user entry still wins, a schema that does not compile keeps the shipped one', () => {
    const broken = snapshot.models.map((m) =>
      m.model_id === WAN_26
        ? { ...m, input_schema: { type: 'object', properties: { prompt: { type: 'string', pattern: '(' } } } }
        : m,
    );
    const { specs, notes } = liveSpecs({ ...snapshot, models: broken }, shipped);
    expect(notes).toEqual([
      expect.stringMatching(
        /^Wan 2\.6: RunComfy's description cannot be used \(its input schema does not compile .*\); the built-in entry is used instead$/,
      ),
    ]);
    const user = toModelSpec(
      { ...shipped.get('wan-ai/wan-2-5/image-to-video')!, displayName: 'My Wan' },
      'user',
      '/m/wan.json',
    );
    const catalog = createCatalog([...SHIPPED_ENTRIES.map((e) => toModelSpec(e, 'shipped', null)), user]);
    catalog.useLive(specs, { kind: 'runcomfy', fetchedAt: 1234, why: null });
    expect(catalog.get(WAN_26).origin).toBe('shipped');
    expect(catalog.get('wan-ai/wan-2-5/image-to-video')).toMatchObject({
      origin: 'user',
      displayName: 'My Wan',
    });
    expect(catalog.get(STANDARD).origin).toBe('runcomfy');
    expect(catalog.get(UNSHIPPED_MODEL_ID).origin).toBe('runcomfy');
    expect(catalog.source()).toEqual({ kind: 'runcomfy', fetchedAt: 1234, why: null });
    // The shipped order stays; RunComfy's new models come after it.
    expect(catalog.list().at(-1)!.id).toBe(UNSHIPPED_MODEL_ID);
  });
});
