// The review grid of a batch with takes, in the browser: each image's videos sit under a header
// row naming the image (however many columns fit), the arrow keys cross from one image's takes
// to the next, a filter regroups what is left, and the grid passes axe. Screenshots in en and
// zh-CN.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { axeEveryWay, setLanguage } from './a11y-helpers';
import { closeSession, openSession, runBatch, screenshot, type Session, writeImages } from './helpers';

declare const document: { activeElement: { getAttribute(name: string): string | null } | null };

let session: Session;
let page: Page;
let errors: string[];
let batchId: number;

beforeAll(async () => {
  ({ session, page, errors } = await openSession('review-takes', {}, async (s) => {
    await writeImages(s.inputDir, 3);
    batchId = await runBatch(s, { takes: 3, outputNameTemplate: '{name}-take{take}.mp4' });
    return `#/batch/${batchId}/review`;
  }));
  // Tall enough for the three images' rows at once.
  await page.setViewportSize({ width: 1280, height: 1400 });
}, 120_000);

afterAll(() => closeSession({ session, page }));

const headers = () => page.locator('.review-group-name').allInnerTexts();
const cell = (index: number) => page.locator(`[role=gridcell][data-index="${index}"]`);
const focused = () => page.evaluate(() => document.activeElement?.getAttribute('data-index') ?? null);

describe('review grid with takes', () => {
  it('groups each image’s takes under a header naming it', async () => {
    await cell(8).waitFor();
    expect(await headers()).toEqual([
      'shot-1.jpg · takes shown: 3',
      'shot-2.png · takes shown: 3',
      'shot-3.jpg · takes shown: 3',
    ]);
    // Five columns fit, but a row holds one image's takes: the 4th video starts the 2nd image.
    const rowOf = (index: number) =>
      cell(index).evaluate((el) => el.parentElement!.getAttribute('aria-rowindex'));
    expect(await rowOf(2)).toBe(await rowOf(0));
    expect(await rowOf(3)).not.toBe(await rowOf(2));
    // Under its image's header a cell is named by its video: which take it is.
    expect(await cell(4).locator('.review-name').innerText()).toBe('shot-2-take2.mp4');
    await screenshot(page, 'review-takes-en');
    expect(await axeEveryWay(page, 'review grid with takes')).toEqual([]);
  });

  it('moves down from one image’s takes to the next image’s, same column', async () => {
    await cell(1).focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(focused).toBe('4');
    await page.keyboard.press('ArrowDown');
    await expect.poll(focused).toBe('7');
    await page.keyboard.press('ArrowUp');
    await expect.poll(focused).toBe('4');
    await page.keyboard.press('k');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('k');
  });

  it('regroups what a filter leaves', async () => {
    await page.getByTestId('review-filter-kept').click();
    await expect.poll(headers).toEqual(['shot-2.png · takes shown: 2']);
    await page.getByTestId('review-filter-unreviewed').click();
    await expect
      .poll(headers)
      .toEqual(['shot-1.jpg · takes shown: 3', 'shot-2.png · takes shown: 1', 'shot-3.jpg · takes shown: 3']);
    await setLanguage(page, 'zh-CN');
    await page.getByTestId('review-filter-videos').click();
    await expect.poll(headers).toContain('shot-1.jpg · 显示 3 个版本');
    await screenshot(page, 'review-takes-zh-CN');
    await setLanguage(page, 'en');
    expect(errors).toEqual([]);
  });

  it('re-runs the selected videos: the new batch starts from just their images', async () => {
    await cell(0).waitFor();
    await cell(0).focus();
    await page.keyboard.press('x');
    await cell(3).getByTestId('review-select').click();
    const selection = page.getByTestId('review-selection');
    expect(await selection.innerText()).toMatch(/^2 selected/);
    await screenshot(page, 'review-selection-en');
    expect(await axeEveryWay(page, 'review grid with a selection')).toEqual([]);
    await selection.getByRole('button', { name: 'Re-run with changes…' }).click();
    const dialog = page.getByTestId('rerun-dialog');
    expect(await dialog.getByLabel('Only the 2 selected').isChecked()).toBe(true);
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await page.getByTestId('rerun-changes').waitFor();
    expect(await page.getByTestId('rerun-changes').innerText()).toContain('2 images from that batch.');
    // Same prompt and takes: the 3 takes of both images exist already, nothing is sent.
    await expect
      .poll(() => page.getByTestId('rerun-cost').innerText())
      .toBe('This re-run sends 0 videos for about $0.00; 6 already generated or on their way are skipped.');
    expect(errors).toEqual([]);
  });
});
