// The setup form as a new user fills it and a returning one reuses it: what a template variable
// covers as it is typed, Start never clickable on stale numbers (the batch made is the one
// shown), why "Start 0 videos" and the way out, files added or dropped without losing the
// draft, what the last batch carried over and when a cap will pause, the form in folded parts
// with the preview beside it and errors that take you to their field, and the keyboard (few Tab
// stops, chips as one widget, Ctrl+Enter). Real engine, intake and simulator behind the browser
// harness; screenshots in en and zh-CN, light and dark; axe over the new parts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeEveryWay, focused, setLanguage, tabTo } from './a11y-helpers';
import {
  closeSession,
  dropPaths,
  openSession,
  openSections,
  screenshot,
  screenshotAt,
  startOver,
  type Session,
  writeImages,
  summaryStat,
} from './helpers';

interface PageNode {
  disabled?: boolean;
  getBoundingClientRect(): { left: number; right: number; top: number; bottom: number };
}
declare const document: {
  querySelector(selector: string): PageNode | null;
  activeElement: { getAttribute(name: string): string | null } | null;
};

let session: Session;
let page: Page;
let errors: string[];
let small: string;
let more: string;

beforeAll(async () => {
  ({ session, page, errors } = await openSession('setup-form', {}, async (s) => {
    await writeImages(s.inputDir, 6);
    writeFileSync(join(s.inputDir, 'shot-1.txt'), 'a red boat at dawn');
    writeFileSync(join(s.inputDir, 'shot-2.txt'), 'a lighthouse in fog');
    small = join(s.rootDir, 'small');
    await writeImages(small, 3, { prefix: 'small' });
    more = join(s.rootDir, 'more');
    await writeImages(more, 2, { prefix: 'more' });
  }));
}, 60_000);

afterAll(() => closeSession({ session, page }));

const start = () => page.getByTestId('start-button');
const template = () => page.getByTestId('prompt-template');

async function choose(dir: string) {
  session.harness.setPickedInputs([dir]);
  await page.getByRole('link', { name: 'New batch' }).click();
  if (await page.getByTestId('start-bar').isVisible()) await startOver(page);
  await page.getByRole('button', { name: 'Choose folders or images…' }).click();
  await page.getByTestId('scan-summary').waitFor();
}

/** The start button's words once it can start (its preview is of the form as it is). */
async function ready(): Promise<string> {
  await page.waitForFunction(() => document.querySelector('[data-testid=start-button]')?.disabled === false);
  return start().innerText();
}

/** Screenshots in both languages and themes, of the page scrolled to `selector`. */
async function screenshots(name: string, selector: string) {
  for (const language of ['en', 'zh-CN'] as const) {
    if (language !== 'en') await setLanguage(page, language);
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await screenshotAt(page, selector, `setup-${name}-${language}-${theme}`);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await setLanguage(page, 'en');
}

describe('the setup form', () => {
  it(
    'says what a template variable covers as it is typed, with a one-click default',
    { timeout: 90_000 },
    async () => {
      await choose(session.inputDir);
      await template().fill('{caption}, slow pan');
      // Said at once, under the template: no waiting for the preview, no red rows deep in it.
      const coverage = page.getByTestId('prompt-template-coverage');
      await coverage
        .getByText('{caption} has a value for 2 of 6 images: the other 4 would not be sent.')
        .waitFor();
      expect(await ready()).toMatch(/^Start 2 videos/);
      await screenshots('coverage', '[data-testid=scan-summary]');
      expect(await axeEveryWay(page, 'template coverage')).toEqual([]);

      await coverage.getByRole('button', { name: 'Give the others a default: {caption}' }).click();
      await expect.poll(() => template().inputValue()).toBe('{caption|}, slow pan');
      // The caret waits after "|" for the default.
      await page.keyboard.type('a quiet street');
      await expect.poll(() => template().inputValue()).toBe('{caption|a quiet street}, slow pan');
      await coverage.getByText('the other 4 get your default').waitFor();
      expect(await ready()).toMatch(/^Start 6 videos/);
      await page.getByTestId('preview').getByText('a quiet street, slow pan').first().waitFor();
    },
  );

  it('never starts on stale numbers: the batch made is the one shown', { timeout: 90_000 }, async () => {
    const batchesBefore = session.harness.engine.listBatches().length;
    await choose(small);
    await template().fill('A slow pan over {name}');
    await openSections(page, 'Video');
    expect(await ready()).toBe('Start 3 videos — est. $1.26');
    // The new preview is held at main's door while the page is looked at (no race with it).
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/invoke/query:scan.preview', (route) => held.then(() => route.continue()));
    try {
      await page.getByTestId('takes').fill('3');
      // Before the preview has caught up: nothing to click, no old count on the button.
      await page.getByTestId('start-reason').getByText('Updating the preview for these settings…').waitFor();
      expect(await start().isDisabled()).toBe(true);
      expect(await start().innerText()).toBe('Start');
      expect(await page.getByTestId('to-send').innerText()).toBe('…');
      // A click now starts nothing.
      await start().click({ force: true });
      expect(session.harness.engine.listBatches()).toHaveLength(batchesBefore);
    } finally {
      release();
    }
    expect(await ready()).toBe('Start 9 videos — est. $3.78');
    await page.unroute('**/api/invoke/query:scan.preview');
    await start().click();
    await page.waitForURL(/#\/batch\/\d+$/);
    const batchId = Number(/#\/batch\/(\d+)$/.exec(page.url())![1]);
    await expect
      .poll(() => session.harness.engine.getBatch(batchId)?.state, { timeout: 30_000 })
      .toBe('finished');
    expect(session.harness.engine.getBatch(batchId)!.counts.done).toBe(9);
  });

  it('"Start 0 videos" says why, with the way out beside it', { timeout: 90_000 }, async () => {
    await choose(small);
    // The same images, prompt and takes as the batch just made.
    const reason = page.getByTestId('start-reason');
    await reason
      .getByText('Nothing to send: 9 videos were already generated (or are on their way)', { exact: false })
      .waitFor();
    expect(await start().isDisabled()).toBe(true);
    await screenshots('all-generated', '[data-testid=start-bar]');
    expect(await axeEveryWay(page, 'start bar, all generated')).toEqual([]);
    await reason.getByRole('button', { name: 'Make them again' }).click();
    expect(await ready()).toMatch(/^Start 9 videos/);
    await openSections(page, 'Output');
    expect(await page.getByTestId('force').isChecked()).toBe(true);
  });

  it(
    'shows what the last batch carried over, and when its cap will pause this one',
    { timeout: 90_000 },
    async () => {
      await choose(session.inputDir);
      const carried = page.getByTestId('carried-over');
      // The last batch made 3 takes of each image.
      await carried.getByText('3 takes').waitFor();
      await openSections(page, 'Spending');
      await page.getByTestId('budget').fill('1.50');
      await template().fill('A slow pan over {name}');
      const warning = page.getByTestId('cap-warning');
      await warning
        .getByText('The $1.50 cap pauses this batch after about 3 of 18 videos (est. $7.56).')
        .waitFor();
      await screenshots('carried-over-and-cap', '[data-testid=carried-over]');
      expect(await axeEveryWay(page, 'carried over and cap warning')).toEqual([]);
      await warning.getByRole('button', { name: 'Raise the cap to $7.56' }).click();
      await warning.waitFor({ state: 'detached' });
      expect(await page.getByTestId('budget').inputValue()).toBe('7.56');
      await carried.getByRole('button', { name: 'Use the usual settings' }).click();
      await carried.waitFor({ state: 'detached' });
      expect(await ready()).toMatch(/^Start 6 videos/);
    },
  );

  it(
    'keeps the draft when files are added or dropped; replacing and starting over ask',
    { timeout: 90_000 },
    async () => {
      await choose(small);
      await template().fill('Kept: {name}');
      session.harness.setPickedInputs([more]);
      await page.getByTestId('add-files').click();
      await expect.poll(() => summaryStat(page, 'Ready')).toBe('5');
      expect(await template().inputValue()).toBe('Kept: {name}');

      // A drop on the setup screen asks: add, or replace (the draft stays either way).
      await dropPaths(page, [join(session.inputDir, 'shot-3.jpg')]);
      const choice = page.getByTestId('drop-choice');
      await choice.getByText('This batch has 5 images.', { exact: false }).waitFor();
      await screenshot(page, 'setup-drop-choice');
      expect(
        await axeEveryWay(page, 'drop during setup', {
          show: async () => {
            await dropPaths(page, [join(session.inputDir, 'shot-3.jpg')]);
            await choice.waitFor();
          },
          hide: async () => {
            await page.keyboard.press('Escape');
            await choice.waitFor({ state: 'detached' });
          },
        }),
      ).toEqual([]);
      await dropPaths(page, [join(session.inputDir, 'shot-3.jpg')]);
      await choice.getByRole('button', { name: 'Replace the images' }).click();
      await expect.poll(() => summaryStat(page, 'Ready')).toBe('1');
      expect(await template().inputValue()).toBe('Kept: {name}');
      // The default folder followed the images.
      await openSections(page, 'Output');
      expect(await page.getByTestId('output-dir').inputValue()).toBe(join(session.inputDir, 'videos'));

      await page.getByTestId('start-bar').getByRole('button', { name: 'Start over' }).click();
      await page.getByTestId('confirm-dialog').getByRole('button', { name: 'Cancel' }).click();
      expect(await template().inputValue()).toBe('Kept: {name}');
      await startOver(page);
    },
  );

  it(
    'makes no other batch than shown: when the plan changed meanwhile, the new preview comes first',
    { timeout: 90_000 },
    async () => {
      await page.reload();
      await choose(more);
      await template().fill('Meanwhile {name}');
      expect(await ready()).toMatch(/^Start \d+ videos?/);
      // Meanwhile another window makes these very videos.
      const other = await page.context().newPage();
      try {
        await other.goto(`${session.harness.url}/#/new`);
        await other.getByRole('button', { name: 'Choose folders or images…' }).click();
        await other.getByTestId('prompt-template').fill('Meanwhile {name}');
        await other.waitForFunction(
          () => document.querySelector('[data-testid=start-button]')?.disabled === false,
        );
        await other.getByTestId('start-button').click();
        await other.waitForURL(/#\/batch\/\d+$/);
      } finally {
        await other.close();
      }
      const batches = session.harness.engine.listBatches().length;
      await start().click();
      await page.getByText('The batch was not made: it would now send 0 videos', { exact: false }).waitFor();
      expect(session.harness.engine.listBatches()).toHaveLength(batches);
      await page.getByTestId('start-reason').getByText('Nothing to send', { exact: false }).waitFor();
    },
  );

  it(
    'folds into parts with a summary, the preview beside it on a wide window, errors take you to their field',
    { timeout: 90_000 },
    async () => {
      await page.setViewportSize({ width: 1600, height: 900 });
      try {
        await page.reload(); // a fresh window: every part folded
        await choose(session.inputDir);
        await page
          .getByTestId('carried-over')
          .getByRole('button', { name: 'Use the usual settings' })
          .click();
        await template().fill('A slow pan over {name}');
        const video = page.getByTestId('section-video');
        expect(await video.getByRole('button').first().innerText()).toMatch(
          /^Video\s+5 s · no audio · 1 take · fit: Crop$/,
        );
        expect(await page.getByTestId('takes').isVisible()).toBe(false);
        // The default folder: the images' own, + videos/.
        expect(await page.getByTestId('section-output').innerText()).toContain(
          join(session.inputDir, 'videos'),
        );
        const box = (selector: string) =>
          page.evaluate((s) => document.querySelector(s)!.getBoundingClientRect(), selector);
        const form = await box('[data-testid=batch-form]');
        const preview = await box('[data-testid=preview]');
        expect(preview.left).toBeGreaterThan(form.right);
        expect(preview.top).toBeLessThan(900);
        await ready();
        await screenshot(page, 'setup-wide');

        // An error in a folded part: it opens, and "Show the first" focuses the field, on screen.
        await openSections(page, 'Video');
        await page.getByTestId('takes').fill('40');
        // A part with an error cannot be folded away while it holds it.
        expect(
          await page.getByTestId('section-video').getByRole('button').first().getAttribute('aria-disabled'),
        ).toBe('true');
        expect(await page.getByTestId('takes').isVisible()).toBe(true);
        await page
          .locator('main.screen')
          .evaluate((el) => (el as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
        await page.getByTestId('start-reason').getByRole('button', { name: 'Show the first' }).click();
        await expect
          .poll(() => page.evaluate(() => document.activeElement?.getAttribute('data-testid')))
          .toBe('takes');
        const field = await box('[data-testid=takes]');
        expect(field.top).toBeGreaterThanOrEqual(0);
        expect(field.bottom).toBeLessThanOrEqual(900);
        await page.getByTestId('takes').fill('1');
      } finally {
        await page.setViewportSize({ width: 1280, height: 860 });
      }
    },
  );

  it(
    'by keyboard: few Tab stops to Start, the chips one widget, Ctrl+Enter starts',
    { timeout: 90_000 },
    async () => {
      await page.reload(); // a fresh window: every part folded
      await choose(small);
      await template().fill('Keyboard take of {name}');
      await ready();
      await page.locator('body').click({ position: { x: 1, y: 1 } });
      // From the top of the screen to Start (the chips were one stop each, the form unfolded).
      const { stops, unmarked } = await tabTo(page, /^Start \d+ videos?/, { limit: 20 });
      expect(unmarked).toEqual([]);
      // One stop per folded part (model, video, output, spending, when), the template and its chips.
      expect(stops).toBeLessThanOrEqual(17);

      await tabTo(page, /^Prompt template$/, { backwards: true });
      await page.keyboard.press('ControlOrMeta+A');
      await page.keyboard.type('Dusk over ');
      await page.keyboard.press('Tab');
      expect((await focused(page))?.name).toBe('{name}: insert into Prompt template');
      await page.keyboard.press('ArrowRight');
      expect((await focused(page))?.name).toBe('{folder}: insert into Prompt template');
      await page.keyboard.press('ArrowLeft');
      await page.keyboard.press('Enter');
      await expect.poll(() => template().inputValue()).toBe('Dusk over {name}');
      // Ctrl+Enter from the template starts the batch shown.
      await ready();
      await template().press('Control+Enter');
      await page.waitForURL(/#\/batch\/\d+$/);
      expect(errors).toEqual([]);
    },
  );
  it(
    'sets a batch\'s hours and watching in its "When" part; the batch is made with them',
    { timeout: 90_000 },
    async () => {
      const { engine } = session.harness;
      await choose(small);
      await template().fill('Night take of {name}');
      await openSections(page, 'When');
      const when = page.getByTestId('section-when');
      await page.getByTestId('when-start').fill('01:00');
      // Half a window is said at once, and Start waits for the other half.
      await page.getByTestId('when-from').fill('22:00');
      await when.getByText('Give both times as HH:MM').waitFor();
      expect(await start().isDisabled()).toBe(true);
      await page.getByTestId('when-to').fill('07:00');
      await page.getByTestId('when-watch').check();
      await expect
        .poll(() => when.textContent())
        .toMatch(/Starts at 01:00 · only 22:00–07:00 · then watches its folders/);
      expect(await axeEveryWay(page, 'the When part')).toEqual([]);
      await screenshots('when', '[data-testid=section-when]');
      await setLanguage(page, 'en');
      await page.emulateMedia({ colorScheme: 'light' });
      expect(await ready()).toMatch(/^Start \d+ videos/);
      await start().click();
      await page.waitForURL(/#\/batch\/\d+$/);
      const batchId = Number(/(\d+)$/.exec(page.url())![1]);
      const made = engine.getBatch(batchId)!;
      expect(made.schedule?.window).toEqual({ start: '22:00', end: '07:00' });
      expect(made.schedule?.startAt).toBeGreaterThan(Date.now());
      expect(made.watch).toMatchObject({ folders: [small], active: true });
      // Nothing is sent before 01:00; the batch says it is watching.
      await page.getByTestId('watch-banner').waitFor();
      expect(made.counts.queued).toBe(made.total);
      await page.getByRole('button', { name: 'Stop watching' }).click();
      await page.getByTestId('watch-banner').waitFor({ state: 'detached' });
      await engine.commands.cancelBatch(batchId);
      expect(errors).toEqual([]);
    },
  );
});
