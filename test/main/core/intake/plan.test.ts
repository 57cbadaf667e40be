import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatReason, type Reason } from '@common/reasons';
import { join } from 'node:path';
import { createIntake, previewItem } from '../../../../main/core/intake';
import { createCatalog, SHIPPED_ENTRIES, toModelSpec } from '../../../../main/core/catalog';
import { DEFAULT_SETTINGS } from '../../../../main/core/domain';
import type { BatchSettings, PlannedItem } from '../../../../main/core/domain';
import type { ScanResult } from '../../../../main/core/core-api';
import { batchSettingsSchema, previewItemSchema } from '@common/contract';
import { makeTempDir, writeBmp, writeJpeg, writePng, writeText } from './fixtures';

let base: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: base, cleanup } = await makeTempDir('sm-plan-')));
afterAll(() => cleanup());

const intake = createIntake({ findDone: () => null });
const settings = (over: Partial<BatchSettings> = {}): BatchSettings => ({
  ...DEFAULT_SETTINGS,
  outputDir: '/videos',
  ...over,
});
const byPath = (items: PlannedItem[]) => Object.fromEntries(items.map((i) => [i.relativePath, i]));

let counter = 0;
async function folder(
  files: (root: string) => Promise<unknown>,
): Promise<{ root: string; scan: ScanResult }> {
  const root = join(base, `case-${++counter}`);
  await files(root);
  return { root, scan: await intake.scan([root]) };
}

describe('plan: templates and preview', () => {
  let root: string;
  let scan: ScanResult;
  beforeAll(async () => {
    ({ root, scan } = await folder(async (r) => {
      await writeJpeg(join(r, 'beach', 'boat.jpg'));
      await writeText(join(r, 'beach', 'boat.txt'), 'a red boat');
      await writePng(join(r, 'beach', 'sand.png'));
      await writeJpeg(join(r, 'top.jpg'));
      await writeText(join(r, 'top.txt'), 'the top');
    }));
  });

  it('renders every built-in variable into the prompt and the app settings into the request', () => {
    const plan = intake.plan(
      scan,
      settings({ promptTemplate: '{name}|{folder}|{path}|{index}/{count}|{{literal}}' }),
    );
    expect(plan.problems).toEqual([]);
    expect(plan.items.map((i) => i.renderedPrompt)).toEqual([
      `top|${root.split('/').at(-1)}|top.jpg|1/3|{literal}`,
      'boat|beach|beach/boat.jpg|2/3|{literal}',
      'sand|beach|beach/sand.png|3/3|{literal}',
    ]);
    const boat = byPath(plan.items)['beach/boat.jpg']!;
    expect(boat.request).toEqual({
      prompt: 'boat|beach|beach/boat.jpg|2/3|{literal}',
      start_image_url: `image-ref:${join(root, 'beach', 'boat.jpg')}`,
      duration: 5,
      generate_audio: false,
      cfg_scale: 0.5,
    });
    expect(boat.requestFingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(boat.imageHash).toBe(scan.images.find((i) => i.relativePath === 'beach/boat.jpg')!.sha256);
    expect(boat.outputRelativePath).toBe('beach/boat.mp4');
    expect(boat.verdict).toBeNull();
  });

  it('puts a negative prompt in the request only when there is one', () => {
    const plan = intake.plan(scan, settings({ negativePrompt: 'blurry', promptTemplate: '{name}' }));
    expect(plan.items[0]!.request.negative_prompt).toBe('blurry');
  });

  it('prices each item and the batch, and estimates the batch time from the concurrency', () => {
    const plan = intake.plan(scan, settings({ concurrency: 3 }));
    expect(plan.items.map((i) => i.estimatedCostUsd)).toEqual([0.42, 0.42, 0.42]); // $0.084/s x 5 s
    expect(plan.estimatedCostUsd).toBe(1.26);
    expect(plan.estimatedDurationMs).toBe(90_000); // ~90 s per 5 s of standard, three at once
    const one = intake.plan(scan, settings({ concurrency: 1, generateAudio: true, duration: 10 }));
    expect(one.items[0]!.estimatedCostUsd).toBe(1.26); // $0.126/s with audio x 10 s
    expect(one.estimatedCostUsd).toBe(3.78);
    expect(one.estimatedDurationMs).toBe(3 * 180_000);
    const pro = intake.plan(
      scan,
      settings({ modelId: 'kling/kling-3.0/pro/image-to-video', concurrency: 2 }),
    );
    expect(pro.items[0]!.estimatedCostUsd).toBe(0.56); // $0.112/s x 5 s
    expect(pro.estimatedDurationMs).toBe(270_000); // 3 x 180 s over 2 slots
  });

  it('builds preview rows the contract accepts', () => {
    const plan = intake.plan(scan, settings({ negativePrompt: 'dark' }));
    plan.items.forEach((item, i) => {
      const row = previewItemSchema.parse(
        previewItem(item, i, settings(), createCatalog().get(settings().modelId)),
      );
      expect(row.settings).toEqual({
        duration: 5,
        generateAudio: false,
        cfgScale: 0.5,
        negativePrompt: 'dark',
      });
    });
    expect(() => batchSettingsSchema.parse(settings())).not.toThrow();
  });

  it('turns template errors into batch problems and sends nothing', () => {
    const plan = intake.plan(scan, settings({ promptTemplate: 'A {mod} shot' }));
    expect(plan.problems).toEqual([
      {
        code: 'template_unknown_variable',
        message:
          'The prompt template uses {mod} at character 3, which is not a known variable; available: {name}, ' +
          '{folder}, {path}, {index}, {count}, {caption}, {take}. Write "{{" and "}}" for literal braces',
        file: null,
        row: null,
        field: 'promptTemplate',
      },
    ]);
    expect(plan.toSend).toBe(0);
    expect(plan.rejected).toBe(3);
    expect(plan.estimatedCostUsd).toBe(0);
    expect(plan.items[0]!.verdict).toMatchObject({
      state: 'rejected',
      code: 'template_error',
      message: 'Not sent: the prompt template has an error (see above)',
    });
    const unclosed = intake.plan(scan, settings({ outputNameTemplate: '{name' }));
    expect(unclosed.problems[0]).toMatchObject({
      code: 'template_unclosed_brace',
      field: 'outputNameTemplate',
    });
    expect(unclosed.toSend).toBe(0);
  });

  it('rejects only the image without a caption when the template uses {caption}', () => {
    const plan = intake.plan(scan, settings({ promptTemplate: '{caption}, slow pan' }));
    // Its preview row still shows the batch settings.
    const sand = plan.items.findIndex((i) => i.relativePath === 'beach/sand.png');
    expect(
      previewItemSchema.parse(
        previewItem(plan.items[sand]!, sand, settings(), createCatalog().get(settings().modelId)),
      ).settings.duration,
    ).toBe(5);
    expect(plan.problems).toEqual([]);
    const items = byPath(plan.items);
    expect(items['beach/boat.jpg']!.renderedPrompt).toBe('a red boat, slow pan');
    expect(items['top.jpg']!.verdict).toBeNull();
    expect(items['beach/sand.png']!.verdict).toMatchObject({
      state: 'rejected',
      code: 'prompt_missing_value',
      message:
        '{caption} needs a caption file next to beach/sand.png (beach/sand.txt) and there is none; add it, give a default ({caption|a quiet street}), or remove {caption} from the template',
    });
    expect(plan.toSend).toBe(2);
  });

  it('sends an image without a caption with the default written after "|" instead of refusing it', () => {
    const plan = intake.plan(scan, settings({ promptTemplate: '{caption|a quiet beach}, slow pan' }));
    expect(plan.problems).toEqual([]);
    const items = byPath(plan.items);
    expect(items['beach/sand.png']!.verdict).toBeNull();
    expect(items['beach/sand.png']!.renderedPrompt).toBe('a quiet beach, slow pan');
    expect(items['beach/boat.jpg']!.renderedPrompt).toBe('a red boat, slow pan');
    expect(plan.toSend).toBe(3);
  });

  it('rejects a prompt over 2500 characters after rendering, saying by how much', () => {
    const exact = intake.plan(scan, settings({ promptTemplate: `${'x'.repeat(2495)} {name}` }));
    expect(byPath(exact.items)['beach/boat.jpg']!.verdict).toBeNull(); // 2500 exactly is fine
    const plan = intake.plan(scan, settings({ promptTemplate: `${'x'.repeat(2496)} {name}` }));
    const items = byPath(plan.items);
    expect(items['beach/boat.jpg']!.verdict).toMatchObject({
      state: 'rejected',
      code: 'prompt_too_long',
      message:
        'The prompt for beach/boat.jpg is 2501 characters after filling in the template; Kling 3.0 Standard accepts at most 2500. Shorten the template',
    });
  });

  it('checks the batch settings and names the field', () => {
    const plan = intake.plan(scan, settings({ duration: 20, cfgScale: 1.5 }));
    expect(plan.problems).toEqual([
      {
        code: 'invalid_setting',
        message: 'Duration must be a whole number from 3 to 15 seconds for Kling 3.0 Standard, got 20',
        file: null,
        row: null,
        field: 'duration',
      },
      {
        code: 'invalid_setting',
        message: 'CFG scale must be a number from 0 to 1, got 1.5',
        file: null,
        row: null,
        field: 'cfgScale',
      },
    ]);
    expect(plan.toSend).toBe(0);
  });
});

describe('plan: output names', () => {
  it('renders the output template, mirrors sub-folders and keeps names unique case-insensitively', async () => {
    const { scan } = await folder(async (r) => {
      await writeJpeg(join(r, 'a', 'Photo.jpg'));
      await writePng(join(r, 'a', 'photo.png'));
      await writeJpeg(join(r, 'b', 'photo.jpg'));
      await writeJpeg(join(r, 'con.jpg'));
    });
    const plan = intake.plan(scan, settings());
    expect(plan.items.map((i) => i.outputRelativePath)).toEqual([
      '_con.mp4',
      'a/Photo.mp4',
      'a/photo (2).mp4',
      'b/photo.mp4',
    ]);
    const named = intake.plan(scan, settings({ outputNameTemplate: '{index}-{folder}-{name}' }));
    expect(named.items.map((i) => i.outputRelativePath)).toEqual([
      `1-${scan.roots[0]!.split('/').at(-1)}-con.mp4`,
      'a/2-a-Photo.mp4',
      'a/3-a-photo.mp4',
      'b/4-b-photo.mp4',
    ]);
  });

  it('keeps outputs of two dropped folders with the same names apart', async () => {
    const one = join(base, 'twin-1');
    const two = join(base, 'twin-2');
    await writeJpeg(join(one, 'x.jpg'), 640, 480);
    await writeJpeg(join(two, 'x.jpg'), 641, 480);
    const scan = await intake.scan([one, two]);
    expect(intake.plan(scan, settings()).items.map((i) => i.outputRelativePath)).toEqual([
      'x.mp4',
      'x (2).mp4',
    ]);
  });
});

describe('plan: images that must be fitted or cannot be sent', () => {
  it('notes the resize on the item (data URIs) and refuses what a URL cannot carry', async () => {
    const { scan } = await folder(async (r) => {
      await writeJpeg(join(r, 'big.jpg'), 4000, 3000);
      await writeBmp(join(r, 'very heavy.bmp'), 2000, 1800); // 10.8 MB
      await writeJpeg(join(r, 'fine.jpg'));
    });
    const inline = byPath(intake.plan(scan, settings()).items);
    expect(inline['big.jpg']!.notes.map((note) => formatReason(note as Reason))).toEqual([
      "resized from 4000x3000 to 3840x2880 to fit Kling's 3840 px and 6.0 MiB limits (re-encoded as JPEG when sent)",
    ]);
    expect(inline['big.jpg']!.verdict).toBeNull();
    expect(inline['very heavy.bmp']!.verdict).toBeNull();

    const byUrl = intake.plan(scan, settings({ urlPrefix: 'https://cdn.example.com/set 1' }));
    const items = byPath(byUrl.items);
    expect(items['fine.jpg']!.request.start_image_url).toBe('https://cdn.example.com/set 1/fine.jpg');
    expect(items['fine.jpg']!.requestFingerprint).toBe(inline['fine.jpg']!.requestFingerprint);
    expect(items['big.jpg']!.verdict).toBeNull();
    expect(items['very heavy.bmp']!.verdict).toMatchObject({
      state: 'rejected',
      code: 'too_large_for_url',
      message:
        "too large to send by URL: 10.3 MiB, over Kling's 10 MB limit, and the file at the URL is sent as it is. Shrink it, or clear the URL prefix so the app sends a resized copy",
    });
    const http = intake.plan(scan, settings({ urlPrefix: 'http://cdn.example.com' }));
    expect(http.problems[0]).toMatchObject({ field: 'urlPrefix', code: 'invalid_setting' });
    expect(http.toSend).toBe(0);
  });

  it('encodes URL segments', async () => {
    const { scan } = await folder(async (r) => writeJpeg(join(r, 'día 1', 'a#b.jpg')));
    const plan = intake.plan(scan, settings({ urlPrefix: 'https://cdn.example.com/x/' }));
    expect(plan.items[0]!.request.start_image_url).toBe('https://cdn.example.com/x/d%C3%ADa%201/a%23b.jpg');
  });
});

describe('plan: prompts.csv', () => {
  let scan: ScanResult;
  beforeAll(async () => {
    ({ scan } = await folder(async (r) => {
      for (const name of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']) await writeJpeg(join(r, `${name}.jpg`));
      await writeJpeg(join(r, 'sub', 'deep.jpg'));
      await writeJpeg(join(r, 'x', 'same.jpg'));
      await writeJpeg(join(r, 'y', 'same.jpg'));
      await writeText(
        join(r, 'prompts.csv'),
        [
          'FILE,Mood,duration,generate_audio,cfg_scale,negative_prompt,prompt',
          'a.jpg,calm,,,,,',
          'b.jpg,wild,7,yes,"0,7",blurry,',
          'c.jpg,,20,,,,', // row 4: duration out of range
          'missing.jpg,x,,,,,', // row 5: no such image
          'deep.jpg,deep,,,,,', // matched by name in a sub-folder
          'same.jpg,?,,,,,', // row 7: ambiguous
          'd.jpg,,,maybe,,,', // row 8: bad generate_audio
          'e.jpg,,,,1.5,,', // row 9: bad cfg_scale
          'f.jpg,sunny,,,,,"Whole prompt for {name}, {mood}"',
          'a.jpg,again,,,,,', // row 11: duplicate
          'g.jpg,,,,,,"broken {prompt"', // row 12
          '',
          'h,by stem,,,,,',
        ].join('\r\n'),
      );
    }));
  });

  it('offers the columns as variables (case-insensitive) and lists the problems with file, row and field', () => {
    expect(scan.variables).toEqual([
      'name',
      'folder',
      'path',
      'index',
      'count',
      'caption',
      'take',
      'cfg_scale',
      'duration',
      'file',
      'generate_audio',
      'mood',
      'negative_prompt',
      'prompt',
    ]);
    expect(scan.problems).toEqual([
      {
        code: 'csv_missing_file',
        message:
          '"missing.jpg" matches no image in the dropped folder (prompts.csv, row 5, column file); check the spelling, or remove the row',
        file: 'prompts.csv',
        row: 5,
        field: 'file',
      },
      {
        code: 'csv_ambiguous_file',
        message:
          '"same.jpg" matches more than one image (x/same.jpg, y/same.jpg) (prompts.csv, row 7, column file); write its path, e.g. "x/same.jpg"',
        file: 'prompts.csv',
        row: 7,
        field: 'file',
      },
      {
        code: 'csv_duplicate_row',
        message: '"a.jpg" (prompts.csv, row 11, column file) already has row 2; keep one of the two rows',
        file: 'prompts.csv',
        row: 11,
        field: 'file',
      },
    ]);
  });

  it('applies good rows and rejects only the images whose row has a bad value, in plain words', () => {
    const plan = intake.plan(scan, settings({ promptTemplate: '{name} feels {MOOD}' }));
    const items = byPath(plan.items);
    expect(items['a.jpg']!.renderedPrompt).toBe('a feels calm');
    expect(items['b.jpg']!.request).toMatchObject({
      prompt: 'b feels wild',
      duration: 7,
      generate_audio: true,
      cfg_scale: 0.7,
      negative_prompt: 'blurry',
    });
    expect(items['b.jpg']!.estimatedCostUsd).toBe(0.882); // $0.126/s with audio x 7 s
    expect(items['sub/deep.jpg']!.renderedPrompt).toBe('deep feels deep');
    expect(items['h.jpg']!.renderedPrompt).toBe('h feels by stem');
    expect(items['f.jpg']!.renderedPrompt).toBe('Whole prompt for f, sunny');
    expect(items['c.jpg']!.verdict).toMatchObject({
      state: 'rejected',
      code: 'csv_bad_duration',
      message:
        'Duration must be a whole number from 3 to 15 seconds for Kling 3.0 Standard, got "20" (prompts.csv, row 4, column duration)',
    });
    expect(items['d.jpg']!.verdict!.message).toBe(
      'generate_audio must be yes or no (or true/false, 1/0), got "maybe" (prompts.csv, row 8, column generate_audio)',
    );
    expect(items['e.jpg']!.verdict!.message).toBe(
      'cfg_scale must be a number from 0 to 1, got "1.5" (prompts.csv, row 9, column cfg_scale)',
    );
    expect(items['g.jpg']!.verdict).toMatchObject({
      code: 'csv_prompt_unclosed_brace',
      message:
        'prompts.csv, row 12, column prompt, has a "{" at character 8 that is never closed; close it with "}" or write "{{" for a literal brace',
    });
    // Images with no row cannot fill {mood}: rejected one by one, the rest still go.
    expect(items['x/same.jpg']!.verdict!.message).toBe(
      '{mood} comes from prompts.csv, which has no row for x/same.jpg; add a row for it, or remove the variable from the template',
    );
    expect(plan.toSend).toBe(5); // a, b, deep, f, h
  });

  it('reads semicolon-separated files (Excel in comma-decimal locales) and reports unreadable ones', async () => {
    const { scan: semi } = await folder(async (r) => {
      await writeJpeg(join(r, 'a.jpg'));
      await writeText(join(r, 'prompts.csv'), 'file;mood\na.jpg;still\n');
    });
    expect(semi.images[0]!.csvRow).toEqual({
      file: 'prompts.csv',
      row: 2,
      values: { file: 'a.jpg', mood: 'still' },
    });
    const { scan: broken } = await folder(async (r) => {
      await writeJpeg(join(r, 'a.jpg'));
      await writeText(join(r, 'prompts.csv'), 'file,mood\na.jpg,"unclosed\n');
    });
    expect(broken.problems[0]).toMatchObject({ code: 'csv_unreadable', file: 'prompts.csv' });
    expect(broken.problems[0]!.message).toMatch(
      /^prompts\.csv could not be read as CSV.*Check for an unclosed quote$/,
    );
    const { scan: noFile } = await folder(async (r) => {
      await writeJpeg(join(r, 'a.jpg'));
      await writeText(join(r, 'prompts.csv'), 'image,mood\na.jpg,x\n');
    });
    expect(noFile.problems).toEqual([
      {
        code: 'csv_no_file_column',
        message:
          'prompts.csv has no "file" column; its first row must name the columns, e.g. file,prompt (found: image, mood)',
        file: 'prompts.csv',
        row: 1,
        field: null,
      },
    ]);
  });

  it('with files dropped one by one, a row for a file that exists but was not dropped is no problem', async () => {
    const root = join(base, 'loose-files');
    const a = await writeJpeg(join(root, 'a.jpg'));
    await writeJpeg(join(root, 'b.jpg'));
    await writeText(join(root, 'prompts.csv'), 'file,mood\na.jpg,one\nb.jpg,two\nc.jpg,three\n');
    const scan = await intake.scan([a]);
    expect(scan.images.map((i) => [i.relativePath, i.csvRow?.values.mood])).toEqual([['a.jpg', 'one']]);
    expect(scan.problems).toEqual([
      expect.objectContaining({ code: 'csv_missing_file', row: 4, field: 'file', file: 'prompts.csv' }),
    ]);
  });

  it('uses the nearest prompts.csv for images in sub-folders', async () => {
    const { scan: nested } = await folder(async (r) => {
      await writeJpeg(join(r, 'top.jpg'));
      await writeJpeg(join(r, 'shots', 'a.jpg'));
      await writeText(join(r, 'prompts.csv'), 'file,mood\ntop.jpg,outer\n');
      await writeText(join(r, 'shots', 'prompts.csv'), 'file,mood\na.jpg,inner\n');
    });
    expect(nested.problems).toEqual([]);
    const plan = intake.plan(nested, settings({ promptTemplate: '{mood}' }));
    expect(plan.items.map((i) => [i.relativePath, i.renderedPrompt])).toEqual([
      ['top.jpg', 'outer'],
      ['shots/a.jpg', 'inner'],
    ]);
  });

  it('end_image: pro sends it (and its image is not a video of its own); standard refuses it by name', async () => {
    const { root, scan: frames } = await folder(async (r) => {
      await writeJpeg(join(r, 'start.jpg'), 640, 480);
      await writeJpeg(join(r, 'finish.jpg'), 642, 480);
      await writeText(join(r, 'prompts.csv'), 'file,end_image\nstart.jpg,finish.jpg\n');
    });
    expect(frames.images.map((i) => i.relativePath)).toEqual(['start.jpg']);
    expect(frames.images[0]!.endImage).toMatchObject({
      ok: true,
      sourcePath: join(root, 'finish.jpg'),
      width: 642,
    });
    const pro = intake.plan(frames, settings({ modelId: 'kling/kling-3.0/pro/image-to-video' }));
    expect(pro.items[0]!.request.end_image_url).toBe(`image-ref:${join(root, 'finish.jpg')}`);
    expect(pro.toSend).toBe(1);
    const standard = intake.plan(frames, settings());
    expect(standard.items[0]!.verdict).toMatchObject({
      state: 'rejected',
      code: 'end_image_unsupported',
      message:
        'end_image is not supported by Kling 3.0 Standard (it has no end-frame field); choose a model that has one ' +
        '(Kling 3.0 Pro, Kling 3.0 4K, Kling O1 (first and last frame) and 2 more) or clear the cell (prompts.csv, row 2, column end_image)',
    });
  });
});

describe('plan: already generated and duplicates', () => {
  it('skips an image already generated with the same request, unless forced', async () => {
    const { scan } = await folder(async (r) => {
      await writeJpeg(join(r, 'a.jpg'), 640, 480);
      await writeJpeg(join(r, 'b.jpg'), 650, 480);
    });
    const first = intake.plan(scan, settings());
    const done = first.items[0]!;
    const seen: [string, string][] = [];
    const withHistory = createIntake({
      findDone: (hash, fingerprint) => {
        seen.push([hash, fingerprint]);
        return hash === done.imageHash && fingerprint === done.requestFingerprint
          ? { itemId: 7, outputPath: '/videos/a.mp4', batchId: 3 }
          : null;
      },
    });
    const again = withHistory.plan(scan, settings());
    expect(seen).toContainEqual([done.imageHash, done.requestFingerprint]);
    expect(again.items[0]!.verdict).toMatchObject({
      state: 'skipped',
      code: 'already_generated',
      message: 'already generated: /videos/a.mp4',
      // Which item made the video and in which batch: the window plays it and links to it.
      reason: { code: 'plan_already_generated', params: { path: '/videos/a.mp4', item: 7, batch: 3 } },
    });
    expect(again.items[0]!.estimatedCostUsd).toBe(0);
    expect([again.toSend, again.skipped, again.estimatedCostUsd]).toEqual([1, 1, 0.42]);
    // A different prompt is a different request: not skipped.
    expect(withHistory.plan(scan, settings({ promptTemplate: 'new {name}' })).skipped).toBe(0);
    const forced = withHistory.plan(scan, settings(), { force: true });
    expect([forced.toSend, forced.skipped]).toEqual([2, 0]);
  });

  it('says of a request whose submit answer was lost that it may be paid, and how to send it again', async () => {
    const { scan } = await folder(async (r) => {
      await writeJpeg(join(r, 'a.jpg'), 640, 480);
    });
    const lost = createIntake({
      findDone: () => ({ itemId: 3, outputPath: '/videos/a.mp4', batchId: 4, state: 'unknown_submit' }),
    });
    expect(lost.plan(scan, settings()).items[0]!.verdict).toMatchObject({
      state: 'skipped',
      code: 'already_in_progress',
      message:
        'already sent in batch 4, but its answer was lost: it may be paid already. Check your RunComfy ' +
        'requests; if it is not there, resubmit it from batch 4 (its "Send again" button, or stillmotion resubmit 4)',
    });
  });

  it('generates two copies of the same picture with the same request once', async () => {
    const { scan } = await folder(async (r) => {
      await writeJpeg(join(r, 'one', 'pic.jpg'));
      await writeJpeg(join(r, 'two', 'pic.jpg'));
    });
    const plan = intake.plan(scan, settings({ promptTemplate: 'same prompt' }));
    expect(plan.items[1]!.verdict).toMatchObject({
      state: 'skipped',
      code: 'duplicate_in_batch',
      message:
        'same image and request as one/pic.jpg in this batch; it is generated once (use force to generate both)',
    });
    expect(intake.plan(scan, settings({ promptTemplate: 'same prompt' }), { force: true }).toSend).toBe(2);
    expect(intake.plan(scan, settings({ promptTemplate: '{path}' })).toSend).toBe(2);
  });
});

describe('plan: every request is checked against the model schema', () => {
  it('turns a schema failure into a rejection naming the field and the value', async () => {
    const strict = toModelSpec(
      {
        ...SHIPPED_ENTRIES[0]!,
        displayName: 'Strict Test Model',
        limits: {},
        inputSchema: { type: 'object', properties: { prompt: { type: 'string', maxLength: 10 } } },
      },
      'user',
      null,
    );
    const strictIntake = createIntake({ findDone: () => null, catalog: createCatalog([strict]) });
    const { scan } = await folder(async (r) => writeJpeg(join(r, 'a.jpg')));
    const plan = strictIntake.plan(scan, settings({ promptTemplate: 'far too long a prompt' }));
    expect(plan.items[0]!.verdict).toMatchObject({
      state: 'rejected',
      code: 'invalid_request',
      message:
        'The request for a.jpg does not fit Strict Test Model: prompt must be at most 10 characters, got "far too long a prompt"',
    });
  });
});
