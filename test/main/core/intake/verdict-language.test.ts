// The preview's verdicts in the reader's language: the planner's refusals and skips carry a
// reason (common/reasons.ts) beside their English message, the message is that reason in
// English (one source for the words), and the Chinese sentence is whole: no English template
// left, no `{name}` unfilled, the file and the prompts.csv cell named.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createIntake } from '../../../../main/core/intake';
import { DEFAULT_SETTINGS } from '../../../../main/core/domain';
import type { BatchSettings, PlannedItem } from '../../../../main/core/domain';
import { formatReason } from '@common/reasons';
import { previewItemSchema } from '@common/contract';
import { makeTempDir, writeJpeg, writeText } from './fixtures';

let base: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir: base, cleanup } = await makeTempDir('sm-verdict-language-')));
afterAll(() => cleanup());

const settings = (over: Partial<BatchSettings> = {}): BatchSettings => ({
  ...DEFAULT_SETTINGS,
  outputDir: '/videos',
  ...over,
});
const byPath = (items: PlannedItem[]) => Object.fromEntries(items.map((i) => [i.relativePath, i]));

function zh(item: PlannedItem | undefined): string {
  const verdict = item?.verdict;
  if (!verdict?.reason) throw new Error(`${item?.relativePath}: no reason on ${JSON.stringify(verdict)}`);
  // One source: the English message is the reason rendered in English.
  expect(formatReason(verdict.reason, 'en')).toBe(verdict.message);
  // And the reason crosses the contract to the window (zod would drop a key it does not know).
  expect(previewItemSchema.shape.verdict.parse(verdict)).toEqual(verdict);
  const text = formatReason(verdict.reason, 'zh-CN');
  expect(text).not.toMatch(/\{\w+\}/);
  return text;
}

describe('preview verdicts in Chinese', () => {
  it('a skip: already generated, on its way, answer lost, twice in the batch', async () => {
    const root = join(base, 'skips');
    await writeJpeg(join(root, 'one', 'pic.jpg'));
    await writeJpeg(join(root, 'two', 'pic.jpg'));
    const plan = (state: 'done' | 'queued' | 'in_progress' | 'unknown_submit' | null) =>
      createIntake({
        findDone: () => (state ? { itemId: 1, outputPath: '/videos/pic.mp4', batchId: 4, state } : null),
      });
    const scan = await plan(null).scan([root]);
    const first = (state: Parameters<typeof plan>[0]) =>
      byPath(plan(state).plan(scan, settings({ promptTemplate: 'same' })).items)['one/pic.jpg'];

    expect(zh(first('done'))).toBe('已生成：/videos/pic.mp4');
    expect(zh(first('queued'))).toBe(
      '已在批次 4 中排队（输出到 /videos/pic.mp4）；只生成一次（选择“重新生成”可再次生成）',
    );
    expect(zh(first('in_progress'))).toMatch(/^正在批次 4 中生成（输出到 \/videos\/pic\.mp4）/);
    expect(zh(first('unknown_submit'))).toMatch(/可能已经付费.*批次 4 中重新提交.*stillmotion resubmit 4/);
    const twice = byPath(plan(null).plan(scan, settings({ promptTemplate: 'same' })).items)['two/pic.jpg'];
    expect(zh(twice)).toBe(
      '与本批次中的 one/pic.jpg 图片和请求相同；只生成一次（选择“重新生成”可两者都生成）',
    );
  });

  it('a refusal from prompts.csv names the file, the row and the column in Chinese', async () => {
    const root = join(base, 'csv');
    await writeJpeg(join(root, 'a.jpg'));
    await writeJpeg(join(root, 'b.jpg'));
    await writeJpeg(join(root, 'c.jpg'));
    await writeText(
      join(root, 'prompts.csv'),
      'file,generate_audio,cfg_scale,prompt\n' +
        'a.jpg,maybe,,\n' +
        'b.jpg,,7,\n' +
        `c.jpg,,,${'x'.repeat(2600)}\n`,
    );
    const intake = createIntake({ findDone: () => null });
    const items = byPath(intake.plan(await intake.scan([root]), settings()).items);
    expect(zh(items['a.jpg'])).toBe(
      'generate_audio 必须是 yes 或 no（或 true/false、1/0），实际为“maybe”（prompts.csv，第 2 行，generate_audio 列）',
    );
    expect(zh(items['b.jpg'])).toBe(
      'cfg_scale 必须是 0 到 1 之间的数字，实际为“7”（prompts.csv，第 3 行，cfg_scale 列）',
    );
    expect(zh(items['c.jpg'])).toMatch(
      /^c\.jpg 的提示词在填入模板后有 2600 个字符；Kling .* 最多接受 2500 个。请缩短模板或 prompts\.csv 第 4 行的提示词$/,
    );
  });

  it('a prompts.csv duration or field the model does not take, in both languages', async () => {
    const root = join(base, 'csv-duration');
    await writeJpeg(join(root, 'a.jpg'));
    await writeJpeg(join(root, 'b.jpg'));
    await writeText(
      join(root, 'prompts.csv'),
      'file,duration,negative_prompt\n' + 'a.jpg,7,\n' + 'b.jpg,,no blur\n',
    );
    const intake = createIntake({ findDone: () => null });
    const scan = await intake.scan([root]);
    const wan = byPath(intake.plan(scan, settings({ modelId: 'wan-ai/wan-2-5/image-to-video' })).items);
    expect(wan['a.jpg']!.verdict?.message).toBe(
      'Duration must be 5 or 10 seconds for Wan 2.5, got "7" (prompts.csv, row 2, column duration)',
    );
    expect(zh(wan['a.jpg'])).toBe(
      'Wan 2.5 的时长必须是 5 或 10 秒，实际为“7”（prompts.csv，第 2 行，duration 列）',
    );
    const veo = byPath(
      intake.plan(scan, settings({ modelId: 'google-deepmind/veo-3/image-to-video' })).items,
    );
    expect(veo['b.jpg']!.verdict?.message).toBe(
      'Veo 3 has no negative prompt field; clear the cell or choose another model (prompts.csv, row 3, column negative_prompt)',
    );
    expect(zh(veo['b.jpg'])).toBe(
      'Veo 3 没有反向提示词字段；请清空该单元格或选择其他模型（prompts.csv，第 3 行，negative_prompt 列）',
    );
  });

  it('a dangling @ElementN says which text uses it and what is defined', async () => {
    const root = join(base, 'elements');
    await writeJpeg(join(root, 'a.jpg'));
    const intake = createIntake({ findDone: () => null });
    const plan = intake.plan(
      await intake.scan([root]),
      settings({ promptTemplate: '{name} with @Element2' }),
    );
    expect(plan.items[0]!.verdict?.message).toBe(
      'The prompt template for a.jpg uses @Element2 but no elements are defined; add the element or change the reference',
    );
    expect(zh(plan.items[0])).toBe(
      '提示词模板（a.jpg）使用了 @Element2，但没有定义任何元素；请添加该元素或修改引用',
    );
  });

  it('a broken template: each item points to the problem above, in Chinese', async () => {
    const root = join(base, 'template');
    await writeJpeg(join(root, 'a.jpg'));
    const intake = createIntake({ findDone: () => null });
    const plan = intake.plan(await intake.scan([root]), settings({ promptTemplate: '{nope}' }));
    expect(zh(plan.items[0])).toBe('未发送：提示词模板有错误（见上文）');
  });
});
