// A folder of hostile inputs, as a client or a downloaded pack could hand it over: prompts.csv
// cells naming files outside it (absolute, ../, a network share, a drive, a device path, a link
// out), captions that look like the app's image placeholders or weigh gigabytes, a prompts.csv
// shaped to cost columns x rows, links out of the folder, names that are markup. Added in the
// browser and run to the end against the simulator, which records every image it receives: no
// image outside the folder is ever sent (compared by hash), the page keeps answering, and every
// refusal is said in words (English, then Chinese).
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  openSync,
  closeSync,
  ftruncateSync,
  readFileSync,
  readdirSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSession, invoke, openSession, screenshot, type Session, openSections } from './helpers';

const PRO = 'kling/kling-3.0/pro/image-to-video';
const ZH_CHOOSE = '选择文件夹或图片…';

// Callbacks passed to page.evaluate run in the page; the node project has no DOM lib.
declare const document: { querySelector(selector: string): { disabled?: boolean } | null };
let session: Session;
let page: Page;
let errors: string[];
let outside: { passport: string; caption: string };

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

async function image(path: string, shade: number, png = false): Promise<string> {
  mkdirSync(join(path, '..'), { recursive: true });
  const picture = sharp({
    create: { width: 480, height: 360, channels: 3, background: { r: shade, g: 255 - shade, b: 90 } },
  });
  await (png ? picture.png() : picture.jpeg({ quality: 80 })).toFile(path);
  return path;
}

/** The hostile folder (session.inputDir) and, beside it, what must never leave the machine. */
async function prepare(s: Session): Promise<void> {
  const away = join(s.rootDir, 'private');
  outside = { passport: await image(join(away, 'passport.png'), 7, true), caption: join(away, 'diary.txt') };
  writeFileSync(outside.caption, 'my private diary');
  const drop = s.inputDir;
  for (const [name, shade] of [
    ['ok.jpg', 20],
    ['abs.jpg', 40],
    ['climb.jpg', 60],
    ['unc.jpg', 80],
    ['drive.jpg', 100],
    ['device.jpg', 120],
    ['linked-element.jpg', 140],
    ['end-outside.jpg', 160],
    ['placeholder.jpg', 180],
    ['huge-caption.jpg', 200],
    ['linked-caption.jpg', 220],
    ['@everyone <!channel>/markup.jpg', 240],
  ] as const)
    await image(join(drop, name), shade);
  await image(join(drop, 'refs', 'owl.png'), 250, true);
  // Links out of the folder: an image, an element image, a caption.
  symlinkSync(outside.passport, join(drop, 'linked.png'));
  symlinkSync(outside.passport, join(drop, 'refs', 'out.png'));
  symlinkSync(outside.caption, join(drop, 'linked-caption.txt'));
  writeFileSync(join(drop, 'placeholder.txt'), `image-ref:${outside.passport}`);
  // 3 GiB and sparse: read whole, it would not even fit in memory.
  const fd = openSync(join(drop, 'huge-caption.txt'), 'w');
  ftruncateSync(fd, 3 * 1024 ** 3);
  closeSync(fd);
  writeFileSync(
    join(drop, 'prompts.csv'),
    [
      'file,elements,end_image',
      'ok.jpg,refs/owl.png,',
      `abs.jpg,${outside.passport},`,
      'climb.jpg,../private/passport.png,',
      'unc.jpg,\\\\attacker.example\\share\\x.png,',
      'drive.jpg,C:\\Users\\you\\passport.png,',
      'device.jpg,\\\\?\\C:\\passport.png,',
      'linked-element.jpg,refs/out.png,',
      `end-outside.jpg,,${outside.passport}`,
      `${outside.passport},,`,
    ].join('\n'),
  );
  // Cost columns x rows: 40,000 columns over 40,000 short rows.
  const names = Array.from({ length: 40_000 }, (_, i) => i.toString(36));
  mkdirSync(join(drop, 'wide'), { recursive: true });
  writeFileSync(join(drop, 'wide', 'prompts.csv'), `file,${names.join(',')}\n${'x\n'.repeat(40_000)}`);
  await image(join(drop, 'wide', 'w.jpg'), 30);
}

beforeAll(async () => {
  ({ session, page, errors } = await openSession(
    'hostile',
    // The caption is the prompt, so a placeholder-looking caption (and a linked one) would be sent.
    { settings: { notifications: false, defaults: { modelId: PRO, promptTemplate: '{caption|plain}' } } },
    prepare,
  ));
});
afterAll(() => closeSession({ session, page }));

describe('a folder of hostile inputs', () => {
  it(
    'is refused where it reaches out, in words, and nothing outside it is sent',
    { timeout: 180_000 },
    async () => {
      await page.getByRole('button', { name: 'Choose folders or images…' }).click();
      const summary = page.getByTestId('scan-summary');
      await summary.waitFor({ timeout: 60_000 });
      const problems = await summary.locator('.problem-list').innerText();
      expect(problems).toContain(
        'wide/prompts.csv has 40001 columns; prompts.csv files with up to 200 columns are read',
      );
      expect(problems).toContain(
        'huge-caption.txt is 3221225472 bytes; a caption file is read up to 1 MiB. Shorten it',
      );
      expect(problems).toContain(
        `The file cell "${outside.passport}" (prompts.csv, row 10, column file) is an absolute path`,
      );
      await page.getByText(/Show which files cannot be used/).click();
      const rejected = await summary.locator('.rejections').innerText();
      expect(rejected).toMatch(/linked\.png — symbolic link to .*passport\.png, outside the dropped folder/);
      expect(rejected).toMatch(
        /linked-caption\.txt — symbolic link to .*diary\.txt, outside the dropped folder/,
      );

      const preview = page.getByTestId('preview');
      await preview.getByText('ok.jpg').first().waitFor();
      const refusal = (name: string) => preview.locator('.preview-item', { hasText: name }).innerText();
      for (const [name, how] of [
        ['abs.jpg', 'is an absolute path'],
        ['climb.jpg', 'climbs out of the folder with ".."'],
        ['unc.jpg', 'names a network location'],
        ['drive.jpg', 'names a drive (C:)'],
        ['device.jpg', 'is a Windows device path'],
        ['linked-element.jpg', 'leads out of the folder through a symbolic link'],
        ['end-outside.jpg', 'is an absolute path'],
      ] as const) {
        const text = await refusal(name);
        expect(text, name).toContain(how);
        expect(text, name).toContain(
          `Stillmotion opens only files inside the dropped folder ${session.inputDir}`,
        );
      }
      // A caption that looks like a placeholder is a prompt like any other.
      expect(await refusal('placeholder.jpg')).toContain(`image-ref:${outside.passport}`);
      expect(await refusal('placeholder.jpg')).not.toMatch(/will not be sent/i);
      await screenshot(page, 'hostile-folder-preview');

      await openSections(page, 'Output');
      await page.getByRole('button', { name: 'Choose…' }).click();
      await expect.poll(() => page.getByTestId('output-dir').inputValue()).toBe(session.outputDir);
      await page.waitForFunction(
        () => document.querySelector('[data-testid=start-button]')?.disabled === false,
      );
      await page.getByTestId('start-button').click();
      await page.waitForURL(/#\/batch\/\d+$/);
      await session.harness.engine.idle(120_000);
      await page.getByTestId('batch-state').filter({ hasText: 'Finished' }).waitFor({ timeout: 30_000 });

      // What the simulator received: the folder's own images, and nothing from outside it.
      const received = new Set(session.harness.simulator.ledger.submits.flatMap((s) => s.imagesReceived));
      expect(received.has(sha(join(session.inputDir, 'ok.jpg')))).toBe(true);
      expect(received.has(sha(join(session.inputDir, 'refs', 'owl.png')))).toBe(true);
      expect(received.has(sha(join(session.inputDir, 'placeholder.jpg')))).toBe(true);
      expect(received.has(sha(outside.passport))).toBe(false);
      const prompts = session.harness.simulator.ledger.submits.map((s) => s.prompt ?? '');
      expect(prompts.some((p) => p.includes('private diary'))).toBe(false);
      expect(prompts).toContain(`image-ref:${outside.passport}`);
      // Every video inside the output folder, the markup folder's name made safe.
      const videos = readdirSync(session.outputDir, { recursive: true, encoding: 'utf8' }).filter((f) =>
        f.endsWith('.mp4'),
      );
      expect(videos.length).toBeGreaterThanOrEqual(4);
      expect(videos.some((v) => v.includes('markup'))).toBe(true);
      await screenshot(page, 'hostile-folder-batch');
      expect(errors).toEqual([]);
    },
  );

  it('says the refusals in Chinese too', { timeout: 60_000 }, async () => {
    await invoke(session, 'command:settings.update', { language: 'zh-CN' });
    // The page renders each reason in the reader's language: open it again, now in Chinese.
    await page.goto(`${session.harness.url}/#/new`);
    await page.reload();
    await page.getByRole('button', { name: ZH_CHOOSE }).click();
    const item = page.getByTestId('preview').locator('.preview-item', { hasText: 'abs.jpg' });
    await item.waitFor({ timeout: 30_000 });
    expect(await item.innerText()).toContain('不会发送');
    expect(await item.innerText()).toContain('是绝对路径；Stillmotion 只打开拖入的文件夹');
    await screenshot(page, 'hostile-folder-preview-zh');
    expect(errors).toEqual([]);
  });
});
