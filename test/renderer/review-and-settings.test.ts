// A simulated night judged in the window: the videos show the start images moving
// and the money says it is simulated; the full-screen review puts the image beside its video and
// the takes side by side, with the keys shown; the kept ones re-run on another model; the grid
// scrolls with the page at 200 % zoom; Settings is a page of sections; History searches.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeEveryWay, clippedControls } from './a11y-helpers';
import { closeSession, openSections, openSession, screenshot, SCREENSHOT_DIR, type Session } from './helpers';

// Callbacks passed to page.evaluate run in the page; the node project has no DOM lib.
interface PageVideo {
  readyState: number;
  videoWidth: number;
  videoHeight: number;
  currentTime: number;
  paused: boolean;
  pause(): void;
  onseeked: (() => void) | null;
}
declare const document: {
  querySelector(
    selector: string,
  ):
    | (PageVideo & { naturalWidth: number; scrollHeight: number; clientHeight: number; scrollTop: number })
    | null;
  createElement(tag: 'canvas'): {
    width: number;
    height: number;
    getContext(kind: '2d'): {
      drawImage(v: unknown, x: number, y: number, w: number, h: number): void;
      getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> };
    };
  };
  documentElement: { dataset: Record<string, string | undefined> };
  activeElement: { getAttribute(name: string): string | null } | null;
  body: unknown;
};
declare function getComputedStyle(el: unknown): { backgroundColor: string };

let session: Session;
let page: Page;
let errors: string[];

/** Red on the left, blue on the right: a push-in moves the edge between them. */
const halves = (name: string, left: [number, number, number], right: [number, number, number]) => {
  const width = 640;
  const height = 400;
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) data.set(x < width / 2 ? left : right, (y * width + x) * 3);
  return (dir: string) =>
    sharp(data, { raw: { width, height, channels: 3 } })
      .jpeg()
      .toFile(join(dir, name));
};

beforeAll(async () => {
  ({ session, page, errors } = await openSession(
    'review-settings',
    // Simulated mode, its videos made from the images as the app's demo simulator makes them.
    { settings: { simulated: true, notifications: false }, simulator: { motionVideos: true } },
    async (s) => {
      await halves('alpha.jpg', [220, 30, 30], [30, 30, 220])(s.inputDir);
      await halves('beta.jpg', [30, 200, 60], [240, 240, 240])(s.inputDir);
    },
  ));
});

afterAll(() => closeSession({ session, page }));

/** The current video's frame at `time`: the colour at the left and right quarter, and every pixel. */
async function frameAt(time: number) {
  return page.evaluate(async (at) => {
    const video = document.querySelector('[data-testid=review-player-video]')!;
    video.pause();
    await new Promise<void>((resolve) => {
      video.onseeked = () => resolve();
      video.currentTime = at;
    });
    const canvas = document.createElement('canvas');
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    const context = canvas.getContext('2d');
    context.drawImage(video, 0, 0, canvas.width, canvas.height);
    const all = Array.from(context.getImageData(0, 0, canvas.width, canvas.height).data);
    const pixel = (x: number, y: number) =>
      all.slice((y * canvas.width + x) * 4, (y * canvas.width + x) * 4 + 3);
    const y = Math.floor(canvas.height / 2);
    return {
      left: pixel(Math.floor(canvas.width / 4), y),
      right: pixel(Math.floor((canvas.width * 3) / 4), y),
      all,
    };
  }, time);
}

describe('a simulated night, reviewed', () => {
  it('marks simulated money as such wherever it appears', { timeout: 90_000 }, async () => {
    await page.getByRole('button', { name: 'Choose folders or images…' }).click();
    await page.getByTestId('scan-summary').waitFor();
    await openSections(page); // the form's folded parts, as a user opens them
    await page.getByRole('button', { name: 'Choose…' }).click();
    await page.getByTestId('takes').fill('2');
    const start = page.getByTestId('start-button');
    await start.filter({ hasText: 'Start 4 videos' }).waitFor();
    expect(await page.getByTestId('estimated-cost').innerText()).toBe('$1.68 simulated');
    expect(await start.innerText()).toMatch(/est\. \$1\.68 simulated$/);
    await start.click();
    await page.waitForURL(/#\/batch\/\d+$/);
    await page.getByTestId('batch-state').filter({ hasText: 'Finished' }).waitFor({ timeout: 60_000 });
    expect(await page.getByTestId('spent').innerText()).toBe('$1.68 simulated');
    expect(await page.getByTestId('batch-simulated').textContent()).toBe('Simulated');
    expect(await page.locator('[data-testid=item-row] .item-cost').first().innerText()).toBe(
      '$0.42 simulated',
    );
    await screenshot(page, 'simulated-batch');
    await page.getByRole('link', { name: 'Batches' }).click();
    expect(await page.getByTestId('history-spent').first().innerText()).toBe('$1.68 simulated');
    expect(await page.getByTestId('history-totals').innerText()).toContain('$0.00 spent · $1.68 simulated');
    await page.goBack();
  });

  it('shows the review’s keys, and a full-screen review: the image beside its video, the takes side by side', async () => {
    await page.getByTestId('view-review').click();
    const keys = page.getByTestId('review-keys');
    await keys.waitFor();
    expect(await keys.innerText()).toMatch(/K\s+keep/);
    expect(await keys.innerText()).toMatch(/R\s+reject/);
    await page.locator('[role=gridcell]').first().focus();
    await page.keyboard.press('Enter');
    const player = page.getByTestId('review-player');
    await player.waitFor();
    const box = (await player.boundingBox())!;
    expect(box.width).toBeGreaterThan(1280 * 0.95);
    expect(box.height).toBeGreaterThan(860 * 0.95);
    // The still is the image the video was made from, loaded.
    await expect
      .poll(() =>
        page.evaluate(
          () => document.querySelector('[data-testid=review-player-still] img')?.naturalWidth ?? 0,
        ),
      )
      .toBeGreaterThan(0);
    // Both takes of alpha.jpg, side by side: the current one and the other.
    expect(await page.getByTestId('review-player-take').count()).toBe(1);
    expect(await page.getByTestId('review-player-keys').innerText()).toMatch(/Esc\s+back to the grid/);
    await screenshot(page, 'review-full-screen-en');
  });

  it('plays the image moving (a simulated video is the start image, pushed in)', async () => {
    await expect
      .poll(() =>
        page.evaluate(() => document.querySelector('[data-testid=review-player-video]')?.readyState ?? 0),
      )
      .toBeGreaterThanOrEqual(2);
    const first = await frameAt(0);
    // alpha.jpg: red on the left, blue on the right.
    expect(first.left[0]).toBeGreaterThan(170);
    expect(first.left[2]).toBeLessThan(90);
    expect(first.right[2]).toBeGreaterThan(170);
    expect(first.right[0]).toBeLessThan(90);
    const last = await frameAt(2.9);
    const moved = first.all.filter((value, i) => i % 4 !== 3 && Math.abs(value - last.all[i]!) > 24).length;
    expect(moved).toBeGreaterThan(first.all.length * 0.01);
  });

  it(
    'keeps with K in the full-screen review; the review passes axe in both languages and themes',
    { timeout: 60_000 },
    async () => {
      await page.getByTestId('review-player').locator('.dialog-header h2').click();
      await page.keyboard.press('k');
      await expect.poll(() => page.getByTestId('review-player-position').innerText()).toContain('Kept');
      const player = page.getByTestId('review-player');
      expect(
        await axeEveryWay(page, 'full-screen review', {
          show: async () => {
            if (await player.isVisible()) return;
            await page.locator('[role=gridcell]').first().focus();
            await page.keyboard.press('Enter');
            await player.waitFor();
          },
          hide: async () => {
            await page.keyboard.press('Escape');
            await player.waitFor({ state: 'detached' });
          },
        }),
      ).toEqual([]);
    },
  );

  it(
    're-runs the kept ones on another model: the new batch starts from just their images',
    { timeout: 60_000 },
    async () => {
      await page.getByTestId('rerun-kept-button').click();
      const dialog = page.getByTestId('rerun-dialog');
      expect(
        await dialog.getByLabel('Only the videos you kept, e.g. to finish them on another model').isChecked(),
      ).toBe(true);
      await dialog.getByRole('button', { name: 'Continue' }).click();
      await page.getByTestId('scan-summary').waitFor();
      await page.getByRole('radio', { name: /Kling 3\.0 Pro/ }).check();
      // One kept image, two takes each, on Pro: nothing of it was generated on Pro before.
      await page.getByTestId('start-button').filter({ hasText: 'Start 2 videos' }).waitFor();
      expect(await page.locator('.preview-item').allInnerTexts()).toEqual([
        expect.stringContaining('alpha.jpg'),
        expect.stringContaining('alpha.jpg'),
      ]);
      await screenshot(page, 'review-rerun-kept');
    },
  );

  it('keeps Start in view at 200 % zoom, at the top of the form and at its end', async () => {
    await page.setViewportSize({ width: 640, height: 430 });
    const inView = async () => {
      const box = (await page.getByTestId('start-button').boundingBox())!;
      return box.y >= 0 && box.y + box.height <= 430;
    };
    await page.evaluate(() => {
      document.querySelector('main.screen')!.scrollTop = 0;
    });
    expect(await inView()).toBe(true);
    await page.evaluate(() => {
      document.querySelector('main.screen')!.scrollTop = 100_000;
    });
    expect(await inView()).toBe(true);
    expect(await clippedControls(page)).toEqual([]);
    await page.screenshot({ path: join(SCREENSHOT_DIR, 'setup-zoom200-start-bar.png') });
    await page.setViewportSize({ width: 1280, height: 860 });
  });

  it('lets the grid use the page at 200 % zoom: no box of its own, nothing cut off', async () => {
    await page.setViewportSize({ width: 640, height: 430 });
    const batches = await session.harness.handlers['query:batches.list']({});
    const batchId = batches.ok ? batches.value[0]!.id : 0;
    await page.goto(`${session.harness.url}/#/batch/${batchId}/review`);
    await page.locator('[role=gridcell]').first().waitFor();
    // The grid's body is as tall as its rows: the page scrolls, not a box inside it.
    const body = await page.evaluate(() => {
      const el = document.querySelector('[data-testid=review-body]')!;
      return { scroll: el.scrollHeight, client: el.clientHeight };
    });
    expect(body.scroll).toBeLessThanOrEqual(body.client + 1);
    await page.evaluate(() => {
      document.querySelector('main.screen')!.scrollTop = 10_000;
    });
    await page.locator('[role=gridcell][data-index="3"]').waitFor();
    expect(await clippedControls(page)).toEqual([]);
    await screenshot(page, 'review-grid-zoom200-scrolled');
    await page.setViewportSize({ width: 1280, height: 860 });
  });
});

describe('Settings and History', () => {
  it('is a page of sections: the list goes to each, a banner’s target focuses its field, the theme applies', async () => {
    await page.getByTestId('settings-button').click();
    const settings = page.getByTestId('settings-page');
    await settings.waitFor();
    const sections = await page
      .getByRole('navigation', { name: 'Settings sections' })
      .getByRole('link')
      .allInnerTexts();
    expect(sections).toEqual(['Account', 'Spending', 'Notifications', 'Models', 'Appearance']);
    await page.getByRole('link', { name: 'Appearance' }).click();
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('id')))
      .toBe('settings-appearance');
    await settings.getByLabel('Dark').check();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(
      'rgb(18, 21, 27)',
    );
    await screenshot(page, 'settings-page-dark');
    await settings.getByLabel('Same as the system').check();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBeUndefined();
    // The account's usage: simulated runs are counted apart, never as money spent.
    expect(await page.getByTestId('usage-simulated').innerText()).toBe('$1.68 simulated');
    await page.goto(`${session.harness.url}/#/settings/key`);
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('api-key-input');
    await screenshot(page, 'settings-page-en');
  });

  it('History: each batch’s model, totals of what is listed, and a search', async () => {
    await page.getByRole('link', { name: 'Batches' }).click();
    await page.getByTestId('history-row').first().waitFor();
    expect(await page.getByTestId('history-row').first().innerText()).toContain('Kling 3.0 Standard');
    const search = page.getByTestId('history-search');
    await search.fill('no such batch');
    await page.getByText('No batch matches “no such batch”.').waitFor();
    expect(await page.getByTestId('history-row').count()).toBe(0);
    await search.fill('photos standard');
    await expect.poll(() => page.getByTestId('history-row').count()).toBe(1);
    expect(await page.getByTestId('history-totals').innerText()).toMatch(/^1 batch · 4 of 4 videos done/);
    await screenshot(page, 'history-search-en');
    expect(await axeEveryWay(page, 'history with a search')).toEqual([]);
    expect(errors).toEqual([]);
  });
});
