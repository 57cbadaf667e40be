// The output folder goes away while videos are being made (a drive unplugged): the banner says
// so in a sentence, keeps the folder and the system's words under Details, and "Choose another
// folder…" saves the waiting videos in the folder the user picks, at once, the banner gone.
import { existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeEveryWay } from './a11y-helpers';
import { batchSettings } from '../main/core/app/helpers';
import { closeSession, invoke, openSession, screenshot, type Session, writeImages } from './helpers';

let session: Session;
let page: Page;
let errors: string[];

beforeAll(async () => {
  ({ session, page, errors } = await openSession(
    'output-banner',
    // Generations take a few real seconds (x0.001), so the folder can go before the first is saved.
    { simulator: { timeScale: 0.001, generationMs: () => 4_000_000 } },
    async (s) => void (await writeImages(s.inputDir, 2)),
  ));
});

afterAll(() => closeSession({ session, page }));

describe('the output folder banner', () => {
  it('offers another folder, and the waiting videos are saved there', { timeout: 90_000 }, async () => {
    const away = join(session.rootDir, 'usb', 'videos');
    mkdirSync(away, { recursive: true });
    const { scanId } = await invoke<{ scanId: string }>(session, 'command:scan.start', {
      paths: [session.inputDir],
    });
    await session.harness.core.scans.whenFinished(scanId);
    const { batchId } = await invoke<{ batchId: number }>(session, 'command:batch.create', {
      scanId,
      settings: batchSettings(away, {}),
    });
    await invoke(session, 'command:batch.start', { batchId });
    // Unplugged: the folder (seen at Start) and its drive are gone while the videos generate.
    rmSync(join(session.rootDir, 'usb'), { recursive: true, force: true });
    await page.goto(`${session.harness.url}/#/batch/${batchId}`);
    const banner = page.getByTestId('condition-banner');
    await banner.waitFor({ timeout: 60_000 });
    expect(await banner.getByRole('heading').innerText()).toBe('Output folder not available');
    expect(await banner.locator('.banner-text > p').innerText()).toBe(
      'Reconnect the drive or share: downloads continue by themselves when it is back. Or save the next videos in another folder.',
    );
    expect(await banner.getByTestId('condition-details').textContent()).toContain(away);
    await screenshot(page, 'output-folder-banner-en');
    expect(await axeEveryWay(page, 'output folder banner')).toEqual([]);

    const elsewhere = join(session.rootDir, 'elsewhere');
    mkdirSync(elsewhere);
    session.harness.setPickedOutputDir(elsewhere);
    await banner.getByTestId('choose-output-folder').click();
    await banner.waitFor({ state: 'detached', timeout: 30_000 });
    await page.getByTestId('batch-state').filter({ hasText: 'Finished' }).waitFor({ timeout: 60_000 });
    expect(
      readdirSync(elsewhere)
        .filter((f) => f.endsWith('.mp4'))
        .sort(),
    ).toEqual(['shot-1.mp4', 'shot-2.mp4']);
    // The unplugged folder was never made again.
    expect(existsSync(away)).toBe(false);
    expect(session.harness.engine.getBatch(batchId)!.settings.outputDir).toBe(elsewhere);
    expect(errors).toEqual([]);
  });
});
