// The account's queue in the window, with the real engine, intake and simulator behind the
// browser harness: the Batches screen lists the batches that have not ended in queue order
// with what each waits for; "Move to top" and Alt+↓ reorder them (the engine's order changes);
// a watching batch shows its folders, takes an image copied into them and names it as the last
// image taken, and Stop watching ends it; the morning card on launch says what happened since
// the user last looked. Screenshots in en and zh-CN of the queue, the watching batch and the card.
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchSettings } from '../main/core/app/helpers';
import { setLanguage } from './a11y-helpers';
import { closeSession, invoke, openSession, screenshot, type Session, writeImages } from './helpers';

let session: Session;
let page: Page;
let errors: string[];

beforeAll(async () => {
  ({ session, page, errors } = await openSession(
    'queue',
    { settings: { simulated: true, notifications: false } },
    async (s) => {
      await writeImages(join(s.rootDir, 'first'), 2, { prefix: 'first' });
      await writeImages(join(s.rootDir, 'night'), 3, { prefix: 'night' });
      await writeImages(join(s.rootDir, 'drop'), 1, { prefix: 'drop' });
      // The fifth image's colours are no other folder's: a new picture, never generated before.
      await writeImages(join(s.rootDir, 'later'), 5, { prefix: 'later' });
      mkdirSync(join(s.rootDir, 'watched'), { recursive: true });
      await writeImages(join(s.rootDir, 'watched'), 1, { prefix: 'watched' });
      return '#/history';
    },
  ));
}, 60_000);

afterAll(() => closeSession({ session, page }));

const clockText = (ms: number) => {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

/** A batch of one folder through the handlers (scan, create), started; its id. */
async function batchOf(folder: string, name: string): Promise<number> {
  const { scanId } = await invoke<{ scanId: string }>(session, 'command:scan.start', {
    paths: [join(session.rootDir, folder)],
  });
  await session.harness.core.scans.whenFinished(scanId);
  const { batchId } = await invoke<{ batchId: number }>(session, 'command:batch.create', {
    scanId,
    settings: batchSettings(join(session.rootDir, `${name}-out`), { promptTemplate: `${name}: {name}` }),
  });
  await invoke(session, 'command:batch.start', { batchId });
  return batchId;
}

const rows = () => page.getByTestId('queue-row');
const names = async () =>
  (await rows().allTextContents()).map(
    (text) => /\d(.*?)(Running|Paused|运行|已暂停)/.exec(text)?.[1] ?? text,
  );

describe('the queue, a watching batch and the morning card in the window', () => {
  it('lists the queue in order with what each waits for, and reorders it by button and keyboard', async () => {
    // The first batch runs and finishes (the morning card will tell); then two that wait: one for
    // tonight's hours (the default hours then), one paused in its place.
    const first = await batchOf('first', 'first');
    await session.harness.engine.idle(30_000);
    expect(session.harness.engine.getBatch(first)!.state).toBe('finished');
    const now = Date.now();
    const window = { start: clockText(now + 6 * 3_600_000), end: clockText(now + 8 * 3_600_000) };
    await invoke(session, 'command:queue.setDefaultSchedule', { schedule: { startAt: null, window } });
    const night = await batchOf('night', 'night');
    await invoke(session, 'command:queue.setDefaultSchedule', { schedule: null });
    const paused = await batchOf('drop', 'drop');
    await invoke(session, 'command:batch.pause', { batchId: paused });
    await invoke(session, 'command:queue.setLimit', { limit: 4 });
    // A watching batch, made as `stillmotion watch` makes it (the form has no watch field yet).
    const { engine, intake } = session.harness;
    const watched = join(session.rootDir, 'watched');
    const scan = await intake.scan([watched]);
    const settings = batchSettings(join(session.rootDir, 'watched-out'), {
      promptTemplate: 'watched: {name}',
    });
    const watching = engine.createBatch(settings, intake.plan(scan, settings).items, 'Studio drop folder', {
      watchFolders: [watched],
      schedule: null,
    });
    engine.commands.startBatch(watching);
    for (const file of scan.images)
      engine.queue.recordWatchedFile(watching, file.sourcePath, {
        size: file.bytes,
        mtimeMs: Math.round(statSync(file.sourcePath).mtimeMs),
      });

    await page.reload();
    await expect.poll(() => rows().count()).toBe(3);
    const text = await rows().allTextContents();
    expect(text[0]).toMatch(/night.*Waits for its hours \(from /);
    expect(text[1]).toMatch(/drop.*Paused: keeps its place/);
    expect(text[2]).toMatch(/Studio drop folder.*Watching its folders/);
    await expect
      .poll(() => page.getByTestId('queue-limit').textContent())
      .toMatch(/At most 4 at once across all batches/);

    // Move to top: the watching batch goes first, in the engine too.
    await page.getByRole('button', { name: 'Move to top: Studio drop folder' }).click();
    await expect.poll(async () => (await rows().first().textContent()) ?? '').toMatch(/Studio drop folder/);
    expect(engine.queue.list().map((e) => e.batchId)).toEqual([watching, night, paused]);
    // Alt+↓ on a focused row moves it one place down.
    await rows().nth(1).focus();
    await page.keyboard.press('Alt+ArrowDown');
    await expect.poll(() => engine.queue.list().map((e) => e.batchId)).toEqual([watching, paused, night]);
    await screenshot(page, 'queue-en');
    await setLanguage(page, 'zh-CN');
    await expect.poll(async () => (await rows().nth(1).textContent()) ?? '').toMatch(/已暂停：保留位置/);
    await screenshot(page, 'queue-zh-CN');
    await setLanguage(page, 'en');
    // The rows are drawn again in English after the switch: wait for them.
    await expect.poll(names).toHaveLength(3);
    expect(errors).toEqual([]);
  }, 90_000);

  it('a watching batch takes an image copied into its folder and says so; Stop watching ends it', async () => {
    const { engine } = session.harness;
    const watching = engine.queue.list()[0]!.batchId;
    await page.goto(`${session.harness.url}/#/batch/${watching}`);
    await page.getByTestId('watch-banner').waitFor();
    await expect.poll(() => page.getByTestId('watch-last').textContent()).toBe('No new image yet.');
    copyFileSync(
      join(session.rootDir, 'later', 'later-5.jpg'),
      join(session.rootDir, 'watched', 'arrived.jpg'),
    );
    // Taken once it has stayed the same for a few seconds (the app looks every 2 s).
    await expect
      .poll(() => page.getByTestId('watch-last').textContent(), { timeout: 30_000 })
      .toMatch(/^Last image taken: arrived\.jpg at \d/);
    await screenshot(page, 'watching-batch-en');
    await setLanguage(page, 'zh-CN');
    await expect
      .poll(() => page.getByTestId('watch-last').textContent())
      .toMatch(/^最近接收的图片：arrived\.jpg/);
    await screenshot(page, 'watching-batch-zh-CN');
    await setLanguage(page, 'en');
    await page.getByRole('button', { name: 'Stop watching' }).click();
    await page.getByTestId('watch-banner').waitFor({ state: 'detached' });
    await engine.idle(30_000);
    expect(engine.getBatch(watching)).toMatchObject({ state: 'finished', watch: { active: false } });
    expect(engine.getBatch(watching)!.counts.done).toBe(2);
    expect(errors).toEqual([]);
  }, 90_000);

  it('the morning card says what happened since the last look, and is gone once seen', async () => {
    await page.goto(`${session.harness.url}/#/history`);
    await page.reload();
    const card = page.getByTestId('morning-card');
    await card.waitFor();
    await expect.poll(() => card.textContent()).toMatch(/While you were away.*videos done.*spent/);
    await screenshot(page, 'morning-card-en');
    await setLanguage(page, 'zh-CN');
    await expect.poll(() => card.textContent()).toMatch(/你不在时.*完成 \d+ 个视频/);
    await screenshot(page, 'morning-card-zh-CN');
    await setLanguage(page, 'en');
    await card.getByRole('button', { name: 'Got it' }).click();
    await card.waitFor({ state: 'detached' });
    await page.reload();
    await page.getByTestId('queue-panel').waitFor();
    expect(await page.getByTestId('morning-card').count()).toBe(0);
    expect(errors).toEqual([]);
  }, 60_000);
});
