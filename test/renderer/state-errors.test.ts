// A state error from the window says what is going on and what to do, in the user's language:
// pressing Start on a batch the command line is running names the command line and its pid,
// instead of "Something went wrong". Real engine and handlers behind the browser harness; the
// CLI's claim is a lease written into the same database, as the CLI writes it.
import { hostname } from 'node:os';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../main/core/db/connection';
import { JobStore } from '../../main/core/db/store';
import { batchSettings } from '../main/core/app/helpers';
import { closeSession, openSession, runBatch, screenshot, type Session, writeImages } from './helpers';
import { providerCause } from '@common/cause-first';

let session: Session;
let page: Page;
let errors: string[];

beforeAll(async () => {
  ({ session, page, errors } = await openSession('state-errors'));
});

afterAll(() => closeSession({ session, page }));

async function batchHeldByTheCli(): Promise<number> {
  const { handlers, core, files } = session.harness;
  await writeImages(session.inputDir, 2);
  const scan = await handlers['command:scan.start']({ paths: [session.inputDir] });
  if (!scan.ok) throw new Error(scan.error.message);
  await core.scans.whenFinished(scan.value.scanId);
  const created = await handlers['command:batch.create']({
    scanId: scan.value.scanId,
    settings: batchSettings(session.outputDir),
  });
  if (!created.ok) throw new Error(created.error.message);
  const db = openDatabase(files.database);
  // A live process of this machine (this test runner) holds the batch, named as the CLI names itself.
  const claimed = new JobStore(db).leases.acquireLease(
    created.value.batchId,
    `cli:${hostname()}:${process.pid}`,
    Date.now(),
    10 * 60_000,
  );
  closeDatabase(db);
  expect(claimed.ok).toBe(true);
  return created.value.batchId;
}

describe('state errors in the window', () => {
  it(
    'Start on a batch the command line runs says so, with its pid, in en and zh-CN',
    { timeout: 60_000 },
    async () => {
      const batchId = await batchHeldByTheCli();
      await page.goto(`${session.harness.url}/#/batch/${batchId}`);
      await page.getByRole('button', { name: 'Start', exact: true }).click();
      const sentence = `This batch is being run by the command line on this computer (pid ${process.pid}). Stop it there or wait.`;
      await page.getByText(sentence).waitFor();
      await screenshot(page, 'state-error-batch-held');
      expect(await page.getByText(/Something went wrong/).count()).toBe(0);
      expect(session.harness.engine.getBatch(batchId)!.state).toBe('draft');

      const switched = await session.harness.handlers['command:settings.update']({ language: 'zh-CN' });
      expect(switched.ok).toBe(true);
      await page.reload();
      await page.getByRole('button', { name: '开始', exact: true }).click();
      await page
        .getByText(`此批次正由本机上的命令行运行（进程 ${process.pid}）。请在那里停止它，或稍候。`)
        .waitFor();
      expect(errors).toEqual([]);
    },
  );

  it(
    "shows a failed item's reason in the window's language (zh-CN), RunComfy's words verbatim",
    {
      timeout: 60_000,
    },
    async () => {
      const { handlers, core, engine, simulator } = session.harness;
      await handlers['command:settings.update']({ language: 'zh-CN' });
      const dir = `${session.inputDir}-zh`;
      await writeImages(dir, 1, { prefix: 'zh-failed' });
      simulator.setFaults({ generationFailure: 1 });
      const scan = await handlers['command:scan.start']({ paths: [dir] });
      if (!scan.ok) throw new Error(scan.error.message);
      await core.scans.whenFinished(scan.value.scanId);
      const created = await handlers['command:batch.create']({
        scanId: scan.value.scanId,
        settings: batchSettings(session.outputDir),
      });
      if (!created.ok) throw new Error(created.error.message);
      const batchId = created.value.batchId;
      engine.commands.startBatch(batchId);
      const [item] = engine.pageItems({ batchId, offset: 0, limit: 1 }).items;
      const failed = await engine.waitForItemState(item!.id, 'failed', 30_000);
      simulator.setFaults({});
      expect(failed.reason?.code).toBe('generation_failed');
      const provider = String(failed.reason?.params.provider);

      await page.goto(`${session.harness.url}/#/batch/${batchId}`);
      const shown = page.getByTestId('item-error');
      await shown.waitFor();
      // The cause right after the sentence; the lead-in naming the request is in the details.
      expect((await shown.innerText()).trim()).toBe(
        `RunComfy 无法生成此视频：${providerCause(provider, failed.requestId)}`,
      );
      await screenshot(page, 'failed-item-zh-CN');
      // The stored English sentence is still there for readers without codes (CLI, old builds).
      expect(failed.errorMessage).toBe(`RunComfy could not generate this video: ${provider}`);
      expect(errors).toEqual([]);
    },
  );

  it(
    'a submit whose answer was lost is shown beside the spent money, as what it may cost, in en and zh-CN',
    { timeout: 60_000 },
    async () => {
      const { handlers, simulator } = session.harness;
      await handlers['command:settings.update']({ language: 'en' });
      const dir = `${session.inputDir}-lost`;
      await writeImages(dir, 1, { prefix: 'lost' });
      simulator.setFaults({ http5xx: 1 }, ['submit']);
      const batchId = await runBatch({ ...session, inputDir: dir });
      simulator.setFaults({});
      const batch = session.harness.engine.getBatch(batchId)!;
      expect(batch.counts.unknown_submit).toBe(1);
      expect([batch.spentUsd, batch.unconfirmedUsd]).toEqual([0, 0.42]);

      await page.goto(`${session.harness.url}/#/batch/${batchId}`);
      await page.reload();
      // The note under the batch's spent figure (today's figure has its own, under More figures).
      const note = page.locator('.glance-stat', { has: page.getByTestId('spent') }).locator('.glance-note');
      await expect.poll(() => note.innerText()).toBe('+ up to $0.42 whose answer was lost (may be paid)');
      expect(await page.getByTestId('spent').innerText()).toBe('$0.00');
      await handlers['command:settings.update']({ language: 'zh-CN' });
      await page.reload();
      await expect.poll(() => note.innerText()).toBe('另有最多 $0.42 回应丢失（可能已付费）');
      await screenshot(page, 'unconfirmed-spend-zh-CN');
      expect(errors).toEqual([]);
    },
  );
});
