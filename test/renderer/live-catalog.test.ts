// RunComfy's catalog in the window, against the simulator: the picker says where its models come
// from, searches them and groups them by family; a model the app does not ship (described only
// by the simulator's catalog) shows its own fields, its price makes the estimate, and it runs
// under a budget with every request accepted; the balance sits in the header and in Settings;
// Settings → Models → Add picks from RunComfy's list. Screenshots in en and zh-CN; axe on the
// picker and the add dialog.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UNSHIPPED_MODEL_ID } from '../../main/core/simulator/simulated-models';
import { axeEveryWay, setLanguage } from './a11y-helpers';
import {
  closeSession,
  openSession,
  screenshot,
  screenshotAt,
  writeImages,
  type Session,
  openSections,
} from './helpers';

let session: Session;
let page: Page;
let errors: string[];

beforeAll(async () => {
  ({ session, page, errors } = await openSession(
    'live-catalog',
    // RunComfy's catalog gives the prices its pages publish: some models stay "price unknown".
    { liveCatalog: true, simulator: { catalogPrices: 'published' } },
    async (s) => void (await writeImages(s.inputDir, 2)),
  ));
});

afterAll(() => closeSession({ session, page }));

const picker = () => page.getByTestId('model-picker');
const card = (name: string | RegExp) => picker().locator('label.model-option', { hasText: name });

describe('the live catalog in the window', () => {
  it(
    'searches and groups RunComfy’s models, and runs one the app does not ship',
    { timeout: 90_000 },
    async () => {
      await page.getByRole('button', { name: 'Choose folders or images…' }).click();
      await page.getByTestId('scan-summary').waitFor();
      await openSections(page);
      await picker()
        .getByText(/^Models from RunComfy’s catalog, fetched /)
        .waitFor();
      await page.getByTestId('balance-stat').filter({ hasText: '$1,000.00' }).waitFor();
      // Families with a known price first: Kling's prices are published and the simulator's own
      // model has its price; Wan's are not published.
      const groups = await picker().locator('.model-group-title').allInnerTexts();
      expect(groups.slice(0, 3).map((g) => g.toLowerCase())).toEqual(['kling', 'lumenfold', 'wan']);
      expect(await card(/Wan 2\.6(?! Flash)/).innerText()).toMatch(/partly known[\s\S]*price unknown/);
      expect(await card('Kling 3.0 Standard').innerText()).not.toContain('partly known');
      await screenshotAt(page, '[data-testid=model-picker]', 'models-picker-groups');

      await page.getByTestId('model-search').fill('drift');
      await card('Lumenfold Drift 1').waitFor();
      expect(await picker().locator('label.model-option').count()).toBe(1);
      expect(await axeEveryWay(page, 'model picker with a search')).toEqual([]);
      await screenshotAt(page, '[data-testid=model-picker]', 'models-picker-search');
      await card('Lumenfold Drift 1').click();

      // Its own fields, from RunComfy's dialect: a float with a localised title, an enum, a duration as text.
      const fields = page.getByTestId('model-fields');
      await fields.getByText(/^Fields and price from RunComfy’s catalog, fetched /).waitFor();
      expect(await page.getByTestId('duration').locator('option').allInnerTexts()).toEqual(['4 s', '8 s']);
      await page.getByTestId('duration').selectOption('8');
      await page.getByLabel('Intensidad de movimiento').fill('0.3');
      await page.getByLabel('Camera').selectOption('orbit');
      await page.getByTestId('budget').fill('1');
      await page.getByRole('button', { name: 'Choose…' }).click();
      await expect.poll(() => page.getByTestId('output-dir').inputValue()).toBe(session.outputDir);
      // $0.05 a second, 8 s, two videos: $0.80, within the $1 budget.
      await page.getByTestId('estimated-cost').filter({ hasText: '$0.80' }).waitFor();
      await screenshotAt(page, '[data-testid=model-fields]', 'models-live-form');

      await page.getByTestId('start-button').click();
      await page.getByTestId('batch-state').filter({ hasText: 'Finished' }).waitFor({ timeout: 60_000 });
      const sent = session.harness.simulator.ledger.submits.filter((s) => s.modelId === UNSHIPPED_MODEL_ID);
      expect(sent).toHaveLength(2);
      expect(sent.every((s) => s.httpStatus === 200 && s.created && s.duration === 8)).toBe(true);
      expect(session.harness.simulator.ledger.charges.reduce((sum, c) => sum + c.usd, 0)).toBeCloseTo(0.8, 6);

      // The same screens in Chinese.
      await setLanguage(page, 'zh-CN');
      await page.goto(`${session.harness.url}/#/new`);
      await page.getByRole('button', { name: '选择文件夹或图片…' }).click();
      await page.getByTestId('scan-summary').waitFor();
      await picker()
        .getByText(/^模型来自 RunComfy 的目录/)
        .waitFor();
      await page.getByTestId('model-search').fill('drift');
      await card('Lumenfold Drift 1').waitFor();
      await screenshotAt(page, '[data-testid=model-picker]', 'models-picker-search-zh-CN');
      await card('Lumenfold Drift 1').click();
      await page
        .getByTestId('model-fields')
        .getByText(/^字段和价格来自 RunComfy 的目录/)
        .waitFor();
      await screenshotAt(page, '[data-testid=model-fields]', 'models-live-form-zh-CN');
      await setLanguage(page, 'en');
      expect(errors).toEqual([]);
    },
  );

  it('shows the balance in Settings and adds a model from RunComfy’s list', { timeout: 90_000 }, async () => {
    const openAdd = async () => {
      await page.getByTestId('settings-button').click();
      await page.getByTestId('add-model').click();
      await page.getByTestId('runcomfy-search-input').fill('kling');
      await page.getByTestId('runcomfy-results').waitFor();
    };
    // Escape clears the search field first, then closes the dialog; Settings is a page: Back.
    const closeAll = async () => {
      for (let i = 0; i < 4 && (await page.getByTestId('add-model-dialog').count()) > 0; i++)
        await page.keyboard.press('Escape');
      await page.getByTestId('add-model-dialog').waitFor({ state: 'detached' });
      await page.goBack();
      await page.getByTestId('settings-page').waitFor({ state: 'detached' });
    };
    expect(
      await axeEveryWay(page, 'add a model from RunComfy’s list', { show: openAdd, hide: closeAll }),
    ).toEqual([]);

    await page.getByTestId('settings-button').click();
    const settings = page.getByTestId('settings-page');
    await settings.getByTestId('account-balance-value').filter({ hasText: '$999.20' }).waitFor();
    expect(await settings.getByRole('link', { name: 'Top up' }).getAttribute('href')).toBe(
      'https://www.runcomfy.com/profile',
    );
    await settings.getByTestId('add-model').click();
    const dialog = page.getByTestId('add-model-dialog');
    await dialog.getByTestId('runcomfy-search-input').fill('kling');
    const results = dialog.getByTestId('runcomfy-results');
    await results.waitFor();
    // Its image-to-video models are already in the picker.
    expect(await results.getByText('in the list').count()).toBeGreaterThan(3);
    await screenshot(page, 'models-add-from-runcomfy');
    await closeAll();
    expect(errors).toEqual([]);
  });
});
