// Named presets: save the current settings under a name, change them, apply the preset and
// get them back; the preset lives in main (settings.json), so it survives a reload.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSession, openSession, type Session, writeImages, openSections } from './helpers';

let session: Session;
let page: Page;

beforeAll(async () => {
  ({ session, page } = await openSession('presets'));
});

afterAll(() => closeSession({ session, page }));

describe('presets', () => {
  it('saves, applies and keeps a named preset', { timeout: 60_000 }, async () => {
    await writeImages(session.inputDir, 2);
    await page.getByRole('button', { name: 'Choose folders or images…' }).click();
    await page.getByTestId('scan-summary').waitFor();
    await openSections(page);
    const template = page.getByTestId('prompt-template');
    const duration = page.getByLabel('Duration');
    await template.fill('Night shot of {name}, neon');
    await duration.fill('7');

    await page.getByRole('button', { name: 'Save as preset' }).click();
    await page.getByLabel('Preset name').fill('Night');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Preset "Night" saved.').waitFor();
    // No output folder was chosen yet: the preset is saved without one (this once failed).
    expect(session.harness.settings.get().presets.map((p) => p.name)).toEqual(['Night']);
    expect(session.harness.settings.get().presets[0]!.settings.outputDir).toBeUndefined();

    await template.fill('Day {name}');
    await duration.fill('4');
    await page.getByLabel('Presets').selectOption('Night');
    await expect.poll(() => template.inputValue()).toBe('Night shot of {name}, neon');
    expect(await duration.inputValue()).toBe('7');

    await page.reload();
    await page.getByRole('button', { name: 'Choose folders or images…' }).click();
    await page.getByTestId('scan-summary').waitFor();
    await openSections(page);
    await page.getByLabel('Presets').selectOption('Night');
    await expect
      .poll(() => page.getByTestId('prompt-template').inputValue())
      .toBe('Night shot of {name}, neon');
  });
});
