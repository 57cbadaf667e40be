// First launch, as a new user meets it, without a dead end: no key, so the two ways in are
// offered and Start says why it cannot start; a simulated run of 5 images; the review; then a
// key pasted (checked with RunComfy, here the simulator: a wrong one refused, the right one
// accepted) and the same folder run for real, its simulated videos standing for nothing.
// Real engine, intake and simulator behind the browser harness; screenshots in en and zh-CN,
// light and dark; axe over each new screen.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY } from '../../main/core/simulator';
import { axeEveryWay, setLanguage } from './a11y-helpers';
import { closeSession, openSession, screenshot, type Session, writeImages } from './helpers';

interface PageNode {
  disabled?: boolean;
}
declare const document: { querySelector(selector: string): PageNode | null };

let session: Session;
let page: Page;
let errors: string[];

beforeAll(async () => {
  ({ session, page, errors } = await openSession(
    'first-launch',
    { apiKey: null, settings: { simulated: false, notifications: false } },
    async (s) => {
      await writeImages(s.inputDir, 5);
    },
  ));
}, 60_000);

afterAll(() => closeSession({ session, page }));

const startButton = () => page.getByTestId('start-button');

/** The start button once it can start (the preview is of these settings), and its words. */
async function readyToStart(): Promise<string> {
  await page.waitForFunction(() => {
    const b = document.querySelector('[data-testid=start-button]');
    return b !== null && !b.disabled;
  });
  return startButton().innerText();
}

/**
 * A screenshot of the screen as it is now in both themes and languages, named `name`. `show`
 * brings back what is shown (a dialog) after the language switch, `hide` puts it away before it.
 */
async function screenshots(
  name: string,
  options: { show?: () => Promise<void>; hide?: () => Promise<void> } = {},
) {
  for (const language of ['en', 'zh-CN'] as const) {
    if (language !== 'en') {
      await options.hide?.();
      await setLanguage(page, language);
      await options.show?.();
    }
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await screenshot(page, `first-launch-${name}-${language}-${theme}`);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await options.hide?.();
  await setLanguage(page, 'en');
  await options.show?.();
}

/** The five images' videos, by name. */
const FIVE_VIDEOS = ['shot-1.mp4', 'shot-2.mp4', 'shot-3.mp4', 'shot-4.mp4', 'shot-5.mp4'];

/** The videos in a folder of the images' folder, by name. */
function videosIn(folder: string): string[] {
  return readdirSync(join(session.inputDir, folder))
    .filter((name) => name.endsWith('.mp4'))
    .sort();
}

async function batchIdFromUrl(): Promise<number> {
  await page.waitForURL(/#\/batch\/\d+$/);
  return Number(/#\/batch\/(\d+)$/.exec(page.url())![1]);
}

describe('first launch, without a dead end', () => {
  it(
    'offers the two ways in, and Start says why it cannot start without a key',
    { timeout: 120_000 },
    async () => {
      await page.getByTestId('get-started').waitFor();
      await screenshots('welcome');
      expect(await axeEveryWay(page, 'first launch')).toEqual([]);

      await page.getByRole('button', { name: 'Choose folders or images…' }).click();
      await page.getByTestId('scan-summary').waitFor();
      // Nothing could be sent: Start is off, and the reason with both ways out is beside it.
      const reason = page.getByTestId('start-reason');
      await reason.getByText(/no RunComfy key is set and simulated mode is off/).waitFor();
      // The preview is there (what would be sent, and its cost), yet Start is off.
      await page.getByTestId('to-send').filter({ hasText: '5' }).waitFor();
      expect(await startButton().isDisabled()).toBe(true);
      await screenshots('no-key-setup');
      expect(await axeEveryWay(page, 'setup without a key')).toEqual([]);
      // Nothing was made behind the user's back.
      expect(session.harness.engine.listBatches()).toEqual([]);
    },
  );

  it('tries it free: 5 simulated videos, then their review', { timeout: 120_000 }, async () => {
    await page.getByTestId('start-reason').getByRole('button', { name: 'Try it free (simulated)' }).click();
    await page.getByTestId('simulated-badge').waitFor();
    await page.getByTestId('mode-note').waitFor();
    // Simulated money never reads as real dollars.
    expect(await readyToStart()).toMatch(/^Start 5 videos — est\. \$2\.10 simulated$/);
    await startButton().click();
    const batchId = await batchIdFromUrl();
    await page.getByTestId('batch-state').filter({ hasText: 'Finished' }).waitFor({ timeout: 60_000 });
    expect(session.harness.engine.getBatch(batchId)).toMatchObject({ simulated: true, counts: { done: 5 } });
    // By default beside the images, in a folder of their own: test clips never take the real names.
    expect(videosIn('videos-simulated')).toEqual(FIVE_VIDEOS);
    // No pause for a key along the way.
    expect(await page.getByTestId('pause-banner').count()).toBe(0);

    await page.goto(`${session.harness.url}/#/batch/${batchId}/review`);
    await expect.poll(() => page.getByTestId('review-cell').count(), { timeout: 20_000 }).toBe(5);
    await screenshot(page, 'first-launch-review');
  });

  it(
    'pastes a key (a wrong one is refused) and runs the same folder for real',
    { timeout: 120_000 },
    async () => {
      await page.getByRole('link', { name: 'New batch' }).click();
      await page.getByRole('button', { name: 'Choose folders or images…' }).click();
      await page.getByTestId('scan-summary').waitFor();
      // Still simulated: those 5 are made; the way to real videos is in sight.
      await page
        .getByTestId('start-reason')
        .getByText(/5 videos were already generated/)
        .waitFor();
      await page.getByTestId('mode-note').getByRole('button', { name: 'Use your RunComfy key…' }).click();
      const dialog = page.getByTestId('key-dialog');
      await dialog.waitFor();
      const refuse = async () => {
        await dialog.getByTestId('api-key-input').fill('rk_not_a_real_key_42');
        await dialog.getByTestId('api-key-input').press('Enter');
        await dialog.getByRole('alert').waitFor();
      };
      await refuse();
      await dialog
        .getByText('RunComfy did not accept this key, so it was not saved.', { exact: false })
        .waitFor();
      const dialogShown = {
        show: async () => {
          await page.getByTestId('mode-note').getByRole('button').click();
          await refuse();
        },
        hide: async () => {
          await page.keyboard.press('Escape');
          await dialog.waitFor({ state: 'detached' });
        },
      };
      await screenshots('key-refused', dialogShown);
      await dialogShown.hide(); // axeEveryWay brings it up in each language itself
      expect(await axeEveryWay(page, 'key dialog, key refused', dialogShown)).toEqual([]);
      await page.getByTestId('mode-note').getByRole('button').click();
      expect(session.harness.secrets.get()).toBeNull();

      await dialog.getByTestId('api-key-input').fill(DEMO_API_KEY);
      await dialog.getByRole('button', { name: 'Check and save' }).click();
      await dialog.waitFor({ state: 'detached' });
      await page.getByTestId('simulated-badge').waitFor({ state: 'detached' });
      expect(session.harness.secrets.get()).toBe(DEMO_API_KEY);

      // Real mode: the simulated videos stand for nothing; all 5 are sent, at their price.
      expect(await readyToStart()).toMatch(/^Start 5 videos — est\. \$2\.10$/);
      await screenshots('real-setup');
      await readyToStart();
      await page.keyboard.press('Control+Enter');
      const batchId = await batchIdFromUrl();
      await page.getByTestId('batch-state').filter({ hasText: 'Finished' }).waitFor({ timeout: 60_000 });
      expect(session.harness.engine.getBatch(batchId)).toMatchObject({
        simulated: false,
        counts: { done: 5 },
      });
      expect(videosIn('videos')).toEqual(FIVE_VIDEOS);
      expect(await page.getByTestId('pause-banner').count()).toBe(0);
      expect(errors).toEqual([]);
    },
  );
});
