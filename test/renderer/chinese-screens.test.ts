// A Chinese reader sees Chinese on every screen: the scan's reasons for the files it cannot use,
// the preview's notes, the model list, the batch, the review, History and Settings. Each screen's
// text is searched for English phrases (three Latin words in a row, names such as RunComfy
// apart); the user's own words (here a Chinese prompt, file names) are theirs. Screenshots in
// zh-CN, light and dark.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { englishPhrases } from '../english-in-chinese';
import { closeSession, openSections, openSession, screenshot, type Session, writeImages } from './helpers';

// Callbacks passed to page.evaluate run in the page; the node project has no DOM lib.
declare const document: {
  body: { innerText: string };
  querySelectorAll(selector: string): Iterable<{ open: boolean }>;
};

let session: Session;
let page: Page;
let errors: string[];

beforeAll(async () => {
  ({ session, page, errors } = await openSession(
    'chinese',
    { settings: { language: 'zh-CN', notifications: false } },
    async (s) => {
      await writeImages(s.inputDir, 3, { unreadable: true });
      // A pair by name on a model without an end-frame field: sent alone, with a note.
      const image = (r: number) =>
        sharp({ create: { width: 480, height: 360, channels: 3, background: { r, g: 90, b: 40 } } }).jpeg();
      await image(10).toFile(join(s.inputDir, 'pair.jpg'));
      await image(200).toFile(join(s.inputDir, 'pair.end.jpg'));
      writeFileSync(join(s.inputDir, 'notes.txt'), 'not an image');
    },
  ));
});

afterAll(() => closeSession({ session, page }));

/** Every <details> opened (what it folds is on screen too), then the page's English phrases. */
async function englishOnScreen(): Promise<string[]> {
  await page.evaluate(() => {
    for (const details of document.querySelectorAll('details')) details.open = true;
  });
  // Model names are RunComfy's product names, kept as they are in every language.
  const models = await session.harness.handlers['query:models.list']({});
  const names = models.ok ? models.value.map((m) => m.displayName) : [];
  return englishPhrases(await page.evaluate(() => document.body.innerText), names);
}

async function shots(name: string): Promise<void> {
  await screenshot(page, `zh-${name}-light`);
  await page.emulateMedia({ colorScheme: 'dark' });
  await screenshot(page, `zh-${name}-dark`);
  await page.emulateMedia({ colorScheme: 'light' });
}

describe('every screen in Simplified Chinese', () => {
  it('the setup: the scan’s reasons, the preview’s notes, the models', { timeout: 60_000 }, async () => {
    await page.getByRole('button', { name: '选择文件夹或图片…' }).click();
    await page.getByTestId('scan-summary').waitFor();
    await page.getByTestId('prompt-template').fill('缓慢推进的镜头：{name}');
    await openSections(page);
    await page.getByRole('button', { name: '选择…' }).click();
    await page.getByTestId('start-button').filter({ hasText: '开始生成 4 个视频' }).waitFor();
    expect(await englishOnScreen()).toEqual([]);
    await shots('setup');
  });

  it('the batch, its review, History and Settings', { timeout: 90_000 }, async () => {
    await page.getByTestId('start-button').click();
    await page.waitForURL(/#\/batch\/\d+$/);
    await page.getByTestId('batch-state').filter({ hasText: '已完成' }).waitFor({ timeout: 60_000 });
    await page.getByTestId('header-more').click();
    expect(await englishOnScreen()).toEqual([]);
    await shots('batch');

    await page.getByTestId('view-review').click();
    await page.locator('[role=gridcell]').first().waitFor();
    expect(await englishOnScreen()).toEqual([]);
    await page.locator('[role=gridcell]').first().focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('review-player-still').waitFor();
    expect(await englishOnScreen()).toEqual([]);
    await shots('review-player');
    await page.keyboard.press('Escape');

    await page.getByRole('link', { name: '批次', exact: true }).click();
    await page.getByTestId('history-row').first().waitFor();
    expect(await englishOnScreen()).toEqual([]);
    await shots('history');

    await page.getByTestId('settings-button').click();
    await page.getByTestId('settings-page').waitFor();
    expect(await englishOnScreen()).toEqual([]);
    await shots('settings');
    expect(errors).toEqual([]);
  });
});
