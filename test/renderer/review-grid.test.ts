// The morning after, in the browser: a 200-video batch run through the simulator, reviewed in
// the grid. Only visible rows are mounted (at most ~100 <video> elements however long the
// batch), each poster is the video itself (#t=0.1, preload=metadata); the keyboard keeps and
// rejects (persisted in the database, still there after a reload), filters narrow the grid,
// Enter opens the player with previous/next and Esc returns to the cell; "Export kept" copies
// into the picked folder. axe over the grid and the player in both themes and languages;
// screenshots in en and zh-CN.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeEveryWay, clippedControls, setLanguage } from './a11y-helpers';
import {
  closeSession,
  invoke,
  openSession,
  runBatch,
  screenshot,
  type Session,
  writeImages,
} from './helpers';

interface PageNode {
  readyState?: number;
  paused?: boolean;
  muted?: boolean;
  getAttribute(name: string): string | null;
  scrollTop: number;
  scrollHeight: number;
}
declare const document: {
  activeElement: PageNode | null;
  querySelector(selector: string): PageNode | null;
  querySelectorAll(selector: string): ArrayLike<PageNode>;
};

const IMAGES = 200;
let session: Session;
let page: Page;
let errors: string[];
let batchId: number;
let done: number;
let failed: number;
const exportDir = mkdtempSync(join(tmpdir(), 'sm-review-export-'));

beforeAll(async () => {
  ({ session, page, errors } = await openSession(
    'review',
    {
      // 20 generations at once and a few seeded failures, so the "Failed" filter has something.
      simulator: { concurrencyCap: 20, seed: 5, faults: { generationFailure: 0.03 } },
      engine: { maxConsecutiveFailures: 50 },
    },
    async (s) => {
      await writeImages(s.inputDir, IMAGES, { prefix: 'take' });
      batchId = await runBatch(s, { concurrency: 20 }, 120_000);
      const batch = await invoke<{ counts: Record<string, number> }>(s, 'query:batch.get', { batchId });
      done = batch.counts.done ?? 0;
      failed = (batch.counts.failed ?? 0) + (batch.counts.expired ?? 0);
      return `#/batch/${batchId}/review`;
    },
  ));
}, 180_000);

afterAll(async () => {
  await closeSession({ session, page });
  rmSync(exportDir, { recursive: true, force: true });
});

const cells = () => page.getByTestId('review-cell');
const videoCount = () => page.evaluate(() => document.querySelectorAll('video').length);
const cell = (index: number) => page.locator(`[role=gridcell][data-index="${index}"]`);
const cellName = (index: number) => cell(index).locator('.review-name').innerText();
const focusedIndex = () => page.evaluate(() => document.activeElement?.getAttribute('data-index') ?? null);

async function reviews(): Promise<Record<string, string | null>> {
  const page = await invoke<{ items: { relativePath: string; review: string | null }[] }>(
    session,
    'query:items.page',
    { batchId, states: ['done'], offset: 0, limit: 500 },
  );
  return Object.fromEntries(page.items.map((i) => [i.relativePath, i.review]));
}

describe('review grid', () => {
  it('shows the videos as posters, mounting only what is on screen', { timeout: 60_000 }, async () => {
    expect(done + failed).toBe(IMAGES);
    expect(done).toBeGreaterThan(150);
    await cells().first().waitFor();
    expect(await page.getByTestId('review-count').innerText()).toContain(String(done));
    const first = page.getByTestId('review-video').first();
    expect(await first.getAttribute('preload')).toBe('metadata');
    expect(await first.getAttribute('src')).toMatch(/\/media\/item\/\d+\/video#t=0\.1$/);
    // The poster frame is real: Chromium read the file's metadata through the media route.
    await expect
      .poll(() => page.evaluate(() => document.querySelector('[data-testid=review-video]')?.readyState ?? 0))
      .toBeGreaterThanOrEqual(1);
    const atTop = await videoCount();
    await screenshot(page, 'review-grid-top');
    await page.evaluate(() => {
      const scroller = document.querySelector('main.screen')!;
      scroller.scrollTop = scroller.scrollHeight;
    });
    await cell(done - 1).waitFor();
    const atEnd = await videoCount();
    console.log(
      `review grid, ${done} videos: <video> elements in the DOM ${atTop} at the top, ${atEnd} at the end`,
    );
    expect(atTop).toBeGreaterThan(0);
    expect(atTop).toBeLessThanOrEqual(100);
    expect(atEnd).toBeLessThanOrEqual(100);
    expect(atTop).toBeLessThan(done);
  });

  it(
    'plays muted on focus, with sound on Space, and stops when the focus leaves',
    { timeout: 60_000 },
    async () => {
      const video = (index: number) =>
        page.evaluate((i) => {
          const v = document.querySelector(`[role=gridcell][data-index="${i}"] video`);
          return v ? { paused: v.paused, muted: v.muted } : null;
        }, index);
      await page.evaluate(() => {
        document.querySelector('main.screen')!.scrollTop = 0;
      });
      await cell(0).focus();
      await expect.poll(() => video(0)).toEqual({ paused: false, muted: true });
      await page.keyboard.press(' ');
      await expect.poll(() => video(0)).toEqual({ paused: false, muted: false });
      await page.keyboard.press('ArrowRight');
      await expect.poll(() => video(0)).toMatchObject({ paused: true });
      await expect.poll(() => video(1)).toEqual({ paused: false, muted: true });
    },
  );

  it('keeps and rejects by keyboard, persisted across a reload', { timeout: 60_000 }, async () => {
    await page.reload();
    await cell(0).waitFor();
    await cell(0).focus();
    await page.keyboard.press('k');
    await page.keyboard.press('ArrowRight');
    await expect.poll(focusedIndex).toBe('1');
    await page.keyboard.press('r');
    await page.keyboard.press('ArrowDown');
    const columns = Number(await page.getByRole('grid').getAttribute('aria-colcount'));
    await expect.poll(focusedIndex).toBe(String(1 + columns));
    await page.keyboard.press('k');
    const names = await Promise.all([0, 1, 1 + columns].map((i) => cellName(i)));
    await expect.poll(async () => Object.values(await reviews()).filter(Boolean).length).toBe(3);
    const stored = await reviews();
    const byName = (name: string) => Object.entries(stored).find(([path]) => path.endsWith(name))?.[1];
    expect(names.map(byName)).toEqual(['kept', 'rejected', 'kept']);

    await page.reload();
    await cell(0).waitFor();
    expect(await cell(0).getAttribute('data-review')).toBe('kept');
    expect(await cell(1).getAttribute('data-review')).toBe('rejected');
    expect(await cell(0).innerText()).toMatch(/Kept/);
  });

  it('filters by verdict and shows the failed items with their reasons', { timeout: 60_000 }, async () => {
    await page.getByTestId('review-filter-kept').click();
    await expect.poll(() => cells().count()).toBe(2);
    await page.getByTestId('review-filter-rejected').click();
    await expect.poll(() => cells().count()).toBe(1);
    await page.getByTestId('review-filter-unreviewed').click();
    await expect.poll(() => page.getByTestId('review-count').innerText()).toContain(String(done - 3));
    // Under "unreviewed", K takes the video out of the list; the next one moves up.
    const firstName = await cellName(0);
    await cell(0).focus();
    await page.keyboard.press('k');
    await expect.poll(() => cellName(0)).not.toBe(firstName);
    await expect.poll(() => page.getByTestId('review-count').innerText()).toContain(String(done - 4));
    if (failed > 0) {
      await page.getByTestId('review-filter-failed').click();
      await expect.poll(() => cells().count()).toBe(Math.min(failed, 40));
      expect(await cell(0).locator('.review-reason').innerText()).not.toBe('');
      expect(await page.locator('video').count()).toBe(0);
    }
    await page.getByTestId('review-filter-videos').click();
    await cell(0).waitFor();
  });

  it(
    'opens the player with Enter, steps with the arrows, Esc returns to the cell',
    { timeout: 60_000 },
    async () => {
      await cell(2).focus();
      await page.keyboard.press('Enter');
      const player = page.getByTestId('review-player');
      await player.waitFor();
      await expect.poll(() => page.getByTestId('review-player-position').innerText()).toMatch(/^Video 3 of /);
      await page.getByRole('button', { name: 'Next →' }).click();
      await expect.poll(() => page.getByTestId('review-player-position').innerText()).toMatch(/^Video 4 of /);
      await page.getByRole('button', { name: '← Previous' }).focus();
      await page.keyboard.press('ArrowLeft');
      await expect.poll(() => page.getByTestId('review-player-position').innerText()).toMatch(/^Video 3 of /);
      await page.keyboard.press('r');
      await expect.poll(() => page.getByTestId('review-player-position').innerText()).toMatch(/Rejected$/);
      await screenshot(page, 'review-player-en');
      await page.keyboard.press('Escape');
      await player.waitFor({ state: 'detached' });
      await expect.poll(focusedIndex).toBe('2');
      expect(
        await axeEveryWay(page, 'review player', {
          show: async () => {
            await cell(2).focus();
            await page.keyboard.press('Enter');
            await player.waitFor();
          },
          hide: async () => {
            await page.keyboard.press('Escape');
            await player.waitFor({ state: 'detached' });
          },
        }),
      ).toEqual([]);
      // The same player in Chinese (the window behind a modal is inert: switch first).
      await setLanguage(page, 'zh-CN');
      await cell(2).focus();
      await page.keyboard.press('Enter');
      await player.waitFor();
      await expect
        .poll(() => page.getByTestId('review-player-position').innerText())
        .toMatch(/^第 3 个，共 \d+ 个[\s\S]*已淘汰$/);
      await screenshot(page, 'review-player-zh-CN');
      await page.keyboard.press('Escape');
      await player.waitFor({ state: 'detached' });
      await setLanguage(page, 'en');
    },
  );

  it(
    'passes axe in both themes and languages; screenshots in en and zh-CN',
    { timeout: 90_000 },
    async () => {
      await cell(0).waitFor();
      await screenshot(page, 'review-grid-en');
      expect(await axeEveryWay(page, 'review grid')).toEqual([]);
      await setLanguage(page, 'zh-CN');
      await expect.poll(() => page.getByTestId('view-review').innerText()).toBe('审阅视频');
      expect(await cell(0).innerText()).toMatch(/已保留/);
      await screenshot(page, 'review-grid-zh-CN');
      await setLanguage(page, 'en');
    },
  );

  it(
    'at 200 % zoom no control is cut off; forced colors keep the verdicts apart',
    { timeout: 60_000 },
    async () => {
      await page.setViewportSize({ width: 640, height: 430 });
      await page.reload();
      await cell(0).waitFor();
      expect(await clippedControls(page)).toEqual([]);
      expect(Number(await page.getByRole('grid').getAttribute('aria-colcount'))).toBeLessThanOrEqual(2);
      await screenshot(page, 'review-grid-zoom200');
      await page.setViewportSize({ width: 1280, height: 860 });
      await page.emulateMedia({ forcedColors: 'active' });
      await page.reload();
      await cell(0).waitFor();
      await screenshot(page, 'review-grid-forced-colors');
      await page.emulateMedia({ forcedColors: 'none' });
    },
  );

  it('exports the kept videos into the picked folder', async () => {
    session.harness.setPickedOutputDir(exportDir);
    await page.getByRole('button', { name: 'Export kept…' }).click();
    const kept = Object.values(await reviews()).filter((r) => r === 'kept').length;
    expect(kept).toBeGreaterThan(0);
    await page.getByText(`Copied ${kept} kept videos to ${exportDir}.`).waitFor();
    expect(readdirSync(exportDir)).toHaveLength(kept);
    expect(errors).toEqual([]);
  });

  it('selects items in the list too, and asks before retrying them, stating the cost', async () => {
    expect(failed).toBeGreaterThan(0);
    const submits = () => session.harness.simulator.ledger.submits.length;
    const before = submits();
    await page.getByTestId('view-items').click();
    await page.getByRole('button', { name: /^Need attention/ }).click();
    const first = page.locator('[role=listitem][data-index="0"]');
    await first.waitFor();
    await first.focus();
    await page.keyboard.press('x');
    await expect.poll(() => first.getByTestId('item-row').getAttribute('data-selected')).toBe('true');
    expect(await page.getByTestId('review-selection').innerText()).toMatch(/^1 selected/);
    await screenshot(page, 'items-selection-en');
    await page.getByRole('button', { name: 'Retry selected…' }).click();
    await page.getByTestId('confirm-dialog').waitFor();
    expect(await page.getByTestId('retry-failed-cost').innerText()).toMatch(
      /^Retry 1 selected item\? Each is a new paid generation: up to \$0\.42 in all/,
    );
    await page.keyboard.press('Escape');
    await page.getByTestId('confirm-dialog').waitFor({ state: 'detached' });
    expect(submits()).toBe(before);
    await page.getByRole('button', { name: 'Clear selection' }).click();
    expect(await page.getByTestId('review-selection').count()).toBe(0);
    await page.getByTestId('view-review').click();
    await cell(0).waitFor();
    expect(errors).toEqual([]);
  });

  it(
    'retries the selected items after a confirmation that states the cost and what is left out',
    { timeout: 60_000 },
    async () => {
      expect(failed).toBeGreaterThan(0);
      const submits = () => session.harness.simulator.ledger.submits.length;
      const before = submits();
      // X on a failed cell, then the Select box of a finished video: the selection spans filters.
      await page.getByTestId('review-filter-failed').click();
      await cell(0).waitFor();
      const failedName = await cellName(0);
      await cell(0).focus();
      await page.keyboard.press('x');
      await expect.poll(() => cell(0).getAttribute('aria-selected')).toBe('true');
      await page.getByTestId('review-filter-videos').click();
      await cell(0).waitFor();
      const doneName = await cellName(0);
      await cell(0).getByTestId('review-select').click();
      expect(await page.getByTestId('review-selection').innerText()).toMatch(/^2 selected/);
      await page.getByRole('button', { name: 'Retry selected…' }).click();
      await page.getByTestId('confirm-dialog').waitFor();
      expect(await page.getByTestId('retry-failed-cost').innerText()).toMatch(
        /^Retry 1 selected item\? Each is a new paid generation: up to \$0\.42 in all/,
      );
      expect(await page.getByTestId('retry-not-retryable').innerText()).toBe(
        `1 selected are not retried because they are not failed (${doneName}: Done). ` +
          'To make a finished video again, use “Re-run with changes”.',
      );
      await screenshot(page, 'review-retry-selected-en');
      await page.getByRole('button', { name: 'Retry 1', exact: true }).click();
      await page.getByText('Retrying 1 item.').waitFor();
      await expect.poll(submits, { timeout: 30_000 }).toBe(before + 1);
      expect(await page.getByTestId('review-selection').count()).toBe(0);
      // The retried item may fail again (the simulator fails 3 %): count what is failed now.
      await session.harness.engine.idle(30_000);
      const retried = await invoke<{ items: { relativePath: string; attempts: number }[] }>(
        session,
        'query:items.page',
        {
          batchId,
          search: failedName,
          offset: 0,
          limit: 1,
        },
      );
      expect(retried.items[0]!.attempts).toBe(2);
      const batch = await invoke<{ counts: Record<string, number> }>(session, 'query:batch.get', { batchId });
      failed = (batch.counts.failed ?? 0) + (batch.counts.expired ?? 0);
      expect(errors).toEqual([]);
    },
  );

  it('retries every failed item after a confirmation that states the cost', { timeout: 60_000 }, async () => {
    expect(failed).toBeGreaterThan(0);
    const submits = () => session.harness.simulator.ledger.submits.length;
    const before = submits();
    await page.getByRole('button', { name: 'Retry all failed…' }).click();
    const dialog = page.getByTestId('confirm-dialog');
    await dialog.waitFor();
    expect(await page.getByTestId('retry-failed-cost').innerText()).toMatch(
      new RegExp(`^Retry ${failed} failed items\\? .*up to \\$[\\d.]+ in all`),
    );
    await screenshot(page, 'review-retry-failed-en');
    // Cancel sends nothing.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(submits()).toBe(before);
    await page.getByRole('button', { name: 'Retry all failed…' }).click();
    await page.getByRole('button', { name: `Retry ${failed}`, exact: true }).click();
    await page.getByText(`Retrying ${failed} items.`).waitFor();
    await expect.poll(submits, { timeout: 30_000 }).toBeGreaterThanOrEqual(before + failed);
    expect(errors).toEqual([]);
  });
});
