// Creative controls in the browser: takes per image. The preview marks each take, the start
// button counts every take, and the batch list shows each take's own video name. Screenshots
// in en and zh-CN.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeBrowser,
  openApp,
  screenshot,
  SCREENSHOT_DIR,
  startSession,
  writeImages,
  type Session,
} from './helpers';

let session: Session;
let page: Page;
let errors: string[];

beforeAll(async () => {
  session = await startSession('creative', { settings: { simulated: true, notifications: false } });
  await writeImages(session.inputDir, 2);
  ({ page, errors } = await openApp(session));
});

afterAll(async () => {
  console.log(`Screenshots: ${SCREENSHOT_DIR}`);
  await page?.context().close();
  await closeBrowser();
  await session?.close();
});

describe('takes per image', () => {
  it(
    '3 takes of 2 images: 6 videos previewed, started and listed by their own names',
    { timeout: 90_000 },
    async () => {
      await page.getByRole('button', { name: 'Choose folders or images…' }).click();
      await page.getByTestId('scan-summary').waitFor();
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
      await page.getByTestId('takes').fill('3');
      await page.locator('.take-badge', { hasText: '第 2 版' }).first().waitFor();
      await page.getByText('每张图片的版本数').first().waitFor();
      await screenshot(page, 'creative-takes-preview-zh-CN');
      expect(errors).toEqual([]);
    },
  );
});
