// "Re-run with changes" and the daily cap, in the browser. A batch stops at the account's
// daily cap: the header shows today's spend of all batches against it and the pause offers to
// change it. Then the batch is re-run with a changed prompt: the new-batch screen is pre-filled
// with its settings and shows the old prompt against the new one and what the re-run costs. An
// image moved away since is named, with an offer to rescan a folder. axe on the new screens;
// screenshots in en and zh-CN.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeEveryWay, setLanguage } from './a11y-helpers';
import {
  closeSession,
  invoke,
  openSession,
  runBatch,
  screenshot,
  screenshotAt,
  type Session,
  writeImages,
  openSections,
} from './helpers';

declare const document: { activeElement: unknown };

let session: Session;
let page: Page;
let errors: string[];
let batchId: number;

beforeAll(async () => {
  ({ session, page, errors } = await openSession('rerun', {}, async (s) => {
    await writeImages(s.inputDir, 4);
    // $1.00 a day at 0.42 a video: two videos, then the cap.
    await invoke(s, 'command:settings.update', { dailyCapUsd: 1 });
    batchId = await runBatch(s, { concurrency: 1 });
    return `#/batch/${batchId}`;
  }));
}, 120_000);

afterAll(() => closeSession({ session, page }));

describe('the daily cap in the batch header', () => {
  it('pauses at the cap, shows today’s spend against it, and the pause opens Settings at the cap', async () => {
    await page.getByTestId('pause-banner').waitFor();
    expect(await page.getByTestId('pause-banner').innerText()).toMatch(
      /^The daily spending cap is reached\n/,
    );
    // The engine's account with its figures, under Details.
    expect(await page.getByTestId('pause-details').textContent()).toMatch(
      /daily spending cap of \$1\.00 is reached: \$0\.84 was spent today/,
    );
    // Today's spending of all batches is under More figures.
    await page.getByTestId('header-more').click();
    const stat = page.getByTestId('daily-spend');
    expect(await stat.innerText()).toMatch(/\$0\.84\s*spent today, all batches, of \$1\.00 daily cap/);
    await screenshot(page, 'daily-cap-header-en');
    expect(await axeEveryWay(page, 'daily cap header')).toEqual([]);

    await page.getByRole('button', { name: 'Change the daily cap' }).click();
    const input = page.getByTestId('daily-cap-input');
    await expect.poll(() => input.evaluate((el) => el === document.activeElement)).toBe(true);
    expect(await page.getByTestId('daily-cap-today').innerText()).toBe('Spent today: $0.84');
    await screenshot(page, 'daily-cap-settings-en');
    await page.goBack(); // Settings is a page: back to the batch

    await setLanguage(page, 'zh-CN');
    await page.getByTestId('header-more').click();
    expect(await page.getByTestId('daily-spend').innerText()).toMatch(/今天所有批次已花费（每日上限/);
    await screenshot(page, 'daily-cap-header-zh-CN');
    await setLanguage(page, 'en');
  });
});

describe('Re-run with changes', () => {
  it('pre-fills the new batch with this one, shows the prompt old and new and the cost', async () => {
    await page.getByTestId('rerun-button').click();
    const dialog = page.getByTestId('rerun-dialog');
    expect(await dialog.getByRole('heading').innerText()).toMatch(/^Re-run “.+” with changes$/);
    await dialog.getByLabel('All 4 items').check();
    await dialog.getByRole('button', { name: 'Continue' }).click();
    const changes = page.getByTestId('rerun-changes');
    await changes.waitFor();
    // Unchanged, every video of it is already generated or on its way: nothing to send yet.
    expect(await page.getByTestId('rerun-prompt').innerText()).toBe('unchanged: A slow dolly shot of {name}');
    await expect
      .poll(() => page.getByTestId('rerun-cost').innerText())
      .toBe('This re-run sends 0 videos for about $0.00; 4 already generated or on their way are skipped.');
    // Each skipped preview row says why, in the window's language: done, or still queued behind the cap.
    const skips = page.locator('[data-testid=preview] .preview-item.not-sent p.note');
    await expect.poll(() => skips.count()).toBe(4);
    // Two made, two still queued behind the cap: the summary counts them together, and says so.
    expect(await page.getByTestId('scan-summary').innerText()).toMatch(/Generated or on their way\s+4/);
    const why = async () => (await skips.allInnerTexts()).sort();
    expect((await why())[0]).toMatch(/^Skipped: already generated: .+\.mp4$/);
    expect((await why())[3]).toMatch(
      /^Skipped: already queued in batch \d+ \(to .+\.mp4\); it is generated once/,
    );
    await setLanguage(page, 'zh-CN');
    await expect.poll(() => skips.count()).toBe(4);
    expect((await why())[0]).toMatch(/^跳过：已在批次 \d+ 中排队（输出到 .+\.mp4）；只生成一次/);
    expect((await why())[3]).toMatch(/^跳过：已生成：.+\.mp4$/);
    await screenshotAt(page, '[data-testid=preview]', 'rerun-skips-zh-CN');
    await setLanguage(page, 'en');
    const prompt = page.getByRole('textbox', { name: 'Prompt template' });
    await prompt.fill('A slow pan across {name}, golden light');
    await expect
      .poll(() => page.getByTestId('rerun-prompt').innerText())
      .toBe('A slow dolly shot of {name}\nA slow pan across {name}, golden light');
    await expect
      .poll(() => page.getByTestId('rerun-cost').innerText())
      .toBe('This re-run sends 4 videos for about $1.68; 0 already generated or on their way are skipped.');
    expect(await page.getByTestId('output-dir').inputValue()).toBe(session.outputDir);
    await screenshot(page, 'rerun-with-changes-en');
    expect(await axeEveryWay(page, 're-run with changes')).toEqual([]);
    await setLanguage(page, 'zh-CN');
    await expect
      .poll(() => page.getByTestId('rerun-cost').innerText())
      .toMatch(/此次重新运行将发送 4 个视频，约 US\$1\.68|\$1\.68/);
    await screenshot(page, 'rerun-with-changes-zh-CN');
    await setLanguage(page, 'en');
  });

  it('keeps the re-run, its images and its settings when the end frames are paired again', async () => {
    await page.goto(`${session.harness.url}/#/batch/${batchId}`);
    await page.getByTestId('rerun-button').click();
    const dialog = page.getByTestId('rerun-dialog');
    await dialog.getByLabel('All 4 items').check();
    await dialog.getByRole('button', { name: 'Continue' }).click();
    await page.getByTestId('rerun-changes').waitFor();
    await page.getByRole('textbox', { name: 'Prompt template' }).fill('A pan over {name}');
    // Pairing by another ending is offered on a model that takes end frames.
    await openSections(page, 'Model');
    await page
      .getByTestId('model-picker')
      .locator('label.model-option', { hasText: 'Kling 3.0 Pro' })
      .click();
    await page.getByText('Pair end frames by another file-name ending').click();
    await page.getByRole('textbox', { name: 'Another end-frame ending' }).fill('-last');
    await page.getByRole('button', { name: 'Pair again' }).click();
    await page.getByText('Also paired by the ending “-last”.').waitFor();
    // Still a re-run of the same four images, with the prompt as the user left it.
    await page.getByTestId('rerun-changes').waitFor();
    expect(await page.getByTestId('rerun-prompt').innerText()).toBe(
      'A slow dolly shot of {name}\nA pan over {name}',
    );
    await expect
      .poll(() => page.getByTestId('rerun-cost').innerText())
      .toBe('This re-run sends 4 videos for about $2.24; 0 already generated or on their way are skipped.');
    expect(
      await page
        .getByTestId('model-picker')
        .getByLabel(/Kling 3\.0 Pro/)
        .isChecked(),
    ).toBe(true);
  });

  it('names an image moved away since, and offers to rescan a folder', async () => {
    rmSync(join(session.inputDir, 'shot-2.png'));
    await page.goto(`${session.harness.url}/#/batch/${batchId}`);
    await page.getByTestId('rerun-button').click();
    const dialog = page.getByTestId('rerun-dialog');
    await dialog.getByRole('button', { name: 'Continue' }).click();
    const missing = dialog.getByTestId('rerun-missing');
    await missing.waitFor();
    expect(await missing.innerText()).toContain('1 image is no longer where this batch found them');
    expect(await missing.innerText()).toContain(join(session.inputDir, 'shot-2.png'));
    await screenshot(page, 'rerun-missing-en');
    expect(await dialog.getByRole('button', { name: 'Rescan a folder…' }).isVisible()).toBe(true);
    await dialog.getByRole('button', { name: 'Continue with the 3 found' }).click();
    await page.getByTestId('rerun-changes').waitFor();
    expect(await page.getByTestId('rerun-changes').innerText()).toContain('3 images from that batch.');
    expect(errors).toEqual([]);
  });
});
