// The harness serves the built renderer to real chromium and answers the contract through
// the same handler map as Electron: window.api works from the page.
import { SHIPPED_ENTRIES } from '../../main/core/catalog';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invokeChannels } from '@common/contract';
import { launchBrowser } from './launch-browser';
import { startHarness, type Harness } from './server';

let harness: Harness;
let browser: Browser;
let rootDir: string;

beforeAll(async () => {
  rootDir = mkdtempSync(join(tmpdir(), 'sm-harness-smoke-'));
  harness = await startHarness({ rootDir });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await harness?.close();
  rmSync(rootDir, { recursive: true, force: true });
});

describe('browser harness', () => {
  it('answers window.api.app.info() and models.list() from the page in chromium', async () => {
    const page = await browser.newPage();
    const cspErrors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text()))
        cspErrors.push(message.text());
    });
    await page.goto(harness.url);
    const result = await page.evaluate(async () => {
      const api = (
        globalThis as unknown as {
          api: { app: { info(): Promise<unknown> }; models: { list(): Promise<unknown> } };
        }
      ).api;
      return { info: await api.app.info(), models: await api.models.list() };
    });
    expect(invokeChannels['query:app.info'].response.parse(result.info)).toMatchObject({
      version: 'harness',
      simulated: false,
      mediaBaseUrl: `${harness.url}/media`,
    });
    const models = invokeChannels['query:models.list'].response.parse(result.models);
    expect(models.map((m) => m.id)).toEqual(SHIPPED_ENTRIES.map((e) => e.id));
    // The page keeps the app's CSP and the harness's own endpoints fit inside it.
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    expect(csp).toContain("script-src 'self'");
    expect(cspErrors).toEqual([]);
    await page.close();
  });

  it('delivers events over the WebSocket to on* listeners', async () => {
    const page = await browser.newPage();
    await page.goto(harness.url);
    await page.evaluate(() => {
      const w = globalThis as unknown as {
        seen: unknown[];
        api: { onScanProgress(l: (p: unknown) => void): () => void };
      };
      w.seen = [];
      w.api.onScanProgress((p) => w.seen.push(p));
    });
    const { scanId } = await page.evaluate(() =>
      (
        globalThis as unknown as { api: { scan: { start(r: unknown): Promise<{ scanId: string }> } } }
      ).api.scan.start({
        paths: ['/nonexistent-folder-for-smoke'],
      }),
    );
    await page.waitForFunction(() =>
      (globalThis as unknown as { seen: { finished: boolean }[] }).seen.some((p) => p.finished),
    );
    const seen = await page.evaluate(() => (globalThis as unknown as { seen: { scanId: string }[] }).seen);
    expect(seen.at(-1)).toMatchObject({ scanId, finished: true });
    await page.close();
  });

  it('refuses invokes from another origin', async () => {
    const response = await fetch(`${harness.url}/api/invoke/query:app.info`, {
      method: 'POST',
      headers: { Origin: 'http://evil.example', 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(403);
  });
});
