// The batch screen the morning after: a compact header whose figures agree with
// History and today's spending, a failure reason that starts with its cause, a paired end frame
// on a model without one (the start image is still sent), "already generated" rows that lead to
// their video and batch, and a pause banner that says what to do with the button that does it.
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY } from '../../main/core/simulator';
import { axeEveryWay, setLanguage } from './a11y-helpers';
import { batchSettings } from '../main/core/app/helpers';
import {
  closeSession,
  openSections,
  invoke,
  openSession,
  row,
  screenshot,
  type Session,
  writeImages,
} from './helpers';

let session: Session;
let page: Page;
let errors: string[];

beforeAll(async () => {
  ({ session, page, errors } = await openSession('morning', {}, async (s) => {
    await writeImages(s.inputDir, 3);
    // shot.end.jpg pairs with shot.jpg by its name; Kling 3.0 Standard has no end-frame field.
    const image = (r: number) =>
      sharp({ create: { width: 480, height: 360, channels: 3, background: { r, g: 120, b: 60 } } }).jpeg();
    await image(30).toFile(join(s.inputDir, 'pair.jpg'));
    await image(220).toFile(join(s.inputDir, 'pair.end.jpg'));
  }));
});

afterAll(() => closeSession({ session, page }));

const batchState = (text: string, timeout = 30_000) =>
  page.getByTestId('batch-state').filter({ hasText: text }).waitFor({ timeout });

/** A batch of `dir` made through the handlers (not started): its id. */
async function createBatch(
  dir: string,
  overrides: Parameters<typeof batchSettings>[1] = {},
): Promise<number> {
  const { scanId } = await invoke<{ scanId: string }>(session, 'command:scan.start', { paths: [dir] });
  await session.harness.core.scans.whenFinished(scanId);
  const { batchId } = await invoke<{ batchId: number }>(session, 'command:batch.create', {
    scanId,
    settings: batchSettings(session.outputDir, overrides),
  });
  return batchId;
}

let firstBatch = 0;

describe('the morning after', () => {
  it('sends a paired start image alone on a model without an end-frame field, saying so', async () => {
    await page.getByRole('button', { name: 'Choose folders or images…' }).click();
    await page.getByTestId('scan-summary').waitFor();
    await openSections(page); // the form's folded parts, as a user opens them
    await page.getByRole('button', { name: 'Choose…' }).click();
    const note = page.locator('.preview-item', { hasText: 'pair.jpg' }).locator('.note');
    await note.first().waitFor();
    expect(await note.first().innerText()).toMatch(
      /^pair\.end\.jpg \(the end frame of pair\.jpg, paired by its name\) is not sent: Kling 3\.0 Standard has no end-frame field, so the video starts on pair\.jpg alone\. To end on it, choose a model that has one \(Kling 3\.0 Pro, /,
    );
    // Four start images, all sent: the pair is no longer "Not usable".
    await page.getByTestId('start-button').filter({ hasText: 'Start 4 videos' }).waitFor();
    await screenshot(page, 'morning-end-frame-note');
    await page.getByTestId('start-button').click();
    await page.waitForURL(/#\/batch\/\d+$/);
    firstBatch = Number(/#\/batch\/(\d+)$/.exec(page.url())![1]);
    await batchState('Finished');
    expect(existsSync(join(session.outputDir, 'pair.mp4'))).toBe(true);
  });

  it('keeps the header to a strip: the key figures on one line, the rest under More figures', async () => {
    const header = page.getByTestId('batch-header');
    const box = (await header.boundingBox())!;
    // The window is 860 px high: the header leaves at least three quarters of it to the items.
    expect(box.height).toBeLessThan(860 * 0.25);
    expect(await page.getByTestId('header-more-figures').isVisible()).toBe(false);
    await page.getByTestId('header-more').click();
    expect(await page.getByTestId('state-counts').innerText()).toContain('Done 4');
    await screenshot(page, 'morning-header-en');
    expect(await axeEveryWay(page, 'compact batch header')).toEqual([]);
  });

  it('shows one amount for the same money: the batch’s spent is today’s, and History agrees', async () => {
    const spent = await page.getByTestId('spent').innerText();
    expect(spent).toBe('$1.68');
    if (!(await page.getByTestId('header-more-figures').isVisible()))
      await page.getByTestId('header-more').click();
    expect(await page.getByTestId('daily-spend').locator('.glance-value').innerText()).toBe(spent);
    await page.getByRole('link', { name: 'Batches' }).click();
    const historyRow = page.locator(`[data-testid=history-row][data-batch-id="${firstBatch}"]`);
    expect(await historyRow.getByTestId('history-done').innerText()).toBe('4 / 4');
    expect(await historyRow.getByTestId('history-spent').innerText()).toBe(spent);
  });

  it('counts a cancelled batch as “0 of 3 done, 3 cancelled”, never “0 / 0”, in the header and History', async () => {
    const dir = join(session.rootDir, 'cancelled');
    await writeImages(dir, 3, { prefix: 'gone' });
    const batchId = await createBatch(dir);
    await invoke(session, 'command:batch.cancel', { batchId });
    await page.goto(`${session.harness.url}/#/batch/${batchId}`);
    await batchState('Cancelled');
    expect(await page.getByTestId('done-count').innerText()).toMatch(/^0\s*\/\s*3$/);
    expect(await page.getByTestId('done-label').innerText()).toBe('videos done · 3 cancelled');
    await page.getByRole('link', { name: 'Batches' }).click();
    const historyRow = page.locator(`[data-testid=history-row][data-batch-id="${batchId}"]`);
    expect(await historyRow.getByTestId('history-done').innerText()).toBe('0 / 3\n3 cancelled');
  });

  it('has no time left while paused (never “< 1 min”), and says why in the label', async () => {
    const dir = join(session.rootDir, 'paused');
    await writeImages(dir, 2, { prefix: 'held' });
    const batchId = await createBatch(dir);
    await invoke(session, 'command:batch.start', { batchId });
    await invoke(session, 'command:batch.pause', { batchId });
    await page.goto(`${session.harness.url}/#/batch/${batchId}`);
    await batchState('Paused');
    expect(await page.getByTestId('time-left').innerText()).toBe('—');
    expect(await page.getByTestId('batch-header').innerText()).toContain('time left (paused)');
    await invoke(session, 'command:batch.resume', { batchId });
    await session.harness.engine.idle(30_000);
  });

  it('puts a failure’s cause first; the request id and RunComfy’s words are in the details, no codes', async () => {
    const dir = join(session.rootDir, 'failing');
    await writeImages(dir, 1, { prefix: 'cracked' });
    session.harness.simulator.setFaults({ generationFailure: 1 });
    const batchId = await createBatch(dir);
    await invoke(session, 'command:batch.start', { batchId });
    await page.goto(`${session.harness.url}/#/batch/${batchId}`);
    await batchState('Finished');
    session.harness.simulator.setFaults({});
    const shown = (await row(page, 'cracked-1').getByTestId('item-error').innerText()).trim();
    expect(shown).toBe(
      'RunComfy could not generate this video: the model could not animate this image (simulated upstream failure)',
    );
    await row(page, 'cracked-1').getByTestId('details-button').click();
    const details = page.getByTestId('item-details');
    const [item] = session.harness.engine.pageItems({ batchId, offset: 0, limit: 1 }).items;
    expect(await details.getByTestId('item-provider-words').innerText()).toBe(
      `Generation failed for request ${item!.requestId}: the model could not animate this image (simulated upstream failure)`,
    );
    expect(await details.innerText()).toContain(item!.requestId!);
    expect(await details.innerText()).not.toContain('generation_failed');
    await screenshot(page, 'morning-failure-details');
    await page.keyboard.press('Escape');
  });

  it('leads “already generated” rows to their video, its folder and the batch that made it', async () => {
    // A picture of its own (writeImages colours by index: a fresh-1 would be shot-1's twin).
    mkdirSync(join(session.inputDir, 'more'));
    await sharp({ create: { width: 480, height: 360, channels: 3, background: { r: 9, g: 250, b: 180 } } })
      .jpeg()
      .toFile(join(session.inputDir, 'more', 'fresh-1.jpg'));
    await page.goto(`${session.harness.url}/#/new`);
    await page.getByRole('button', { name: 'Choose folders or images…' }).click();
    await page.getByTestId('scan-summary').waitFor();
    await openSections(page); // the form's folded parts, as a user opens them
    await page.getByRole('button', { name: 'Choose…' }).click();
    await page.getByTestId('start-button').filter({ hasText: 'Start 1 video' }).waitFor();
    const skipped = page.locator('.preview-item', { hasText: 'shot-1.jpg' });
    await skipped.getByTestId('generated-play').click();
    const player = page.getByTestId('generated-video');
    await player.waitFor();
    expect(await player.locator('video').getAttribute('src')).toMatch(/\/media\/item\/\d+\/video$/);
    await page.keyboard.press('Escape');
    await skipped.getByTestId('generated-show').click();
    await expect
      .poll(() => session.harness.desktopCalls.showInFolder)
      .toContain(join(session.outputDir, 'shot-1.mp4'));
    expect(await skipped.getByTestId('generated-batch').innerText()).toBe(`Made in batch ${firstBatch}`);
    await screenshot(page, 'morning-already-generated-preview');

    // In the batch too: its "Not sent" rows play the earlier video and link to that batch.
    await page.getByTestId('start-button').click();
    await page.waitForURL(/#\/batch\/\d+$/);
    await batchState('Finished');
    await page.getByRole('button', { name: /^Not sent/ }).click();
    const generated = row(page, 'shot-2');
    await generated.getByTestId('generated-play').waitFor();
    await screenshot(page, 'morning-already-generated-list');
    await generated.getByTestId('generated-batch').click();
    await page.waitForURL(new RegExp(`#/batch/${firstBatch}$`));
  });

  it('pauses on a refused key with what to do as a button, RunComfy’s words under Details', async () => {
    const dir = join(session.rootDir, 'refused');
    await writeImages(dir, 1, { prefix: 'locked' });
    session.harness.simulator.revokeKey(DEMO_API_KEY);
    const batchId = await createBatch(dir);
    await invoke(session, 'command:batch.start', { batchId });
    await page.goto(`${session.harness.url}/#/batch/${batchId}`);
    const banner = page.getByTestId('pause-banner');
    await banner.waitFor({ timeout: 20_000 });
    expect(await banner.getByRole('heading').innerText()).toBe('RunComfy did not accept the API key');
    expect(await banner.getByTestId('pause-detail').innerText()).toBe(
      'Set a valid key in Settings, then resume. Nothing was lost.',
    );
    // The provider's words are there, folded: not in the banner's sentence.
    const details = banner.getByTestId('pause-details');
    expect(await details.getAttribute('open')).toBeNull();
    expect(await details.textContent()).toContain('Invalid or missing API key');
    await screenshot(page, 'morning-key-banner-en');
    expect(await axeEveryWay(page, 'pause banner (key refused)')).toEqual([]);
    await setLanguage(page, 'zh-CN');
    await banner.waitFor();
    await screenshot(page, 'morning-key-banner-zh-CN');
    await setLanguage(page, 'en');
    await banner.getByRole('button', { name: 'Open key settings' }).click();
    await page.waitForURL(/#\/settings\/key$/);
    await expect
      .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
      .toBe('api-key-input');

    // A new key is checked with RunComfy before it replaces the saved one: a refused paste is
    // said so and not saved; one RunComfy accepts is saved.
    const keySettings = page.getByTestId('api-key-settings');
    await keySettings.getByTestId('api-key-input').fill('rk_not_a_real_key_42');
    await keySettings.getByRole('button', { name: 'Replace key' }).click();
    const check = keySettings.getByTestId('api-key-check');
    await check.waitFor();
    expect(await check.innerText()).toMatch(/^RunComfy did not accept this key, so it was not saved\./);
    expect(session.harness.secrets.get()).toBe(DEMO_API_KEY);
    await screenshot(page, 'settings-key-refused-en');
    const secondKey = 'sim-second-account-key';
    session.harness.simulator.setKeyCredit(secondKey, 50);
    await keySettings.getByTestId('api-key-input').fill(secondKey);
    await check.waitFor({ state: 'detached' });
    await keySettings.getByRole('button', { name: 'Replace key' }).click();
    await expect.poll(() => session.harness.secrets.get()).toBe(secondKey);
    expect(await keySettings.getByTestId('api-key-status').innerText()).toMatch(/^Key set, ending in …-key/);
    expect(errors).toEqual([]);
  });
});

// Callbacks passed to page.evaluate run in the page; the node project has no DOM lib.
declare const document: { activeElement: { getAttribute(name: string): string | null } | null };
