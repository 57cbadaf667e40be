// The creative controls of the batch form in the browser: reference elements (picked, named
// @Element1..., a chip that writes the name at the prompt's caret, the elements each prompt uses
// in the preview, a dangling @Element3 refused in words before anything is paid, then a batch
// whose every request the simulator accepted), the fit mode (the fitted frame beside the
// original, crop against pad, the upscale warning, the summary's "Will be resized" agreeing)
// and the end-frame ending. Screenshots in en and zh-CN; axe over the panels as they are filled.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { axeEveryWay, setLanguage } from './a11y-helpers';
import {
  closeBrowser,
  openApp,
  SCREENSHOT_DIR,
  screenshotAt,
  startSession,
  writeImages,
  openSections,
  dropPaths,
} from './helpers';

// What the callbacks passed to evaluate touch in the page (the node project has no DOM lib).
interface PageNode {
  setSelectionRange(start: number, end: number): void;
  naturalWidth: number;
  naturalHeight: number;
  complete: boolean;
}

afterAll(async () => {
  console.log(`Screenshots: ${SCREENSHOT_DIR}`);
  await closeBrowser();
});

const jpeg = (path: string, width: number, height: number, red: number) =>
  sharp({ create: { width, height, channels: 3, background: { r: red, g: 110, b: 160 } } })
    .jpeg()
    .toFile(path);

/** Scrolls `selector` to the top of the app's scrolling <main>, then takes the screenshot. */

const shot = screenshotAt;

describe('reference elements', () => {
  it(
    'picks two elements, inserts @Element1 at the caret, refuses @Element3 in words, runs the batch',
    { timeout: 120_000 },
    async () => {
      const session = await startSession('creative-elements', {
        settings: { simulated: true, notifications: false },
      });
      await writeImages(session.inputDir, 2);
      const library = join(session.rootDir, 'library');
      await writeImages(library, 0);
      await jpeg(join(library, 'cat.jpg'), 600, 600, 200);
      await jpeg(join(library, 'cat-side.jpg'), 600, 500, 180);
      await jpeg(join(library, 'dog.jpg'), 500, 700, 60);
      const { page, errors } = await openApp(session);
      try {
        await page.getByRole('button', { name: 'Choose folders or images…' }).click();
        await page.getByTestId('scan-summary').waitFor();
        await openSections(page);
        await page.getByRole('button', { name: 'Choose…' }).click();
        await expect.poll(() => page.getByTestId('output-dir').inputValue()).toBe(session.outputDir);

        // The limits come from the model's catalog entry (Kling 3.0: 3 elements, 3 references).
        const panel = page.getByTestId('elements-panel');
        await panel.getByText('Up to 3 elements, each with up to 3 reference images.').waitFor();
        session.harness.setPickedInputs([join(library, 'cat.jpg'), join(library, 'cat-side.jpg')]);
        await panel.getByTestId('add-element').click();
        session.harness.setPickedInputs([join(library, 'dog.jpg')]);
        await panel.getByTestId('add-element').click();
        await expect.poll(() => panel.getByTestId('element-card').count()).toBe(2);
        // Main checked every image: each shows its size.
        await panel.getByTestId('element-card').first().getByText('600×500').waitFor();
        await panel.getByTestId('element-card').nth(1).getByText('500×700').waitFor();
        // Each image shows main's thumbnail of it.
        await expect
          .poll(() =>
            panel.locator('img.thumb').evaluateAll((imgs) =>
              imgs.map((img) => {
                const el = img as unknown as PageNode;
                return el.complete && el.naturalWidth > 0;
              }),
            ),
          )
          .toEqual([true, true, true]);

        // The chip writes @Element1 where the caret is, not at the end.
        const prompt = page.getByTestId('prompt-template');
        await prompt.fill('A  walks through {name}');
        await prompt.evaluate((el) => (el as unknown as PageNode).setSelectionRange(2, 2));
        await panel.getByTestId('insert-element-1').click();
        await expect.poll(() => prompt.inputValue()).toBe('A @Element1 walks through {name}');
        await page.getByTestId('elements-used').filter({ hasText: 'Uses @Element1' }).first().waitFor();
        await page.getByTestId('start-button').filter({ hasText: 'Start 2 videos' }).waitFor();
        await shot(page, '[data-testid=elements-panel]', 'creative-elements');
        await page.emulateMedia({ colorScheme: 'dark' });
        await shot(page, '[data-testid=elements-panel]', 'creative-elements-dark');
        await page.emulateMedia({ colorScheme: 'light' });

        // @Element3 with two elements: an error in words at the prompt, and nothing can start.
        await prompt.fill('A @Element1 walks through {name} past @Element3');
        const dangling =
          'Prompt template uses @Element3, but only @Element1 to @Element2 are defined. ' +
          'Add an element below or change the reference.';
        await page.getByText(dangling).waitFor();
        expect(await page.getByTestId('start-button').isDisabled()).toBe(true);
        await shot(page, '.template-editor:has([data-testid=prompt-template])', 'creative-elements-dangling');
        expect(await axeEveryWay(page, 'new batch, elements and the dangling error')).toEqual([]);

        await setLanguage(page, 'zh-CN');
        await page
          .getByText('“提示词模板”使用了 @Element3，但只定义了 @Element1 到 @Element2。', { exact: false })
          .waitFor();
        await shot(
          page,
          '.template-editor:has([data-testid=prompt-template])',
          'creative-elements-dangling-zh-CN',
        );
        await prompt.fill('A @Element1 walks through {name}');
        await page.getByTestId('elements-used').filter({ hasText: '使用 @Element1' }).first().waitFor();
        await shot(page, '[data-testid=elements-panel]', 'creative-elements-zh-CN');
        await setLanguage(page, 'en');

        // Dropped images: on the drop area a new element (frontal first), on an element its
        // references; neither starts a new scan of the dropped files.
        await dropPaths(
          page,
          [join(library, 'dog.jpg'), join(library, 'cat.jpg')],
          '[data-testid=element-drop]',
        );
        await dropPaths(page, [join(library, 'cat-side.jpg')], '[data-testid=element-card] >> nth=1');
        await expect.poll(() => panel.getByTestId('element-card').count()).toBe(3);
        await panel.getByTestId('element-card').nth(1).getByText('cat-side.jpg').waitFor();
        await panel.getByTestId('element-card').nth(2).getByText('cat.jpg').waitFor();
        await panel.getByText('Kling 3.0 Standard takes at most 3 elements.').waitFor();
        await page.getByTestId('scan-summary').getByText(session.inputDir).waitFor();
        await prompt.fill('A @Element1 walks through {name} past @Element3');
        await page
          .getByTestId('elements-used')
          .filter({ hasText: 'Uses @Element1, @Element3' })
          .first()
          .waitFor();

        // The batch runs: every request carried the elements and the simulator accepted it.
        await page.getByTestId('start-button').filter({ hasText: 'Start 2 videos' }).click();
        await page.waitForURL(/#\/batch\/\d+$/);
        await expect
          .poll(() => page.locator('[data-testid=item-row][data-state=done]').count(), { timeout: 60_000 })
          .toBe(2);
        const submits = session.harness.simulator.ledger.submits.filter((s) => s.created);
        expect(submits.map((s) => [s.httpStatus, s.prompt])).toEqual([
          [200, expect.stringMatching(/^A @Element1 walks through shot-\d past @Element3$/)],
          [200, expect.stringMatching(/^A @Element1 walks through shot-\d past @Element3$/)],
        ]);
        expect(errors).toEqual([]);
      } finally {
        await page.context().close();
        await session.close();
      }
    },
  );

  it(
    'hides the panel with the reason on a model without an elements field',
    { timeout: 60_000 },
    async () => {
      const session = await startSession('creative-no-elements', {
        settings: { simulated: true, notifications: false },
      });
      await writeImages(session.inputDir, 1);
      const { page, errors } = await openApp(session);
      try {
        await page.getByRole('button', { name: 'Choose folders or images…' }).click();
        await page.getByTestId('scan-summary').waitFor();
        await openSections(page);
        await page.getByTestId('model-picker').locator('label.model-option', { hasText: 'Wan 2.5' }).click();
        await page
          .getByTestId('no-elements')
          .filter({ hasText: 'Wan 2.5 has no reference-elements field, so it cannot take @Element images.' })
          .waitFor();
        expect(await page.getByTestId('elements-panel').count()).toBe(0);
        expect(errors).toEqual([]);
      } finally {
        await page.context().close();
        await session.close();
      }
    },
  );
});

describe('fit mode', () => {
  it(
    'shows the fitted frame beside the original, crop against pad, and the summary agrees',
    { timeout: 120_000 },
    async () => {
      const session = await startSession('creative-fit', {
        settings: { simulated: true, notifications: false },
      });
      await jpeg(join(session.inputDir, 'pano.jpg'), 1500, 400, 30);
      await jpeg(join(session.inputDir, 'tiny.jpg'), 200, 150, 90);
      await jpeg(join(session.inputDir, 'square.jpg'), 600, 600, 150);
      // A multi-shot video from a sidecar beside the image: the preview lists its shots.
      writeFileSync(
        join(session.inputDir, 'square.shots.txt'),
        '3s: wide on {name}\n3s: close on the door\n',
      );
      writeFileSync(join(session.inputDir, 'prompts.csv'), 'file,duration\nsquare.jpg,6\n');
      await jpeg(join(session.inputDir, 'harbour.jpg'), 480, 360, 210);
      await jpeg(join(session.inputDir, 'harbour-last.jpg'), 480, 360, 240);
      const { page, errors } = await openApp(session);
      try {
        await page.getByRole('button', { name: 'Choose folders or images…' }).click();
        await page.getByTestId('scan-summary').waitFor();
        await openSections(page);
        await page.getByRole('button', { name: 'Choose…' }).click();
        const resized = page.getByTestId('resized-count');
        const row = (name: string) => page.locator('.preview-item', { hasText: name });
        // Crop is the default: the panorama is cropped, the small image enlarged (and says so).
        await row('pano.jpg').getByText('Sent: cropped 1000×400').waitFor();
        // Only enlarged: same shape, so neither "cropped" nor "padded".
        await row('tiny.jpg').getByText('Sent: enlarged 400×300').waitFor();
        await row('tiny.jpg')
          .getByTestId('upscaled')
          .filter({ hasText: 'Upscaled: may look soft' })
          .waitFor();
        expect(await row('pano.jpg').getByTestId('upscaled').count()).toBe(0);
        expect(await row('square.jpg').getByTestId('fitted-frames').count()).toBe(0);
        expect(await row('square.jpg').getByTestId('preview-shots').locator('li').allInnerTexts()).toEqual([
          'Shot 1 (3 s): wide on square',
          'Shot 2 (3 s): close on the door',
        ]);
        await expect.poll(() => resized.innerText()).toBe('2');
        const fittedSize = (name: string) =>
          row(name)
            .locator('[data-testid=fitted-frames] img')
            .nth(1)
            .evaluate(async (img) => {
              const el = img as unknown as PageNode;
              for (let i = 0; i < 50 && !(el.complete && el.naturalWidth > 0); i++)
                await new Promise((r) => setTimeout(r, 100));
              return [el.naturalWidth, el.naturalHeight];
            });
        expect(await fittedSize('pano.jpg')).toEqual([256, 102]);
        await shot(page, '[data-testid=preview]', 'creative-fit-crop');

        // Each choice is named by its name and described by its explanation.
        const pad = page.getByRole('radio', { name: 'Pad', exact: true });
        expect(await pad.getAttribute('aria-describedby')).toBe('fit-hint-pad');
        await pad.check();
        await row('pano.jpg').getByText('Sent: padded 1500×600').waitFor();
        expect(await fittedSize('pano.jpg')).toEqual([256, 102]);
        await expect.poll(() => resized.innerText()).toBe('2');
        await shot(page, '[data-testid=preview]', 'creative-fit-pad');
        await page.emulateMedia({ colorScheme: 'dark' });
        await shot(page, '[data-testid=fit-mode]', 'creative-fit-pad-dark');
        await page.emulateMedia({ colorScheme: 'light' });
        expect(await axeEveryWay(page, 'new batch, fitted frames')).toEqual([]);

        await page.getByTestId('fit-mode').getByText('Refuse', { exact: true }).click();
        await expect.poll(() => resized.innerText()).toBe('0');
        await row('pano.jpg').getByText('Fit mode is "refuse"', { exact: false }).waitFor();

        await setLanguage(page, 'zh-CN');
        // The refusal itself reads in Chinese, with the image's size and the model's range.
        await row('pano.jpg')
          .getByText(
            '它的宽高比 3.75:1（1500x400）超出 Kling 3.0 Standard 接受的范围（宽/高在 0.4 到 2.5 之间）',
            {
              exact: false,
            },
          )
          .waitFor();
        await row('pano.jpg').getByText('适配方式为“拒绝”', { exact: false }).waitFor();
        await page.getByTestId('fit-mode').getByText('裁剪', { exact: true }).click();
        await row('pano.jpg').getByText('发送：裁剪为 1000×400').waitFor();
        await row('tiny.jpg').getByText('已放大：可能偏模糊').waitFor();
        await shot(page, '[data-testid=preview]', 'creative-fit-crop-zh-CN');
        await page.getByTestId('fit-mode').getByText('填充', { exact: true }).click();
        await row('pano.jpg').getByText('发送：填充为 1500×600').waitFor();
        await shot(page, '[data-testid=preview]', 'creative-fit-pad-zh-CN');
        await setLanguage(page, 'en');

        // Another end-frame ending (offered once the model takes end frames): a path is refused
        // in words; "-last" pairs, the draft stays.
        await page
          .getByTestId('model-picker')
          .locator('label.model-option', { hasText: 'Kling 3.0 Pro' })
          .click();
        await page.getByText('Pair end frames by another file-name ending').click();
        const suffix = page.getByTestId('end-suffix');
        await suffix.fill('end/x');
        await page.getByRole('button', { name: 'Pair again' }).click();
        await page.getByText('The end-frame ending “end/x” contains / or \\', { exact: false }).waitFor();
        await shot(page, '[data-testid=scan-summary]', 'creative-end-suffix-error');
        await suffix.fill('-last');
        await page.getByRole('button', { name: 'Pair again' }).click();
        await page.getByTestId('end-frame-count').filter({ hasText: '1' }).waitFor();
        await page.getByText('Also paired by the ending “-last”.').waitFor();
        expect(await page.getByTestId('fit-pad').isChecked()).toBe(true);
        expect(await page.getByTestId('output-dir').inputValue()).toBe(session.outputDir);
        expect(errors).toEqual([]);
      } finally {
        await page.context().close();
        await session.close();
      }
    },
  );
});
