// Creative controls in the browser: takes per image (the preview marks each take, the start
// button counts every take, the batch list shows each take's own video name) and end frames
// paired by name (the scan summary lists the pairs; loop only where the model has an end
// frame, and why not elsewhere). Screenshots in en and zh-CN.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeSession,
  openApp,
  openSession,
  screenshot,
  SCREENSHOT_DIR,
  type Session,
  startSession,
  writeImages,
  openSections,
  summaryStat,
} from './helpers';

let session: Session;
let page: Page;
let errors: string[];

beforeAll(async () => {
  ({ session, page, errors } = await openSession(
    'creative',
    { settings: { simulated: true, notifications: false } },
    async (s) => void (await writeImages(s.inputDir, 2)),
  ));
});

afterAll(() => closeSession({ session, page }));

describe('takes per image', () => {
  it(
    '3 takes of 2 images: 6 videos previewed, started and listed by their own names',
    { timeout: 90_000 },
    async () => {
      await page.getByRole('button', { name: 'Choose folders or images…' }).click();
      await page.getByTestId('scan-summary').waitFor();
      await openSections(page);
      await page.getByRole('button', { name: 'Choose…' }).click();
      await expect.poll(() => page.getByTestId('output-dir').inputValue()).toBe(session.outputDir);
      const takes = page.getByTestId('takes');
      await takes.fill('11');
      await page.getByText('Takes per image must be a whole number from 1 to 10.').waitFor();
      await takes.fill('3');
      await page.getByTestId('start-button').filter({ hasText: 'Start 6 videos' }).waitFor();
      await page.locator('.take-badge', { hasText: 'take 3' }).first().waitFor();
      expect(await page.locator('.preview-item .mono').allInnerTexts()).toContain('→ shot-1-take2.mp4');
      await screenshot(page, 'creative-takes-preview');

      await page.getByTestId('start-button').click();
      await page.waitForURL(/#\/batch\/\d+$/);
      await expect.poll(() => page.locator('[data-testid=item-row]').count(), { timeout: 10_000 }).toBe(6);
      await page.locator('[data-testid=item-row]', { hasText: '→ shot-2-take3.mp4' }).waitFor();
      await screenshot(page, 'creative-takes-list');
      await expect
        .poll(() => page.locator('[data-testid=item-row][data-state=done]').count(), { timeout: 60_000 })
        .toBe(6);
      const submits = session.harness.simulator.ledger.submits.filter((s) => s.created);
      expect(submits).toHaveLength(6);
      expect(submits.every((s) => s.httpStatus === 200)).toBe(true);

      expect((await session.harness.handlers['command:settings.update']({ language: 'zh-CN' })).ok).toBe(
        true,
      );
      await page.reload();
      await page.locator('[data-testid=item-row]', { hasText: '→ shot-1-take1.mp4' }).waitFor();
      await screenshot(page, 'creative-takes-list-zh-CN');
      await page.goto(`${session.harness.url}/#/new`);
      await page.getByRole('button', { name: '选择文件夹或图片…' }).click();
      await page.getByTestId('scan-summary').waitFor();
      await openSections(page);
      await page.getByTestId('takes').fill('3');
      await page.locator('.take-badge', { hasText: '第 2 版' }).first().waitFor();
      await page.getByText('每张图片的版本数').first().waitFor();
      await screenshot(page, 'creative-takes-preview-zh-CN');
      expect(errors).toEqual([]);
    },
  );
});

describe('end frames paired by name', () => {
  it(
    'lists the pairs in the scan summary, offers loop for Kling 3.0 Pro and says why not for Standard',
    { timeout: 90_000 },
    async () => {
      const pairs = await startSession('creative-pairs', {
        settings: { simulated: true, notifications: false },
      });
      const jpeg = (name: string, red: number) =>
        sharp({ create: { width: 480, height: 360, channels: 3, background: { r: red, g: 120, b: 90 } } })
          .jpeg()
          .toFile(join(pairs.inputDir, name));
      mkdirSync(join(pairs.inputDir, 'end'), { recursive: true });
      await jpeg('harbour.jpg', 10);
      await jpeg('harbour.end.jpg', 80);
      await jpeg('market_end.jpg', 150);
      await jpeg('market.jpg', 200);
      await jpeg('end/tower.jpg', 230);
      await jpeg('tower.jpg', 40);
      const { page: p, errors: e } = await openApp(pairs);
      try {
        await p.getByRole('button', { name: 'Choose folders or images…' }).click();
        await p.getByTestId('scan-summary').waitFor();
        await openSections(p);
        await p.getByTestId('end-frame-count').filter({ hasText: '3' }).waitFor();
        // Six files found, three of them start images each with its end frame.
        expect([await summaryStat(p, 'Found'), await summaryStat(p, 'Ready')]).toEqual(['6', '3']);
        await p.getByText('Show the 3 start and end frame pairs', { exact: false }).click();
        expect(await p.getByTestId('end-frame-pairs').locator('li').allInnerTexts()).toEqual([
          'harbour.jpg → harbour.end.jpg',
          'market.jpg → market_end.jpg',
          'tower.jpg → end/tower.jpg',
        ]);
        await p
          .getByTestId('no-end-frame')
          .filter({ hasText: 'Kling 3.0 Standard has no end-frame field' })
          .waitFor();
        await screenshot(p, 'creative-end-frames-summary');
        await p
          .getByTestId('model-picker')
          .locator('label.model-option', { hasText: 'Kling 3.0 Pro' })
          .click();
        await p.getByTestId('loop').check();
        await p.getByTestId('start-button').filter({ hasText: 'Start 3 videos' }).waitFor();

        expect((await pairs.harness.handlers['command:settings.update']({ language: 'zh-CN' })).ok).toBe(
          true,
        );
        await p.reload();
        await p.getByRole('button', { name: '选择文件夹或图片…' }).click();
        await p.getByTestId('scan-summary').waitFor();
        await openSections(p);
        await p.getByText('查看 3 组首尾帧', { exact: false }).click();
        await p.getByTestId('no-end-frame').filter({ hasText: '没有尾帧字段' }).waitFor();
        await screenshot(p, 'creative-end-frames-summary-zh-CN');
        expect(e).toEqual([]);
      } finally {
        await p.context().close();
        await pairs.close();
      }
    },
  );
});

describe('shot editor', () => {
  it('shows the shots sum live and the error in words, en and zh-CN', { timeout: 90_000 }, async () => {
    const shots = await startSession('creative-shots', {
      settings: { simulated: true, notifications: false },
    });
    await writeImages(shots.inputDir, 1);
    const { page: p, errors: e } = await openApp(shots);
    try {
      await p.getByRole('button', { name: 'Choose folders or images…' }).click();
      await p.getByTestId('scan-summary').waitFor();
      await openSections(p);
      await p.getByRole('button', { name: 'Choose…' }).click();
      await p.getByTestId('shots-on').check();
      expect(await p.getByTestId('shot-row').count()).toBe(2);
      await p.getByLabel('Shot 2 prompt').fill('close on the sign');
      // 3 s + 3 s against the default 5 s.
      await p
        .getByTestId('shots-sum')
        .filter({ hasText: 'Shots add up to 6 s of the video’s 5 s' })
        .waitFor();
      await p
        .getByTestId('shots-error')
        .filter({ hasText: 'The shots add up to 6 s but the video is 5 s: make them add up to 5 s' })
        .waitFor();
      expect(await p.getByTestId('start-button').isDisabled()).toBe(true);
      await p.getByTestId('shot-editor').scrollIntoViewIfNeeded();
      await p.screenshot({ path: join(SCREENSHOT_DIR, 'creative-shots-error.png') });
      await p.getByTestId('duration').fill('6');
      await p.getByTestId('start-button').filter({ hasText: 'Start 1 video ' }).waitFor();
      expect(await p.getByTestId('shots-error').count()).toBe(0);
      await p.getByTestId('duration').fill('8');
      await p.getByTestId('shots-error').waitFor();

      expect((await shots.harness.handlers['command:settings.update']({ language: 'zh-CN' })).ok).toBe(true);
      await p.reload();
      await p.getByRole('button', { name: '选择文件夹或图片…' }).click();
      await p.getByTestId('scan-summary').waitFor();
      await openSections(p);
      // The draft may come back with its shots: only turn them on when they are off.
      await p.getByTestId('shot-editor').waitFor();
      if (!(await p.getByTestId('shots-on').isChecked())) await p.getByTestId('shots-on').check();
      await p.getByTestId('duration').fill('5');
      await p.getByTestId('shots-error').filter({ hasText: '分镜合计 6 秒，但视频时长为 5 秒' }).waitFor();
      await p.getByTestId('shot-editor').scrollIntoViewIfNeeded();
      await p.screenshot({ path: join(SCREENSHOT_DIR, 'creative-shots-error-zh-CN.png') });
      expect(e).toEqual([]);
    } finally {
      await p.context().close();
      await shots.close();
    }
  });
});
