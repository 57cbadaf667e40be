import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator } from '../../../../main/core/simulator/index';
import type { SimulatorHandle } from '../../../../main/core/simulator/index';
import { sniffImage } from '../../../../main/core/simulator/field-checks';
import { PNG_1X1, PRO, STANDARD, bmp1x1, call, dataUri, manualClock, submitUrl, validBody } from './helpers';

let sim: SimulatorHandle;
beforeAll(async () => {
  sim = await startSimulator({ clock: manualClock(), seed: 1, maxBodyBytes: 1024 * 1024 });
});
afterAll(() => sim.close());

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);
const WEBP = Buffer.concat([
  Buffer.from('RIFF'),
  Buffer.from([0x1a, 0, 0, 0]),
  Buffer.from('WEBPVP8L'),
  Buffer.alloc(14),
]);
const GIF = Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1');

async function rejects(body: unknown, model = STANDARD) {
  const res = await call(submitUrl(sim.url, model), { body });
  expect(res.status).toBe(422);
  expect(res.body.error_code).toEqual(expect.any(Number));
  expect(typeof res.body.error_message).toBe('string');
  return res.body.detail as { loc: (string | number)[]; msg: string; type: string }[];
}

const locs = (detail: { loc: (string | number)[] }[]) => detail.map((d) => d.loc.join('.'));

describe('submit validation (422 with a detail entry per bad field)', () => {
  const cases: [string, Record<string, unknown>, string, string][] = [
    ['prompt missing', { prompt: undefined }, 'body.prompt', 'missing'],
    ['prompt empty', { prompt: '  ' }, 'body.prompt', 'string_too_short'],
    ['prompt not a string', { prompt: 42 }, 'body.prompt', 'string_type'],
    ['prompt over 2500 chars', { prompt: 'x'.repeat(2501) }, 'body.prompt', 'string_too_long'],
    ['start image missing', { start_image_url: undefined }, 'body.start_image_url', 'missing'],
    [
      'start image over http',
      { start_image_url: 'http://example.com/a.jpg' },
      'body.start_image_url',
      'url_scheme',
    ],
    ['start image not a URL', { start_image_url: 'cat.jpg' }, 'body.start_image_url', 'url_parsing'],
    [
      'start image not an image',
      { start_image_url: dataUri(Buffer.from('hello world, not an image')) },
      'body.start_image_url',
      'value_error',
    ],
    [
      'start image a gif',
      { start_image_url: dataUri(GIF, 'image/gif') },
      'body.start_image_url',
      'value_error',
    ],
    [
      'start image gif bytes labelled png',
      { start_image_url: dataUri(GIF) },
      'body.start_image_url',
      'value_error',
    ],
    [
      'start image bad base64',
      { start_image_url: 'data:image/png;base64,@@@@' },
      'body.start_image_url',
      'value_error',
    ],
    [
      'start image not base64',
      { start_image_url: 'data:image/png,rawbytes' },
      'body.start_image_url',
      'value_error',
    ],
    ['duration too short', { duration: 2 }, 'body.duration', 'greater_than_equal'],
    ['duration too long', { duration: 16 }, 'body.duration', 'less_than_equal'],
    ['duration fractional', { duration: 5.5 }, 'body.duration', 'int_type'],
    ['duration a string', { duration: '5' }, 'body.duration', 'int_type'],
    ['generate_audio a string', { generate_audio: 'yes' }, 'body.generate_audio', 'bool_type'],
    ['negative_prompt a number', { negative_prompt: 1 }, 'body.negative_prompt', 'string_type'],
    ['cfg_scale above 1', { cfg_scale: 1.5 }, 'body.cfg_scale', 'less_than_equal'],
    ['cfg_scale below 0', { cfg_scale: -0.1 }, 'body.cfg_scale', 'greater_than_equal'],
    ['cfg_scale a string', { cfg_scale: '0.5' }, 'body.cfg_scale', 'float_type'],
    ['shot_type other', { shot_type: 'intelligent' }, 'body.shot_type', 'literal_error'],
    ['multi_prompt not a list', { multi_prompt: 'a' }, 'body.multi_prompt', 'list_type'],
    ['multi_prompt empty', { multi_prompt: [] }, 'body.multi_prompt', 'too_short'],
    [
      'multi_prompt 7 segments',
      { duration: 15, multi_prompt: Array.from({ length: 7 }, () => ({ prompt: 'p', duration: 3 })) },
      'body.multi_prompt',
      'too_long',
    ],
    [
      'multi_prompt sum differs',
      {
        duration: 10,
        multi_prompt: [
          { prompt: 'a', duration: 3 },
          { prompt: 'b', duration: 4 },
        ],
      },
      'body.multi_prompt',
      'value_error',
    ],
    [
      'multi_prompt segment too short',
      {
        duration: 5,
        multi_prompt: [
          { prompt: 'a', duration: 2 },
          { prompt: 'b', duration: 3 },
        ],
      },
      'body.multi_prompt.0.duration',
      'greater_than_equal',
    ],
    [
      'multi_prompt segment without prompt',
      { duration: 5, multi_prompt: [{ duration: 5 }] },
      'body.multi_prompt.0.prompt',
      'missing',
    ],
    [
      'end_image_url on standard',
      { end_image_url: 'https://example.com/b.jpg' },
      'body.end_image_url',
      'extra_forbidden',
    ],
    [
      'elements over 3',
      { elements: Array.from({ length: 4 }, () => ({ frontal_image_url: 'https://e.com/a.png' })) },
      'body.elements',
      'too_long',
    ],
    [
      'element image bad',
      { elements: [{ frontal_image_url: 'ftp://x/a.png' }] },
      'body.elements.0.frontal_image_url',
      'url_scheme',
    ],
    [
      'element reference bad',
      {
        elements: [
          { frontal_image_url: 'https://e.com/a.png', reference_image_urls: ['data:image/png;base64,AAAA'] },
        ],
      },
      'body.elements.0.reference_image_urls.0',
      'value_error',
    ],
    [
      'element with 4 reference images',
      {
        elements: [
          {
            frontal_image_url: 'https://e.com/a.png',
            reference_image_urls: Array.from({ length: 4 }, (_, i) => `https://e.com/r${i}.png`),
          },
        ],
      },
      'body.elements.0.reference_image_urls',
      'too_long',
    ],
    [
      'prompt names @Element3 with two elements',
      {
        prompt: '@Element1 and @Element3 at dusk',
        elements: [
          { frontal_image_url: 'https://e.com/a.png' },
          { frontal_image_url: 'https://e.com/b.png' },
        ],
      },
      'body.prompt',
      'value_error',
    ],
    ['prompt names @Element1 with none', { prompt: '@Element1 waves' }, 'body.prompt', 'value_error'],
    [
      'a shot names @Element2 with one element',
      {
        duration: 6,
        prompt: 'two shots',
        multi_prompt: [
          { prompt: '@Element1 walks', duration: 3 },
          { prompt: '@Element2 runs', duration: 3 },
        ],
        elements: [{ frontal_image_url: 'https://e.com/a.png' }],
      },
      'body.multi_prompt.1.prompt',
      'value_error',
    ],
  ];

  it.each(cases)('%s', async (_name, overrides, loc, type) => {
    const body = validBody(overrides);
    for (const [key, value] of Object.entries(overrides)) if (value === undefined) delete body[key];
    const detail = await rejects(body);
    expect(locs(detail)).toEqual([loc]);
    expect(detail[0]?.type).toBe(type);
    expect(detail[0]?.msg.length).toBeGreaterThan(5);
  });

  it('words list and nested required-field problems as FastAPI does, each at its place', async () => {
    const entry = async (overrides: Record<string, unknown>) => {
      const detail = await rejects(validBody(overrides));
      expect(detail).toHaveLength(1);
      return { loc: detail[0]!.loc.join('.'), msg: detail[0]!.msg, type: detail[0]!.type };
    };
    const frontal = { frontal_image_url: 'https://e.com/a.png' };
    expect(await entry({ elements: 'a' })).toEqual({
      loc: 'body.elements',
      msg: 'Input should be a valid list',
      type: 'list_type',
    });
    expect(await entry({ elements: [frontal, frontal, frontal, frontal] })).toEqual({
      loc: 'body.elements',
      msg: 'List should have at most 3 items',
      type: 'too_long',
    });
    expect(await entry({ elements: [{ reference_image_urls: [] }] })).toEqual({
      loc: 'body.elements.0.frontal_image_url',
      msg: 'Field required',
      type: 'missing',
    });
    expect(await entry({ elements: [{ ...frontal, reference_image_urls: 'r.png' }] })).toEqual({
      loc: 'body.elements.0.reference_image_urls',
      msg: 'Input should be a valid list',
      type: 'list_type',
    });
    expect(await entry({ multi_prompt: [] })).toEqual({
      loc: 'body.multi_prompt',
      msg: 'List should have at least 1 item',
      type: 'too_short',
    });
    expect(
      await entry({
        duration: 15,
        multi_prompt: Array.from({ length: 7 }, () => ({ prompt: 'p', duration: 3 })),
      }),
    ).toEqual({ loc: 'body.multi_prompt', msg: 'List should have at most 6 items', type: 'too_long' });
    // A segment without its duration: named, and the sum is not checked on top of it.
    expect(await entry({ duration: 5, multi_prompt: [{ prompt: 'a' }] })).toEqual({
      loc: 'body.multi_prompt.0.duration',
      msg: 'Field required',
      type: 'missing',
    });
    // A segment without its prompt still has its duration counted: a wrong sum is named too.
    const both = await rejects(validBody({ duration: 10, multi_prompt: [{ duration: 5 }] }));
    expect(locs(both)).toEqual(['body.multi_prompt.0.prompt', 'body.multi_prompt']);
  });

  it('names every bad field at once and creates no job', async () => {
    const before = sim.ledger.submits.length;
    const detail = await rejects({ duration: 99, cfg_scale: 3, shot_type: 'x' });
    expect(locs(detail).sort()).toEqual(
      ['body.cfg_scale', 'body.duration', 'body.prompt', 'body.shot_type', 'body.start_image_url'].sort(),
    );
    const record = sim.ledger.submits[before];
    expect(record).toMatchObject({ created: false, httpStatus: 422, requestId: null, duration: 99 });
  });

  it('rejects pro end_image_url together with multi_prompt, and a bad end image', async () => {
    const both = await rejects(
      validBody({ end_image_url: 'https://e.com/b.jpg', multi_prompt: [{ prompt: 'a', duration: 5 }] }),
      PRO,
    );
    expect(locs(both)).toEqual(['body.end_image_url']);
    const bad = await rejects(validBody({ end_image_url: dataUri(Buffer.from('nope')) }), PRO);
    expect(locs(bad)).toEqual(['body.end_image_url']);
  });

  it('rejects bodies that are not a JSON object', async () => {
    expect(locs(await rejects('[1,2]'))).toEqual(['body']);
    const broken = await call(submitUrl(sim.url), { body: '{"prompt": ' });
    expect(broken.status).toBe(422);
    expect(broken.body.detail[0]).toMatchObject({ loc: ['body'], type: 'json_invalid' });
  });

  it('accepts every documented field and format, and ignores unknown fields', async () => {
    const images = [
      dataUri(PNG_1X1),
      dataUri(JPEG, 'image/jpeg'),
      dataUri(JPEG, 'image/jpg'),
      dataUri(WEBP, 'image/webp'),
      dataUri(bmp1x1(), 'image/bmp'),
      'https://cdn.example.com/images/cat.jpg?sig=1',
    ];
    for (const image of images) {
      const res = await call(submitUrl(sim.url), { body: validBody({ start_image_url: image }) });
      expect(res.status, image.slice(0, 30)).toBe(200);
    }
    const full = await call(submitUrl(sim.url, PRO), {
      body: {
        prompt: 'Two shots of @Element1',
        start_image_url: dataUri(PNG_1X1),
        end_image_url: dataUri(JPEG, 'image/jpeg'),
        duration: 15,
        generate_audio: true,
        negative_prompt: 'blur',
        cfg_scale: 0,
        shot_type: 'customize',
        elements: [
          { frontal_image_url: 'https://e.com/f.png', reference_image_urls: [dataUri(PNG_1X1)] },
          { video_url: 'https://e.com/v.mp4' },
        ],
        some_future_field: { anything: true },
      },
    });
    expect(full.status).toBe(200);
    const multi = await call(submitUrl(sim.url), {
      body: validBody({
        duration: 12,
        multi_prompt: [
          { prompt: 'a', duration: 3 },
          { prompt: 'b', duration: 4 },
          { prompt: 'c', duration: 5 },
        ],
      }),
    });
    expect(multi.status).toBe(200);
    // An omitted duration is 10 s, so segments must sum to 10.
    const noDuration = validBody({
      multi_prompt: [
        { prompt: 'a', duration: 5 },
        { prompt: 'b', duration: 5 },
      ],
    });
    delete noDuration.duration;
    expect((await call(submitUrl(sim.url), { body: noDuration })).status).toBe(200);
    // Optional fields sent as null count as absent.
    expect(
      (await call(submitUrl(sim.url), { body: validBody({ negative_prompt: null, cfg_scale: null }) }))
        .status,
    ).toBe(200);
  });

  it('answers 413 for a body over the cap, keeps none of it, creates no job', async () => {
    const before = sim.ledger.submits.length;
    const big = JSON.stringify(validBody({ start_image_url: dataUri(Buffer.alloc(1024 * 1024, 1)) }));
    const res = await call(submitUrl(sim.url), { body: big });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error_code: expect.any(Number) });
    expect(res.body.error_message).toContain(String(1024 * 1024));
    expect(sim.ledger.submits[before]).toMatchObject({ httpStatus: 413, created: false });
  });

  it('enforces the default 64 MiB cap while streaming, even without a Content-Length', async () => {
    const s = await startSimulator({ clock: manualClock(), seed: 1 });
    try {
      // A chunked upload (no Content-Length) of 65 MiB: the cap must be found by counting.
      const chunk = Buffer.alloc(1024 * 1024, 0x61);
      let sent = 0;
      const stream = new ReadableStream<Uint8Array>({
        pull(controller) {
          if (sent++ < 65) controller.enqueue(chunk);
          else controller.close();
        },
      });
      const res = await fetch(submitUrl(s.url), {
        method: 'POST',
        headers: { Authorization: 'Bearer sim-demo-key', 'Content-Type': 'application/json' },
        body: stream,
        duplex: 'half',
      } as RequestInit);
      expect(res.status).toBe(413);
      await res.arrayBuffer();
      expect(s.ledger.submits[0]).toMatchObject({ httpStatus: 413, created: false });
    } finally {
      await s.close();
    }
  });
});

describe('sniffImage', () => {
  it('tells formats by their bytes', () => {
    expect(sniffImage(PNG_1X1)).toBe('png');
    expect(sniffImage(JPEG)).toBe('jpg');
    expect(sniffImage(WEBP)).toBe('webp');
    expect(sniffImage(bmp1x1())).toBe('bmp');
    expect(sniffImage(GIF)).toBe('gif');
    expect(sniffImage(Buffer.from('hello'))).toBe('unknown');
  });
});
