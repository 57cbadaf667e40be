// What a shoot of every kind of input looks like on the setup screen: a phone photo tagged as
// portrait shown and fitted upright, TIFF and GIF taken (converted), a 64 px icon refused
// instead of enlarged 4.7x and paid for, rejections named under the dropped folder, one note for
// a panorama, the scan screen with Cancel (and no "0 of 0 files checked"), the end-frame ending
// only where end frames matter, no stale count while the template has an error, and a real
// example prompt to start from. Real intake behind the browser harness; screenshots in en and
// zh-CN, light and dark.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, Route } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeEveryWay, setLanguage } from './a11y-helpers';
import { closeSession, openSession, screenshot, screenshotAt, type Session, summaryStat } from './helpers';

let session: Session;
let page: Page;
let errors: string[];

const picture = (width: number, height: number, background: string) =>
  sharp({ create: { width, height, channels: 3, background } });

beforeAll(async () => {
  ({ session, page, errors } = await openSession('setup-intake', { recordTraffic: true }, async (s) => {
    const dir = s.inputDir;
    // Stored 900x300, tagged "turn 90° clockwise": a 300x900 portrait as every viewer shows it.
    await picture(900, 300, '#204080').withMetadata({ orientation: 6 }).jpeg().toFile(join(dir, 'phone.jpg'));
    await picture(640, 480, '#336699').tiff().toFile(join(dir, 'scan.tif'));
    await picture(640, 480, '#993366').gif().toFile(join(dir, 'loop.gif'));
    await picture(64, 64, '#cc9933').png().toFile(join(dir, 'icon.png'));
    await picture(4000, 800, '#669933').jpeg().toFile(join(dir, 'pano.jpg'));
    mkdirSync(join(dir, 'deep', 'er'), { recursive: true });
    writeFileSync(join(dir, 'deep', 'er', 'broken.jpg'), 'not a picture, only its name says so');
  }));
}, 60_000);

afterAll(() => closeSession({ session, page }));

const row = (name: string) => page.locator('.preview-item', { hasText: name });

describe('the setup screen, with every kind of input', () => {
  it('says it is looking, and Cancel stops the scan', { timeout: 60_000 }, async () => {
    // Held at main's door, the scan has found nothing yet: not "0 of 0 files checked".
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    // Typed by assertion: set inside the route handler, which the narrowing of `= null` cannot see.
    let passed = null as Promise<void> | null;
    await page.route('**/api/invoke/command:scan.start', (route: Route) => {
      passed = held.then(() => route.continue());
      return passed;
    });
    await page.getByRole('button', { name: 'Choose folders or images…' }).click();
    const progress = page.getByTestId('scan-progress');
    await progress.getByText('Looking for images in what you dropped…').waitFor();
    expect(await progress.innerText()).not.toContain('0 of 0');
    await screenshot(page, 'setup-intake-scanning');
    expect(await axeEveryWay(page, 'scanning')).toEqual([]);
    await progress.getByRole('button', { name: 'Cancel' }).click();
    await page.getByRole('button', { name: 'Choose folders or images…' }).waitFor();
    release();
    await expect.poll(() => passed !== null).toBe(true);
    await passed;
    await page.unroute('**/api/invoke/command:scan.start');
    // The scan main started meanwhile is stopped there too.
    await expect
      .poll(() => session.harness.traffic.invokes.filter((i) => i.channel === 'command:scan.cancel').length)
      .toBe(1);
  });

  it(
    'takes TIFF, GIF and a turned phone photo; refuses a 64 px icon; names rejections under the folder',
    { timeout: 90_000 },
    async () => {
      await page.getByRole('button', { name: 'Choose folders or images…' }).click();
      await page.getByTestId('scan-summary').waitFor();
      // Six files: five images and a broken one; the icon is refused by the plan, not the scan.
      expect([
        await summaryStat(page, 'Found'),
        await summaryStat(page, 'Ready'),
        await summaryStat(page, 'Cannot be used'),
      ]).toEqual(['6', '5', '1']);
      await page.getByText('Show which files cannot be used (1), and why').click();
      const rejection = await page.locator('.rejections li').innerText();
      expect(rejection).toMatch(/^deep\/er\/broken\.jpg — not an image/);
      expect(rejection).not.toContain(session.rootDir);

      // The example prompt, not {name}: the file name is not what a video should be about.
      expect(await page.getByTestId('prompt-template').inputValue()).not.toContain('{name}');

      // The phone photo is the portrait its viewer shows: cropped tall, never a band across it.
      await row('phone.jpg').getByText('Original 300×900').waitFor();
      await row('phone.jpg').getByText('Sent: cropped 300×750').waitFor();
      await row('scan.tif').getByText('converted from TIFF (which Kling does not take) to JPEG').waitFor();
      await row('loop.gif').getByText('converted from GIF (which Kling does not take) to JPEG').waitFor();
      await row('icon.png')
        .getByText(/too small: it is 64x64 px.*enlarge it 4\.7x/)
        .waitFor();
      // A panorama over 3840 px: one note, with the size sent.
      const panoNotes = await row('pano.jpg').locator('.note').allInnerTexts();
      expect(panoNotes).toEqual([expect.stringMatching(/^centre-cropped from 4000x800 to 2000x800/)]);
      await page.getByTestId('start-button').filter({ hasText: 'Start 4 videos' }).waitFor();

      for (const language of ['en', 'zh-CN'] as const) {
        if (language !== 'en') await setLanguage(page, language);
        for (const theme of ['light', 'dark'] as const) {
          await page.emulateMedia({ colorScheme: theme });
          await screenshotAt(page, '[data-testid=preview]', `setup-intake-preview-${language}-${theme}`);
        }
      }
      await row('icon.png')
        .getByText(/^未发送|不会发送/)
        .waitFor();
      await page.emulateMedia({ colorScheme: 'light' });
      await setLanguage(page, 'en');
    },
  );

  it('offers another end-frame ending only where end frames matter', async () => {
    const offer = page.getByText('Pair end frames by another file-name ending');
    expect(await offer.count()).toBe(0); // Kling 3.0 Standard takes no end frame, none were paired
    await page.getByTestId('section-model').getByRole('button').first().click();
    await page
      .getByTestId('model-picker')
      .locator('label.model-option', { hasText: 'Kling 3.0 Pro' })
      .click();
    await offer.waitFor();
  });

  it('shows no count for a template with an error', async () => {
    await page.getByTestId('prompt-template').fill('A dolly shot of {nmae}');
    await page.getByTestId('start-reason').getByText('Fix the marked fields to start.').waitFor();
    expect(await page.getByTestId('to-send').innerText()).toBe('…');
    expect(await page.getByTestId('start-button').innerText()).toBe('Start');
    await screenshotAt(page, '[data-testid=start-bar]', 'setup-intake-template-error');
    expect(errors).toEqual([]);
  });
});
