// End to end, as a user: add a folder, fix the template, preview, start, watch the videos
// arrive; cancel one while queued; see a failed generation's reason and retry it; pause and
// resume; hit the budget cap. Real engine, intake and simulator behind the browser harness;
// every check reads what the page shows, then cross-checks disk, engine or simulator.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeSession,
  openSession,
  openSections,
  row,
  screenshot,
  startOver,
  summaryStat,
  type Session,
  writeImages,
} from './helpers';
import { providerCause } from '@common/cause-first';

// Callbacks passed to page.evaluate run in the page; the node project has no DOM lib, so
// these declare just what they touch (module-local, not global).
interface PageNode {
  disabled?: boolean;
  complete?: boolean;
  naturalWidth?: number;
  textContent: string | null;
  scrollTo?(x: number, y: number): void;
}
declare const document: {
  querySelector(selector: string): PageNode | null;
  querySelectorAll(selector: string): ArrayLike<PageNode> & Iterable<PageNode>;
  body: PageNode;
};
declare function getComputedStyle(node: PageNode): { backgroundColor: string };

let session: Session;
let page: Page;
let errors: string[];

beforeAll(async () => {
  // 0.01: a 90 s generation takes 0.9 s, long enough to act on a queued item, short for CI.
  ({ session, page, errors } = await openSession('flow', { simulator: { timeScale: 0.01, seed: 7 } }));
});

afterAll(() => closeSession({ session, page }));

async function usdPerVideo(seconds: number): Promise<number> {
  const models = await session.harness.handlers['query:models.list']({});
  if (!models.ok) throw new Error(models.error.message);
  const price = models.value[0]!.price;
  if (price.per !== 'second') throw new Error('the default model is priced per second');
  return price.usd * seconds;
}

/** Picks `dir` through the (harness) system dialog and waits for the scan summary. */
async function pickFolder(dir: string) {
  session.harness.setPickedInputs([dir]);
  await page.getByRole('link', { name: 'New batch' }).click();
  // A setup left on the screen is put away first (it asks: nothing typed is dropped silently).
  if (await page.getByTestId('start-bar').isVisible()) await startOver(page);
  await page.getByRole('button', { name: 'Choose folders or images…' }).click();
  await page.getByTestId('scan-summary').waitFor();
}

async function startAndOpen(): Promise<number> {
  const start = page.getByTestId('start-button');
  await page.waitForFunction(() => {
    const b = document.querySelector('[data-testid=start-button]');
    return b !== null && !b.disabled;
  });
  await start.click();
  await page.waitForURL(/#\/batch\/\d+$/);
  await page.getByTestId('batch-header').waitFor();
  return Number(/#\/batch\/(\d+)$/.exec(page.url())![1]);
}

async function waitBatchState(text: string, timeout = 20_000) {
  await page.getByTestId('batch-state').filter({ hasText: text }).waitFor({ timeout });
}

async function waitRowState(name: string, state: string, timeout = 20_000) {
  await page.locator(`[data-testid=item-row][data-state=${state}]`, { hasText: name }).waitFor({ timeout });
}

describe('a batch from folder to videos, in the browser', () => {
  // Generous timeouts: six engineers share two cores while these run.
  it(
    'scans, flags template mistakes, previews, starts with its cost, cancels a queued item and finishes',
    { timeout: 90_000 },
    async () => {
      await writeImages(session.inputDir, 4, { unreadable: true });
      await page.getByRole('button', { name: 'Choose folders or images…' }).click();
      await page.getByTestId('scan-summary').waitFor();
      expect(await summaryStat(page, 'Found')).toBe('5');
      expect(await summaryStat(page, 'Ready')).toBe('4');
      expect(await summaryStat(page, 'Cannot be used')).toBe('1');
      await page.getByText('Show which files cannot be used (1), and why').click();
      const rejection = await page.locator('.rejections li').innerText();
      expect(rejection).toContain('broken.jpg');
      expect(rejection).toMatch(/not .*(JPEG|image)/i); // the reason says what is wrong

      const template = page.getByTestId('prompt-template');
      await template.fill('A slow dolly shot of {nmae}');
      await page.getByText('Unknown variable "nmae" at character 22').waitFor();
      await template.fill('A slow dolly shot of {name');
      await page.getByText('Unclosed brace at character 22').waitFor();
      expect(await page.getByTestId('start-button').isDisabled()).toBe(true);

      await template.fill('');
      await page.getByRole('button', { name: '{name}: insert into Prompt template' }).click(); // the variable chip
      await template.press('End');
      await template.pressSequentially(', golden light');
      expect(await template.inputValue()).toBe('{name}, golden light');
      await template.fill('A slow dolly shot of {name}, golden light');
      await openSections(page, 'Output', 'Spending');
      await page.getByRole('button', { name: 'Choose…' }).click();
      await expect.poll(() => page.getByTestId('output-dir').inputValue()).toBe(session.outputDir);
      await page.getByLabel('Parallel generations').fill('1');

      // The preview shows each rendered prompt and a real thumbnail from main.
      const preview = page.getByTestId('preview');
      await preview.getByText('A slow dolly shot of shot-1, golden light').waitFor();
      await page.waitForFunction(() =>
        [...document.querySelectorAll('[data-testid=preview] img.thumb')].some(
          (img) => img.complete === true && (img.naturalWidth ?? 0) > 0,
        ),
      );
      const cost = `$${(4 * (await usdPerVideo(5))).toFixed(2)}`;
      const start = page.getByTestId('start-button');
      await page.waitForFunction(
        (text) => document.querySelector('[data-testid=start-button]')?.textContent === text,
        `Start 4 videos — est. ${cost}`,
      );
      expect(await page.getByTestId('estimated-cost').innerText()).toBe(cost);
      await screenshot(page, '01-setup');

      const batchId = await startAndOpen();
      expect(await start.count()).toBe(0);
      // One at a time: shot-4 waits in the queue; cancel it there.
      await waitRowState('shot-4', 'queued', 5_000);
      await page.getByRole('button', { name: 'Cancel: shot-4.png' }).click();
      await waitRowState('shot-4', 'cancelled');
      await page.waitForTimeout(400); // let the header catch up (it refreshes every 300 ms)
      await screenshot(page, '02-running');

      await waitBatchState('Finished');
      // The cancelled one was meant to be made: 3 of 4, and the cancelled one said beside it.
      expect(await page.getByTestId('done-count').innerText()).toMatch(/^3\s*\/\s*4$/);
      expect(await page.getByTestId('done-label').innerText()).toBe('videos done · 1 cancelled');
      for (const name of ['shot-1', 'shot-2', 'shot-3']) await waitRowState(name, 'done');
      expect(await row(page, 'broken.jpg').count()).toBe(0); // rejected at the scan, never an item
      expect(await row(page, 'shot-4').innerText()).toContain('Cancelled');
      await screenshot(page, '03-finished');

      // The videos are on disk where the preview said; the cancelled one was never sent.
      const all = readdirSync(session.outputDir).sort();
      const files = all.filter((f) => f.endsWith('.mp4'));
      expect(files).toEqual(['shot-1.mp4', 'shot-2.mp4', 'shot-3.mp4']);
      // Each with its sidecar (on by default): what made it, never the key.
      expect(all.filter((f) => f.endsWith('.json'))).toEqual(['shot-1.json', 'shot-2.json', 'shot-3.json']);
      for (const f of files) expect(statSync(join(session.outputDir, f)).size).toBeGreaterThan(0);
      expect(session.harness.simulator.ledger.submits.filter((s) => s.created)).toHaveLength(3);

      // Play a video in the app; Esc closes the player.
      await page.getByRole('button', { name: 'Play: shot-1.jpg' }).click();
      const video = page.getByTestId('item-video');
      const src = await video.getAttribute('src');
      expect(src).toMatch(/\/media\/item\/\d+\/video$/);
      const media = await page.evaluate(async (url) => {
        const r = await fetch(url, { headers: { Range: 'bytes=0-15' } });
        return { status: r.status, type: r.headers.get('content-type') };
      }, src!);
      expect(media.status).toBeLessThan(300);
      expect(media.type).toContain('video/');
      await page.keyboard.press('Escape');
      await page.getByTestId('item-details').waitFor({ state: 'detached' });

      // Show in folder goes to the desktop shell with the video's path.
      await page.getByRole('button', { name: 'Show in folder: shot-2.png' }).click();
      await expect
        .poll(() => session.harness.desktopCalls.showInFolder)
        .toContain(join(session.outputDir, 'shot-2.mp4'));

      // Dark theme follows the OS.
      await page.emulateMedia({ colorScheme: 'dark' });
      expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe(
        'rgb(18, 21, 27)',
      );
      await screenshot(page, '04-finished-dark');
      await page.emulateMedia({ colorScheme: 'light' });

      // History: the batch with its summary, and its CSV report as a download.
      await page.getByRole('link', { name: 'Batches' }).click();
      const historyRow = page.getByTestId('history-row').first();
      expect(await historyRow.innerText()).toMatch(/3 \/ 4/);
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page
          .getByRole('button', { name: /^Export CSV: / })
          .first()
          .click(),
      ]);
      const csv = readFileSync((await download.path())!, 'utf8');
      expect(csv.startsWith('\uFEFF'), 'a byte-order mark, so Excel reads UTF-8').toBe(true);
      expect(csv).toContain('shot-1');
      expect(csv).toContain('shot-4');
      await historyRow.getByRole('button', { name: /^Open/ }).click();
      await page.waitForURL(new RegExp(`#/batch/${batchId}$`));

      // The settings used are remembered as the next batch's defaults.
      const settings = await session.harness.handlers['query:settings.get']({});
      expect(settings.ok && settings.value.defaults.promptTemplate).toBe(
        'A slow dolly shot of {name}, golden light',
      );
      expect(errors).toEqual([]);
    },
  );

  it("shows a failed generation's reason and retries it", { timeout: 60_000 }, async () => {
    const dir = join(session.rootDir, 'fail');
    await writeImages(dir, 2, { prefix: 'fail' });
    session.harness.simulator.setFaults({ generationFailure: 1 });
    await pickFolder(dir);
    // Remembered from the last batch: the prompt. The videos go beside these images, in the
    // folder named like the last batch's own (never into the last shoot's folder).
    expect(await page.getByTestId('prompt-template').inputValue()).toBe(
      'A slow dolly shot of {name}, golden light',
    );
    await openSections(page, 'Output');
    expect(await page.getByTestId('output-dir').inputValue()).toBe(join(dir, 'videos'));
    await startAndOpen();

    await waitRowState('fail-1', 'failed');
    await waitRowState('fail-2', 'failed');
    const shown = (await row(page, 'fail-1').getByTestId('item-error').innerText()).trim();
    const page1 = await session.harness.handlers['query:items.page']({ batchId: 2, offset: 0, limit: 10 });
    const stored = page1.ok ? page1.value.items.find((i) => i.relativePath.includes('fail-1')) : null;
    expect(shown.length).toBeGreaterThan(10);
    // The cause right after the sentence; RunComfy's lead-in naming the request is in the details.
    expect(shown).toBe(
      `RunComfy could not generate this video: ${providerCause(String(stored?.reason?.params.provider), stored?.requestId ?? null)}`,
    );
    expect(shown).not.toContain(stored!.requestId!);
    await page.getByRole('button', { name: 'Need attention 2' }).click(); // the filter
    // The header can say it before the visible page of rows is refetched: wait for the rows.
    await expect.poll(() => page.locator('[data-testid=item-row]').count(), { timeout: 10_000 }).toBe(2);
    await screenshot(page, '05-failed');

    session.harness.simulator.setFaults({});
    await page.getByRole('button', { name: 'Retry: fail-1.jpg' }).click();
    await page.getByRole('button', { name: /^All/ }).click();
    await waitRowState('fail-1', 'done');
    expect(existsSync(join(dir, 'videos', 'fail-1.mp4'))).toBe(true);
    expect(await row(page, 'fail-2').getAttribute('data-state')).toBe('failed');
    expect(errors).toEqual([]);
  });

  it('pauses and resumes: nothing is sent while paused', { timeout: 60_000 }, async () => {
    const dir = join(session.rootDir, 'pause');
    await writeImages(dir, 3, { prefix: 'pause' });
    await pickFolder(dir);
    await openSections(page, 'Spending');
    await page.getByLabel('Parallel generations').fill('1');
    await startAndOpen();
    await page.getByRole('button', { name: 'Pause', exact: true }).click();
    await waitBatchState('Paused');
    expect(await page.getByTestId('pause-banner').count()).toBe(0); // a user pause needs no banner
    const ledger = session.harness.simulator.ledger;
    const sentAtPause = ledger.submits.length;
    await page.waitForTimeout(2_000); // two generations' worth of time
    expect(ledger.submits.length).toBe(sentAtPause);
    await expect
      .poll(() => page.locator('[data-testid=item-row][data-state=queued]').count(), { timeout: 10_000 })
      .toBeGreaterThan(0);
    await page.getByTestId('header-more').click(); // the counts per state are folded under More
    expect(await page.getByTestId('state-counts').innerText()).toContain('Waiting');

    await page.getByRole('button', { name: 'Resume', exact: true }).click();
    await waitBatchState('Running', 5_000).catch(() => {}); // may already be finished
    await waitBatchState('Finished');
    await expect
      .poll(() => page.locator('[data-testid=item-row][data-state=done]').count(), { timeout: 10_000 })
      .toBe(3);
    expect(errors).toEqual([]);
  });

  it('stops at the budget cap with a banner that says so and what to do', { timeout: 60_000 }, async () => {
    const dir = join(session.rootDir, 'budget');
    await writeImages(dir, 3, { prefix: 'budget' });
    await pickFolder(dir);
    const perVideo = await usdPerVideo(5);
    // Room for one video, not two.
    await openSections(page, 'Spending');
    await page.getByTestId('budget').fill((perVideo * 1.5).toFixed(2));
    await page.getByLabel('Parallel generations').fill('3');
    const created = () => session.harness.simulator.ledger.submits.filter((s) => s.created).length;
    const before = created();
    const batchId = await startAndOpen();

    const banner = page.getByTestId('pause-banner');
    await banner.waitFor({ timeout: 20_000 });
    expect(await banner.innerText()).toContain('The budget cap is reached');
    await waitBatchState('Paused');
    await screenshot(page, '06-budget-banner');
    // Three slots were free, yet one video fits under the cap: it is sent, nothing more.
    await expect.poll(() => created() - before).toBe(1);
    await page.waitForTimeout(500);
    expect(created() - before).toBe(1);
    const batch = session.harness.engine.getBatch(batchId)!;
    expect(batch.pauseReason).toBe('budget_reached');
    expect(batch.spentUsd).toBeLessThanOrEqual(perVideo * 1.5);
    expect(await page.getByTestId('spent').innerText()).toBe(`$${batch.spentUsd.toFixed(2)}`);
    if (batch.pauseMessage) expect(await banner.innerText()).toContain(batch.pauseMessage);

    // The fix is one step away: raise the cap and go on.
    await page.getByTestId('new-budget').fill((perVideo * 10).toFixed(2));
    await page.getByRole('button', { name: 'Raise cap and resume' }).click();
    await waitBatchState('Finished');
    expect(session.harness.engine.getBatch(batchId)!.settings.budgetUsd).toBeCloseTo(perVideo * 10, 2);
    await expect
      .poll(() => page.locator('[data-testid=item-row][data-state=done]').count(), { timeout: 10_000 })
      .toBe(3);
    await expect.poll(() => banner.count(), { timeout: 10_000 }).toBe(0);
    expect(errors).toEqual([]);
  });
});
