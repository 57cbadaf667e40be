// A batch waiting because of the app's mode says which, and its banner's button is the way on,
// never a setting that only moves the wait elsewhere: waiting for a key (not "RunComfy did not
// accept the API key": none was sent) takes a key; one made with a key while simulated mode is
// on turns it off; one made in simulated mode with a key in use now turns simulated mode back on,
// or is made for real as a new batch whose cost is shown first. Real engine and simulator
// behind the browser harness; screenshots in en and zh-CN, light and dark; axe over each banner.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_API_KEY } from '../../main/core/simulator';
import { batchSettings } from '../main/core/app/helpers';
import { axeEveryWay, setLanguage } from './a11y-helpers';
import { closeSession, invoke, openSession, screenshot, type Session, writeImages } from './helpers';

let session: Session;
let page: Page;
let errors: string[];

beforeAll(async () => {
  ({ session, page, errors } = await openSession(
    'mode-banners',
    { settings: { simulated: true, notifications: false } },
    async (s) => void (await writeImages(s.inputDir, 3)),
  ));
}, 60_000);

afterAll(() => closeSession({ session, page }));

const banner = () => page.getByTestId('pause-banner');
const settingsUpdate = (patch: Record<string, unknown>) => invoke(session, 'command:settings.update', patch);

/** A batch of the three images made in the mode the app is in now; started after `then`. */
async function batchMadeNow(then: () => Promise<unknown>): Promise<number> {
  const { scanId } = await invoke<{ scanId: string }>(session, 'command:scan.start', {
    paths: [session.inputDir],
  });
  await session.harness.core.scans.whenFinished(scanId);
  const { batchId } = await invoke<{ batchId: number }>(session, 'command:batch.create', {
    scanId,
    settings: batchSettings(session.outputDir, { promptTemplate: `Take ${Date.now()} of {name}` }),
    force: true,
  });
  await then();
  await invoke(session, 'command:batch.start', { batchId });
  return batchId;
}

async function openBatch(batchId: number) {
  await page.goto(`${session.harness.url}/#/batch/${batchId}`);
  await page.reload();
  await page.getByTestId('batch-header').waitFor();
}

/** Screenshots of the banner in both languages and themes, then axe over it the same ways. */
async function lookAt(name: string) {
  for (const language of ['en', 'zh-CN'] as const) {
    if (language !== 'en') await setLanguage(page, language);
    for (const theme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: theme });
      await screenshot(page, `mode-banner-${name}-${language}-${theme}`);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await setLanguage(page, 'en');
  expect(await axeEveryWay(page, `mode banner: ${name}`)).toEqual([]);
}

const finished = (batchId: number) =>
  expect.poll(() => session.harness.engine.getBatch(batchId)?.state, { timeout: 30_000 }).toBe('finished');

describe('a batch waiting for its mode', () => {
  it(
    'made in simulated mode, a key in use now: finish it free, or make it for real',
    { timeout: 120_000 },
    async () => {
      const batchId = await batchMadeNow(() => settingsUpdate({ simulated: false }));
      await openBatch(batchId);
      await banner().getByRole('heading', { name: 'A simulated batch, and a key in use now' }).waitFor();
      expect(await banner().innerText()).not.toContain('did not accept');
      expect(await banner().getByRole('button', { name: 'Resume' }).count()).toBe(0);
      await lookAt('simulated-batch');

      // For real: a new batch of the same images, its cost on the setup screen before Start.
      await banner().getByRole('button', { name: 'Make these videos for real…' }).click();
      await page.getByTestId('rerun-changes').waitFor();
      const start = page.getByTestId('start-button');
      await start.filter({ hasText: 'Start 3 videos — est. $1.26' }).waitFor();
      await start.click();
      await page.waitForURL(/#\/batch\/\d+$/);
      const realId = Number(/#\/batch\/(\d+)$/.exec(page.url())![1]);
      await finished(realId);
      expect(session.harness.engine.getBatch(realId)!.simulated).toBe(false);

      // The simulated one, finished free: simulated mode back on, and it goes on by itself.
      await openBatch(batchId);
      await banner().getByRole('button', { name: 'Turn simulated mode back on' }).click();
      await page.getByTestId('simulated-badge').waitFor();
      await finished(batchId);
      expect(session.harness.engine.getBatch(batchId)!.counts.done).toBe(3);
    },
  );

  it(
    'made with a key, simulated mode on now: turning it off is the way on',
    { timeout: 120_000 },
    async () => {
      await settingsUpdate({ simulated: false });
      const batchId = await batchMadeNow(() => settingsUpdate({ simulated: true }));
      await openBatch(batchId);
      await banner().getByRole('heading', { name: 'Waiting for simulated mode to be off' }).waitFor();
      await lookAt('real-batch');
      await banner().getByRole('button', { name: 'Turn simulated mode off' }).click();
      await page.getByTestId('simulated-badge').waitFor({ state: 'detached' });
      await finished(batchId);
      expect(session.harness.engine.getBatch(batchId)).toMatchObject({
        simulated: false,
        counts: { done: 3 },
      });
    },
  );

  it(
    'no key: it waits for one (none was refused), and takes it from its banner',
    { timeout: 120_000 },
    async () => {
      const batchId = await batchMadeNow(() => invoke(session, 'command:settings.removeApiKey', {}));
      await openBatch(batchId);
      await banner().getByRole('heading', { name: 'Waiting for a RunComfy key' }).waitFor();
      const text = await banner().innerText();
      expect(text).not.toContain('did not accept');
      // It is a real batch: simulated mode would not run it, so it is not suggested.
      expect(text).not.toMatch(/simulated/i);
      await lookAt('no-key');
      await banner().getByRole('button', { name: 'Add your key…' }).click();
      const dialog = page.getByTestId('key-dialog');
      await dialog.getByTestId('api-key-input').fill(DEMO_API_KEY);
      await dialog.getByRole('button', { name: 'Check and save' }).click();
      await dialog.waitFor({ state: 'detached' });
      await finished(batchId);
      expect(session.harness.engine.getBatch(batchId)!.counts.done).toBe(3);
      expect(errors).toEqual([]);
    },
  );
});
