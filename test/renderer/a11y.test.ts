// Accessible to everyone (WCAG 2.1 AA): the axe-core rule set over every screen in light and
// dark, English and Chinese, failing on any serious or critical violation; the main flow done
// with the keyboard alone (add a folder, write the template, start, pause, open a video) with
// a visible focus at every stop; the progress announced politely; and screenshots at 200 %
// zoom and in forced colors (Windows high contrast). One browser, one harness, one page.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeEveryWay, clippedControls, focused, tabTo } from './a11y-helpers';
import {
  closeSession,
  openSession,
  row,
  screenshot,
  writeImages,
  type Session,
  openSections,
} from './helpers';

// Callbacks passed to page.evaluate run in the page; the node project has no DOM lib, so
// these declare just what they touch (module-local, not global).
interface PageNode {
  disabled?: boolean;
  textContent: string | null;
  closest(selector: string): PageNode | null;
}
declare const document: {
  activeElement: PageNode | null;
  querySelector(selector: string): PageNode | null;
};
declare function getComputedStyle(node: PageNode): {
  transitionDuration: string;
  animationName: string;
  borderTopStyle: string;
  borderTopColor: string;
  backgroundColor: string;
};

let session: Session;
let page: Page;
let errors: string[];

beforeAll(async () => {
  // A generation takes 5 s, one at a time: the batch runs ~15 s, room to check the running
  // screen and pause it by keyboard on a busy machine.
  ({ session, page, errors } = await openSession(
    'a11y',
    { simulator: { timeScale: 0.01, seed: 11, generationMs: () => 500_000 } },
    async (s) => void (await writeImages(s.inputDir, 3, { unreadable: true })),
  ));
});

afterAll(() => closeSession({ session, page }));

const h1Count = () => page.locator('main h1').count();
const announced = () => page.getByTestId('batch-announcer').textContent();
const batchState = (text: string, timeout = 20_000) =>
  page.getByTestId('batch-state').filter({ hasText: text }).waitFor({ timeout });

async function expectFocusIn(selector: string) {
  expect(await page.evaluate((s) => document.activeElement?.closest(s) != null, selector)).toBe(true);
}

describe('accessibility, in the browser', () => {
  it('new batch, empty: one h1, no serious violations in either theme or language', async () => {
    await page.getByTestId('drop-zone').waitFor();
    expect(await h1Count()).toBe(1);
    expect(await axeEveryWay(page, 'new batch, empty')).toEqual([]);
  });

  it('keyboard only: adds the folder, writes the template, chooses the output folder', async () => {
    await page.reload();
    await page.getByTestId('drop-zone').waitFor();
    let unmarked = (await tabTo(page, /^Choose folders or images…$/)).unmarked;
    await page.keyboard.press('Enter');
    await page.getByTestId('scan-summary').waitFor();
    expect(await h1Count()).toBe(1);
    // Scanned, not ready: the output folder is missing and says so.
    expect(await axeEveryWay(page, 'new batch, scanned')).toEqual([]);

    unmarked = unmarked.concat((await tabTo(page, /^Prompt template$/)).unmarked);
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('A slow dolly shot of ');
    // The variable chip, by keyboard: its name starts with what it shows.
    unmarked = unmarked.concat((await tabTo(page, /^\{name\}/)).unmarked);
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.getByTestId('prompt-template').inputValue())
      .toBe('A slow dolly shot of {name}');
    await expect.poll(async () => (await focused(page))?.name).toBe('Prompt template');

    // The folded parts of the form open from their headings, by keyboard.
    unmarked = unmarked.concat((await tabTo(page, /^Output/)).unmarked);
    await page.keyboard.press('Enter');
    unmarked = unmarked.concat((await tabTo(page, /^Choose…$/)).unmarked);
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('output-dir').inputValue()).toBe(session.outputDir);
    unmarked = unmarked.concat((await tabTo(page, /^Spending/)).unmarked);
    await page.keyboard.press('Enter');
    unmarked = unmarked.concat((await tabTo(page, /^Parallel generations$/)).unmarked);
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type('1');
    await page.waitForFunction(
      () => document.querySelector('[data-testid=start-button]')?.disabled === false,
    );
    expect(unmarked).toEqual([]);
    expect(await axeEveryWay(page, 'new batch, ready')).toEqual([]);
  });

  it('keyboard only: starts, the running screen passes, pauses with an announcement', async () => {
    // A disabled Start is no Tab stop: wait, as a user does, until it offers this batch (the
    // previous test's language round trip may have it previewing again on a loaded machine).
    await page.waitForFunction(
      () => document.querySelector('[data-testid=start-button]')?.disabled === false,
    );
    await expect.poll(() => page.getByTestId('start-button').innerText()).toMatch(/^Start 3 videos/);
    const { unmarked } = await tabTo(page, /^Start 3 videos/);
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/batch\/\d+$/);
    await batchState('Running');
    expect(await h1Count()).toBe(1);
    await expect.poll(announced).toMatch(/started/i);
    expect(await axeEveryWay(page, 'batch, running')).toEqual([]);

    unmarked.push(...(await tabTo(page, /^Pause$/)).unmarked);
    await page.keyboard.press('Enter');
    await batchState('Paused');
    await expect.poll(announced).toMatch(/paused/i);
    expect(unmarked).toEqual([]);
  });

  it('keyboard only: resumes, walks the list with arrows and opens a video; Esc restores focus', async () => {
    // The one generating when paused finishes and is downloaded.
    await page.locator('[data-testid=item-row][data-state=done]').first().waitFor({ timeout: 20_000 });
    await tabTo(page, /^Resume$/, { backwards: true });
    await page.keyboard.press('Enter');
    await batchState('Finished', 30_000);
    await expect.poll(announced).toMatch(/finished.*3 of 3/i);
    expect(await axeEveryWay(page, 'batch, finished')).toEqual([]);

    // Tab lands on the first row; arrows move between rows, Home and End jump.
    await tabTo(page, /^shot-1\.jpg/);
    await page.keyboard.press('ArrowDown');
    expect((await focused(page))?.name).toMatch(/^shot-2\.png/);
    await page.keyboard.press('End');
    expect((await focused(page))?.name).toMatch(/^shot-3\.jpg/);
    await page.keyboard.press('ArrowUp');
    expect((await focused(page))?.name).toMatch(/^shot-2\.png/);
    await page.keyboard.press('Home');
    expect((await focused(page))?.name).toMatch(/^shot-1\.jpg/);
    // Enter on a row opens its details; Esc comes back to the row.
    await page.keyboard.press('Enter');
    await page.getByTestId('item-details').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('item-details').waitFor({ state: 'detached' });
    expect((await focused(page))?.name).toMatch(/^shot-1\.jpg/);

    // Into the row's actions; Play opens the video in a dialog that keeps the focus.
    await page.keyboard.press('Tab');
    expect((await focused(page))?.name).toBe('Play: shot-1.jpg');
    await page.keyboard.press('Enter');
    await page.getByTestId('item-video').waitFor();
    await expectFocusIn('dialog');
    for (let i = 0; i < 8; i++) {
      await page.keyboard.press('Tab');
      await expectFocusIn('dialog');
    }
    await page.keyboard.press('Shift+Tab');
    await expectFocusIn('dialog');
    await page.keyboard.press('Escape');
    await page.getByTestId('item-details').waitFor({ state: 'detached' });
    expect((await focused(page))?.name).toBe('Play: shot-1.jpg');

    // Show in folder: the name starts with what the button shows (voice control).
    await page.keyboard.press('Tab');
    expect((await focused(page))?.name).toBe('Show in folder: shot-1.jpg');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => session.harness.desktopCalls.showInFolder)
      .toContain(join(session.outputDir, 'shot-1.mp4'));
    expect(errors).toEqual([]);
  });

  it(
    'a failed item: the batch and its details dialog pass in both themes and languages',
    { timeout: 60_000 },
    async () => {
      const dir = join(session.rootDir, 'fail');
      await writeImages(dir, 1, { prefix: 'fail' });
      session.harness.simulator.setFaults({ generationFailure: 1 });
      session.harness.setPickedInputs([dir]);
      await page.locator('a[href="#/new"]').click();
      await page.getByRole('button', { name: 'Choose folders or images…' }).click();
      await page.getByTestId('scan-summary').waitFor();
      await page.waitForFunction(
        () => document.querySelector('[data-testid=start-button]')?.disabled === false,
      );
      await page.getByTestId('start-button').click();
      await page.waitForURL(/#\/batch\/\d+$/);
      await page.locator('[data-testid=item-row][data-state=failed]').waitFor({ timeout: 20_000 });
      session.harness.simulator.setFaults({});
      const details = page.getByTestId('item-details');
      const failures = await axeEveryWay(page, 'failed item details', {
        show: async () => {
          await row(page, 'fail-1').getByTestId('details-button').click();
          await details.waitFor();
        },
        hide: async () => {
          await page.keyboard.press('Escape');
          await details.waitFor({ state: 'detached' });
        },
      });
      expect(failures).toEqual([]);
    },
  );

  it(
    'paused by the budget cap: the banner passes, and the reason is announced',
    { timeout: 60_000 },
    async () => {
      const dir = join(session.rootDir, 'budget');
      await writeImages(dir, 2, { prefix: 'budget' });
      session.harness.setPickedInputs([dir]);
      await page.locator('a[href="#/new"]').click();
      await page.getByRole('button', { name: 'Choose folders or images…' }).click();
      await page.getByTestId('scan-summary').waitFor();
      await openSections(page, 'Spending');
      await page.getByLabel('Parallel generations').fill('2');
      await page.getByTestId('budget').fill('0.60'); // room for one $0.42 video, not two
      await page.waitForFunction(
        () => document.querySelector('[data-testid=start-button]')?.disabled === false,
      );
      await page.getByTestId('start-button').click();
      await page.getByTestId('pause-banner').waitFor({ timeout: 20_000 });
      // Said at once (assertive): it needs the user. Paused before the screen opened, too.
      await expect
        .poll(() => page.getByTestId('batch-announcer-urgent').textContent())
        .toMatch(/^Batch paused: The budget cap is reached\. Nothing more/);
      expect(await axeEveryWay(page, 'batch paused by the budget cap')).toEqual([]);
    },
  );

  it('history and settings pass in both themes and languages', async () => {
    await page.locator('a[href="#/history"]').click();
    await page.getByTestId('history-row').first().waitFor();
    expect(await h1Count()).toBe(1);
    expect(await axeEveryWay(page, 'history')).toEqual([]);

    await page.getByTestId('settings-button').click();
    await page.getByTestId('settings-page').waitFor();
    expect(await h1Count()).toBe(1);
    expect(await axeEveryWay(page, 'settings')).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('honours reduced motion', async () => {
    await page.goto(`${session.harness.url}/#/batch/1`);
    await page.getByTestId('batch-header').waitFor();
    const motion = () =>
      page.evaluate(() => getComputedStyle(document.querySelector('.meter-fill')!).transitionDuration);
    expect(await motion()).not.toBe('0s');
    await page.emulateMedia({ reducedMotion: 'reduce' });
    expect(await motion()).toBe('0s');
    await page.emulateMedia({ reducedMotion: 'no-preference' });
  });

  it(
    'at 200 % zoom no control is cut off; screenshots at 200 % and in forced colors',
    { timeout: 60_000 },
    async () => {
      // A 1280 x 860 window at 200 % lays out like a 640 x 430 one.
      await page.setViewportSize({ width: 640, height: 430 });
      const shots: [string, string, () => Promise<void>][] = [
        ['batch', '#/batch/1', () => page.getByTestId('item-row').first().waitFor()],
        ['history', '#/history', () => page.getByTestId('history-row').first().waitFor()],
        ['new', '#/new', () => page.getByTestId('drop-zone').waitFor()],
      ];
      const clipped: string[] = [];
      for (const [name, hash, ready] of shots) {
        await page.goto(`${session.harness.url}/${hash}`);
        await ready();
        clipped.push(...(await clippedControls(page)).map((c) => `${name}: ${c}`));
        await screenshot(page, `a11y-zoom200-${name}`);
      }
      // The setup screen, scanned.
      session.harness.setPickedInputs([session.inputDir]);
      await page.getByRole('button', { name: 'Choose folders or images…' }).click();
      await page.getByTestId('scan-summary').waitFor();
      clipped.push(...(await clippedControls(page)).map((c) => `setup: ${c}`));
      await screenshot(page, 'a11y-zoom200-setup');
      await page.getByTestId('settings-button').click();
      await page.getByTestId('settings-page').waitFor();
      clipped.push(...(await clippedControls(page)).map((c) => `settings: ${c}`));
      await screenshot(page, 'a11y-zoom200-settings');
      expect(clipped).toEqual([]);

      await page.setViewportSize({ width: 1280, height: 860 });
      await page.emulateMedia({ forcedColors: 'active' });
      for (const theme of ['light', 'dark'] as const) {
        await page.emulateMedia({ colorScheme: theme });
        await page.goto(`${session.harness.url}/#/new`);
        await page.getByTestId('scan-summary').waitFor();
        await screenshot(page, `a11y-forced-colors-setup-${theme}`);
        // Every option card (model, fit mode) is outlined, and the chosen one highlighted alike.
        const look = (selector: string) =>
          page
            .locator(selector)
            .first()
            .evaluate((el) => {
              const style = getComputedStyle(el as unknown as PageNode);
              return `${style.borderTopStyle} ${style.borderTopColor} on ${style.backgroundColor}`;
            });
        expect(await look('.fit-option.selected')).toBe(await look('.model-option.selected'));
        expect(await look('.fit-option:not(.selected)')).toBe(await look('.model-option:not(.selected)'));
        await page.goto(`${session.harness.url}/#/batch/2`);
        await page.getByTestId('item-row').first().waitFor();
        await screenshot(page, `a11y-forced-colors-failed-${theme}`);
        await page.goto(`${session.harness.url}/#/batch/1`);
        await page.getByTestId('item-row').first().waitFor();
        await screenshot(page, `a11y-forced-colors-batch-${theme}`);
        await page.goto(`${session.harness.url}/#/history`);
        await page.getByTestId('history-row').first().waitFor();
        await screenshot(page, `a11y-forced-colors-history-${theme}`);
      }
      await page.emulateMedia({ forcedColors: 'none', colorScheme: 'light' });
      expect(errors).toEqual([]);
    },
  );
});
