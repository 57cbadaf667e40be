// A 10,000-item batch in the browser: the list renders a screenful of rows and fetches small
// pages, never all rows (figures logged, not asserted: tests do not judge speed). Then the
// settings: replace the API key where there is no keyring (plain-text confirmation), switch
// the app to Simplified Chinese, and keep it after a reload. "Simulated" shows on every screen.
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlannedItem } from '../../main/core/domain';
import {
  closeBrowser,
  openApp,
  row,
  screenshot,
  SCREENSHOT_DIR,
  startSession,
  writeImages,
  type Session,
} from './helpers';
import { batchSettings } from '../main/core/app/helpers';

// Callbacks passed to page.evaluate run in the page; the node project has no DOM lib, so
// these declare just what they touch (module-local, not global).
interface PageNode {
  scrollTop: number;
  scrollHeight: number;
  getAttribute(name: string): string | null;
}
declare const document: {
  activeElement: PageNode | null;
  querySelector(selector: string): PageNode | null;
  querySelectorAll(selector: string): ArrayLike<PageNode>;
};
declare const performance: {
  now(): number;
  getEntriesByName(name: string): { startTime: number }[];
};

const TOTAL = 10_000;
let session: Session;
let page: Page;
let errors: string[];
let batchId: number;

beforeAll(async () => {
  session = await startSession('large', {
    recordTraffic: true,
    secureSecrets: false,
    settings: { simulated: true, notifications: false },
  });
  const [image] = await writeImages(session.inputDir, 1, { prefix: 'frame' });
  const settings = batchSettings(session.outputDir, { promptTemplate: 'A slow push-in on {name}' });
  // Synthetic planned items (never started): the list, not the engine, is under test here.
  const items: PlannedItem[] = Array.from({ length: TOTAL }, (_, i) => {
    const name = `frame-${String(i + 1).padStart(5, '0')}`;
    return {
      sourcePath: join(session.inputDir, image!),
      rootPath: session.inputDir,
      relativePath: `frames/${name}.jpg`,
      imageHash: i.toString(16).padStart(64, '0'),
      renderedPrompt: `A slow push-in on ${name}`,
      request: { prompt: `A slow push-in on ${name}` },
      requestFingerprint: `fp-${i}`,
      estimatedCostUsd: 0.42,
      outputRelativePath: `frames/${name}.mp4`,
      notes: [],
      verdict: null,
    };
  });
  batchId = session.harness.engine.createBatch(settings, items, 'Ten thousand frames');
  ({ page, errors } = await openApp(session, `#/batch/${batchId}`));
});

afterAll(async () => {
  console.log(`Screenshots: ${SCREENSHOT_DIR}`);
  await page?.context().close();
  await closeBrowser();
  await session?.close();
});

function pageCalls() {
  return session.harness.traffic.invokes
    .filter((i) => i.channel === 'query:items.page')
    .map((i) => i.request as { batchId: number; offset: number; limit: number; search?: string });
}

const renderedRows = () => page.locator('[data-testid=item-row]').count();

describe('10,000 items in the browser', () => {
  it('renders a screenful, fetches small pages, and scrolls to any row', async () => {
    await row(page, 'frame-00001').waitFor();
    const firstRowMs = await page.evaluate(() => performance.now());
    const fcp = await page.evaluate(
      () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
    );
    const initialRows = await renderedRows();
    expect(await page.getByRole('button', { name: /^All/ }).innerText()).toContain('10,000');
    expect(await page.getByTestId('done-count').innerText()).toMatch(/^0\s*\/\s*10,000$/);

    // Scroll to the middle and to the end: the rows there appear, fetched by their pages.
    const scrollTo = async (fraction: number, name: string) => {
      const t0 = Date.now();
      await page.evaluate((f) => {
        const el = document.querySelector('[data-testid=item-scroll]')!;
        el.scrollTop = el.scrollHeight * f;
      }, fraction);
      await row(page, name).waitFor();
      return Date.now() - t0;
    };
    const middleMs = await scrollTo(0.5, 'frame-05001');
    const endMs = await scrollTo(1, 'frame-10000');
    const endRows = await renderedRows();
    await screenshot(page, '07-large-batch');

    const calls = pageCalls().filter((c) => c.batchId === batchId);
    const fetched = calls.reduce((sum, c) => sum + c.limit, 0);
    console.log(
      `10,000-item batch: first contentful paint ${fcp?.toFixed(0)} ms, first row after ${firstRowMs.toFixed(0)} ms; ` +
        `rows in the DOM ${initialRows} at the top, ${endRows} at the end; scroll to middle ${middleMs} ms, ` +
        `to end ${endMs} ms; items.page called ${calls.length} times, limits ${[...new Set(calls.map((c) => c.limit))].join(',')}, ` +
        `${fetched} rows fetched in all`,
    );
    expect(initialRows).toBeGreaterThan(3);
    expect(initialRows).toBeLessThan(60);
    expect(endRows).toBeLessThan(60);
    expect(calls.length).toBeGreaterThan(0);
    for (const call of calls) expect(call.limit).toBeLessThanOrEqual(100);
    expect(fetched).toBeLessThan(1_000);
  });

  it('walks 10,000 rows by keyboard; the focused row survives being scrolled away', async () => {
    const focusedIndex = () =>
      page.evaluate(() => document.activeElement?.getAttribute('data-index') ?? null);
    await page.getByTestId('item-scroll').waitFor();
    await page.evaluate(() => {
      document.querySelector('[data-testid=item-scroll]')!.scrollTop = 0;
    });
    await page.locator('[data-index="0"]').focus();
    await page.keyboard.press('End');
    await expect.poll(focusedIndex).toBe('9999');
    expect(await page.locator('[data-index="9999"]').innerText()).toContain('frame-10000');
    await page.keyboard.press('ArrowUp');
    await expect.poll(focusedIndex).toBe('9998');
    // Scrolled to the top by the mouse wheel: the rows recycle, the focused one stays.
    await page.evaluate(() => {
      document.querySelector('[data-testid=item-scroll]')!.scrollTop = 0;
    });
    await row(page, 'frame-00001').waitFor();
    expect(await focusedIndex()).toBe('9998');
    await page.keyboard.press('ArrowDown');
    await expect.poll(focusedIndex).toBe('9999');
    await page.keyboard.press('Home');
    await expect.poll(focusedIndex).toBe('0');
    expect(await page.locator('[data-index="0"]').innerText()).toContain('frame-00001');
    await page.keyboard.press('PageDown');
    await expect.poll(async () => Number(await focusedIndex())).toBeGreaterThan(1);
    await page.keyboard.press('Home');
  });

  it('finds a row by name among 10,000', async () => {
    await page.getByLabel('Search by file name').fill('frame-09999');
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=item-row]').length === 1);
    expect(await row(page, 'frame-09999').innerText()).toContain('A slow push-in on frame-09999');
    expect(pageCalls().some((c) => c.search === 'frame-09999')).toBe(true);
    await page.getByLabel('Search by file name').fill('');
    await row(page, 'frame-00001').waitFor();
  });

  it('marks "Simulated" on every screen', async () => {
    await page.getByTestId('simulated-badge').waitFor();
    await page.getByRole('link', { name: 'Batches' }).click();
    await page.getByTestId('history-row').first().waitFor();
    expect(await page.getByTestId('simulated-badge').innerText()).toMatch(/simulated/i);
    await page.getByRole('link', { name: 'New batch' }).click();
    await page.getByTestId('drop-zone').waitFor();
    expect(await page.getByTestId('simulated-badge').isVisible()).toBe(true);
    expect(errors).toEqual([]);
  });
});

describe('settings', () => {
  it('replaces the API key, asking before storing it as plain text; shows only its last four characters', async () => {
    await page.getByRole('link', { name: 'Settings' }).click();
    const dialog = page.getByTestId('settings-page');
    await dialog.waitFor();
    expect(await dialog.getByTestId('api-key-status').innerText()).toContain('ending in …-key');
    // A key of another account RunComfy knows: it is checked with RunComfy before it is kept.
    session.harness.simulator.setKeyCredit('sk-live-abcd5678', 10);
    await dialog.getByPlaceholder('Paste a new key to replace it').fill('sk-live-abcd5678');
    await dialog.getByRole('button', { name: 'Replace key' }).click();
    const confirm = page.getByTestId('confirm-dialog');
    await confirm.getByText('Store the key without encryption?').waitFor();
    await confirm.getByRole('button', { name: 'Store as plain text' }).click();
    await dialog.getByTestId('api-key-status').filter({ hasText: 'ending in …5678' }).waitFor();
    expect(await dialog.innerText()).not.toContain('sk-live-abcd5678');
    const settings = await session.harness.handlers['query:settings.get']({});
    expect(settings.ok && settings.value.apiKey.last4).toBe('5678');
  });

  it('switches to Simplified Chinese and keeps it after a reload', async () => {
    const dialog = page.getByTestId('settings-page');
    await dialog.getByLabel('Language').selectOption('zh-CN');
    await dialog.getByRole('heading', { name: '外观' }).waitFor();
    await page.getByRole('link', { name: '新建批次' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await page.getByRole('link', { name: '新建批次' }).isVisible()).toBe(true);
    expect(await page.getByTestId('drop-zone').innerText()).toContain('将文件夹或图片拖放到窗口任意位置');

    await page.goto(`${session.harness.url}/#/batch/${batchId}`);
    await row(page, 'frame-00001').waitFor();
    expect(await page.getByTestId('batch-header').innerText()).toContain('个视频已完成');
    expect(await row(page, 'frame-00001').getByTestId('item-state').innerText()).toBe('等待中');
    expect(await page.getByTestId('simulated-badge').innerText()).toBe('模拟模式');
    await screenshot(page, '08-chinese');
    const settings = await session.harness.handlers['query:settings.get']({});
    expect(settings.ok && settings.value.language).toBe('zh-CN');
    expect(errors).toEqual([]);
  });
});
