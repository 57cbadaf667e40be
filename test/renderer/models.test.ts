// Models as data in the browser: the picker shows every model with its price (or "price
// unknown") and a "partly known" badge; picking a non-Kling model builds its own settings form
// from its schema; Settings → Models → Add refuses a schema that does not parse with the
// parser's message, then adds a model by id (asking for its start-image field). Screenshots.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  closeSession,
  openSession,
  screenshot,
  SCREENSHOT_DIR,
  type Session,
  writeImages,
  openSections,
} from './helpers';

interface PageNode {
  getAttribute(name: string): string | null;
  textContent: string | null;
}
declare const document: {
  getElementById(id: string): PageNode | null;
  querySelector(selector: string): PageNode | null;
};

let session: Session;
let page: Page;
let errors: string[];

beforeAll(async () => {
  ({ session, page, errors } = await openSession(
    'models',
    { settings: { simulated: true, notifications: false } },
    async (s) => void (await writeImages(s.inputDir, 2)),
  ));
});

afterAll(() => closeSession({ session, page }));

/** The text of the elements an element's aria-describedby points at. */
async function describedBy(testId: string): Promise<string> {
  return page.evaluate((id) => {
    const node = document.querySelector(`[data-testid="${id}"]`);
    const ids = node?.getAttribute('aria-describedby')?.split(' ') ?? [];
    return ids.map((i) => document.getElementById(i)?.textContent ?? '').join(' | ');
  }, testId);
}

describe('models in the browser', () => {
  it(
    'shows every model with its price and badges, and a generated form for Wan 2.5',
    { timeout: 60_000 },
    async () => {
      await page.getByRole('button', { name: 'Choose folders or images…' }).click();
      await page.getByTestId('scan-summary').waitFor();
      await openSections(page);
      const picker = page.getByTestId('model-picker');
      const option = (name: string) => picker.locator('label.model-option', { hasText: name });
      await option('Kling 3.0 Standard').waitFor();
      expect(await option('Kling 3.0 Standard').innerText()).toContain('$0.084 per second');
      expect(await option('Kling 3.0 Standard').innerText()).not.toContain('partly known');
      expect(await option('Wan 2.5').innerText()).toMatch(/partly known[\s\S]*price unknown/);
      await screenshot(page, 'models-picker');

      await option('Wan 2.5').click();
      const fields = page.getByTestId('model-fields');
      await fields.getByText('Wan 2.5 options').waitFor();
      // Role fields keep the app's editors (duration as the model's choices), others come from the schema.
      expect(await page.getByTestId('duration').locator('option').allInnerTexts()).toEqual(['5 s', '10 s']);
      expect(await page.getByText('Guidance (cfg)').count()).toBe(0);
      const resolution = page.getByLabel('Resolution');
      expect(await resolution.locator('option').allInnerTexts()).toEqual([
        'Default: 480P',
        '480P',
        '720P',
        '1080P',
      ]);
      await resolution.selectOption('720P');
      expect(await describedBy('model-field-audio_url')).toMatch(/wav or mp3/);
      await page.getByText('Estimated cost').first().waitFor();
      await page.getByTestId('start-button').filter({ hasText: 'est. unknown' }).waitFor();
      await screenshot(page, 'models-form-wan');
      // The generated part of the form, below the fold of the screenshot above.
      await fields.scrollIntoViewIfNeeded();
      await page.screenshot({ path: join(SCREENSHOT_DIR, 'models-form-wan-fields.png') });
      expect(errors).toEqual([]);
    },
  );

  it(
    'refuses a pasted schema that does not parse, then adds a model by id',
    { timeout: 60_000 },
    async () => {
      await page.getByRole('link', { name: 'Settings' }).click();
      await page.getByTestId('add-model').click();
      const dialog = page.getByTestId('add-model-dialog');
      // RunComfy's list comes first; a model it does not list is added by its id and schema.
      await dialog.getByText('Not listed by RunComfy? Add it by its id and input schema').click();
      await dialog.getByTestId('add-model-id').fill('acme/motion-1/image-to-video');
      await dialog.getByTestId('add-model-schema').fill('{"type": "object", "properties": {"picture": ');
      await dialog.getByText(/^The schema is not valid JSON: /).waitFor();
      expect(await describedBy('add-model-schema')).toMatch(/The schema is not valid JSON: /);
      expect(await dialog.getByRole('button', { name: 'Save model' }).isDisabled()).toBe(true);
      await screenshot(page, 'models-add-schema-error');

      await dialog.getByTestId('add-model-schema').fill('');
      await dialog.getByRole('button', { name: 'Save model' }).click();
      const start = dialog.getByTestId('add-model-start-field');
      await start.waitFor();
      await start.fill('picture');
      await dialog.getByRole('button', { name: 'Save model' }).click();
      await page.getByText('Model "acme/motion-1/image-to-video" added.').waitFor();
      await page.goBack(); // Settings is a page: back to the batch being set up
      const added = page
        .getByTestId('model-picker')
        .locator('label.model-option', { hasText: 'acme/motion-1/image-to-video' });
      await added.waitFor();
      expect(await added.innerText()).toMatch(/partly known[\s\S]*your entry[\s\S]*price unknown/);
      expect(session.harness.simulator.ledger.submits).toEqual([]);
      expect(errors).toEqual([]);
    },
  );
});
