// Reference elements: per batch or per prompts.csv row, images checked and fitted like start
// images, limits from the model's catalog entry, every @ElementN naming an element that exists.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createIntake, materializeRequest } from '../../../../main/core/intake';
import { DEFAULT_SETTINGS } from '../../../../main/core/domain';
import type { BatchSettings } from '../../../../main/core/domain';
import type { ScanResult } from '../../../../main/core/core-api';
import { createCatalog } from '../../../../main/core/catalog/catalog';
import { elementReferences, parseElementsCell } from '../../../../main/core/intake/elements';
import { previewItem } from '../../../../main/core/intake/plan';
import { previewItemSchema } from '@common/contract';
import { makeTempDir, writeJpeg, writeNoisePng } from './fixtures';

let root: string;
let lib: string;
let cleanup: () => Promise<void>;
let scan: ScanResult;
const intake = createIntake({ findDone: () => null });
const catalog = createCatalog();
const pro = catalog.get('kling/kling-3.0/pro/image-to-video');
const settings = (over: Partial<BatchSettings> = {}): BatchSettings => ({
  ...DEFAULT_SETTINGS,
  modelId: pro.id,
  outputDir: '/videos',
  promptTemplate: '@Element1 walks past @Element2 in {name}',
  ...over,
});
const two = () => [
  { frontal: join(lib, 'cat.png'), references: [join(lib, 'cat-side.png')] },
  { frontal: join(lib, 'dog.png'), references: [] },
];

beforeAll(async () => {
  let dir: string;
  ({ dir, cleanup } = await makeTempDir('sm-elements-'));
  root = join(dir, 'shots');
  lib = join(dir, 'library');
  await writeJpeg(join(root, 'street.jpg'), 640, 480);
  await writeJpeg(join(root, 'park.jpg'), 600, 480);
  await writeNoisePng(join(lib, 'cat.png'), 400, 400);
  await writeNoisePng(join(lib, 'cat-side.png'), 420, 400);
  await writeNoisePng(join(lib, 'dog.png'), 1200, 300); // 4:1, outside 2.5:1
  await writeFile(join(lib, 'notes.jpg'), 'not a picture');
  await writeNoisePng(join(root, 'refs', 'owl.png'), 500, 500);
  await writeFile(
    join(root, 'prompts.csv'),
    'file,elements,prompt\npark.jpg,"refs/owl.png",@Element1 sits in {name}\n',
  );
  scan = await intake.scan([root]);
});
afterAll(() => cleanup());

const plan = async (over: Partial<BatchSettings>) => {
  const s = settings(over);
  const checked = await intake.checkElementImages(scan, s.elements);
  return intake.plan(checked, s);
};
const item = (p: ReturnType<typeof intake.plan>, name: string) =>
  p.items.find((i) => i.relativePath === name)!;

describe('the elements syntax', () => {
  it('reads @ElementN references and prompts.csv cells', () => {
    expect(elementReferences('@Element2 meets @element1 and @Element2')).toEqual([1, 2]);
    expect(parseElementsCell('cat.jpg, side.jpg; dog.jpg', '')).toEqual([
      { frontal: 'cat.jpg', references: ['side.jpg'] },
      { frontal: 'dog.jpg', references: [] },
    ]);
    expect(() => parseElementsCell('cat.jpg,,side.jpg', '(prompts.csv, row 2, column elements)')).toThrow(
      /element 1 in "cat\.jpg,,side\.jpg" has an empty file name \(prompts\.csv, row 2, column elements\)/,
    );
  });
});

describe('batch elements', () => {
  it('go into the request in the model field names, fitted, and into the fingerprint', async () => {
    const p = await plan({ elements: two() });
    const street = item(p, 'street.jpg');
    expect(street.verdict).toBeNull();
    const elements = street.request.elements as {
      frontal_image_url: string;
      reference_image_urls?: string[];
    }[];
    expect(elements).toEqual([
      {
        frontal_image_url: `image-ref:${join(lib, 'cat.png')}`,
        reference_image_urls: [`image-ref:${join(lib, 'cat-side.png')}`],
      },
      // 4:1 is outside Kling's range: centre-cropped like a start image would be.
      { frontal_image_url: `image-ref:fit:crop:750x300:${join(lib, 'dog.png')}` },
    ]);
    expect(street.notes.join(' ')).toMatch(/@Element2 frontal image dog\.png: centre-cropped from 1200x300/);
    const without = await plan({ elements: two().slice(0, 1), promptTemplate: '@Element1 in {name}' });
    expect(item(without, 'street.jpg').requestFingerprint).not.toBe(street.requestFingerprint);

    const sent = await materializeRequest(street.request, {
      imageHash: street.imageHash,
      requestFingerprint: street.requestFingerprint,
      modelId: pro.id,
    });
    expect((sent.elements as { frontal_image_url: string }[])[1]!.frontal_image_url).toMatch(
      /^data:image\/jpeg;base64,/,
    );
    expect(pro.validateInput(sent)).toEqual([]);
  });

  it('the preview says which elements each prompt uses', async () => {
    const p = await plan({ elements: two() });
    const view = previewItem(item(p, 'street.jpg'), 0, settings(), pro);
    expect(view.elementsUsed).toEqual([1, 2]);
    expect(previewItemSchema.parse(view).elementsUsed).toEqual([1, 2]);
  });

  it('@Element3 with two defined is refused naming the template and what exists', async () => {
    const p = await plan({ elements: two(), promptTemplate: '@Element3 in {name}' });
    expect(item(p, 'street.jpg').verdict).toMatchObject({
      state: 'rejected',
      code: 'element_reference_unknown',
    });
    expect(item(p, 'street.jpg').verdict!.message).toBe(
      'The prompt template for street.jpg uses @Element3 but only @Element1 to @Element2 are defined; add the ' +
        'element or change the reference',
    );
  });

  it('refuses elements for a model without the field, over its limit, or with an unusable image', async () => {
    const wan = await plan({ elements: two(), modelId: 'wan-ai/wan-2-6/image-to-video' });
    expect(wan.problems.map((x) => [x.field, x.message])).toContainEqual([
      'elements',
      expect.stringMatching(/has no reference-elements field in its catalog entry/),
    ]);
    const four = await plan({ elements: [...two(), ...two()] });
    expect(four.problems.map((x) => x.message)).toContainEqual(
      '4 reference elements; Kling 3.0 Pro takes at most 3: remove 1',
    );
    const bad = await plan({
      elements: [{ frontal: join(lib, 'notes.jpg'), references: [] }],
      promptTemplate: '{name}',
    });
    expect(item(bad, 'street.jpg').verdict).toMatchObject({ code: 'element_image_unusable' });
    expect(item(bad, 'street.jpg').verdict!.message).toMatch(
      /@Element1 frontal image notes\.jpg \(.*notes\.jpg\): not an image/,
    );
    const refused = await plan({ elements: two(), fit: 'refuse' });
    expect(item(refused, 'street.jpg').verdict).toMatchObject({ code: 'bad_aspect_ratio' });
    expect(item(refused, 'street.jpg').verdict!.message).toMatch(
      /^@Element2 frontal image dog\.png: .*4\.00:1/,
    );
  });
});

describe('prompts.csv elements column', () => {
  it("names the row's own elements, relative to the prompts.csv folder, instead of the batch's", async () => {
    const p = await plan({ elements: two() });
    expect(item(p, 'park.jpg').verdict).toBeNull();
    expect(item(p, 'park.jpg').request.elements).toEqual([
      { frontal_image_url: `image-ref:${join(root, 'refs', 'owl.png')}` },
    ]);
    expect(item(p, 'park.jpg').renderedPrompt).toBe('@Element1 sits in park');
    // Like an end_image, an image a row names as an element is not a start image of its own.
    expect(p.items.map((i) => i.relativePath).sort()).toEqual(['park.jpg', 'street.jpg']);
  });
});
