// Settings → Notices to your phone, in the browser: a non-http address is refused with the
// reason under the field (announced, aria-invalid), "Send test" posts a test notice that a
// local server on loopback receives, Save keeps the address across a reload, and the section
// passes axe in both themes and languages. The toast that confirms the test shows above the
// open dialog, not under its backdrop.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { axeEveryWay } from './a11y-helpers';
import { closeSession, openSession, screenshot, type Session } from './helpers';

declare const document: {
  elementFromPoint(x: number, y: number): { closest(selector: string): unknown } | null;
};

/** True when the toast with this text is what the user sees at its centre (nothing covers it). */
async function toastOnTop(text: string): Promise<boolean> {
  const box = await page.locator('.toast', { hasText: text }).boundingBox();
  if (!box) return false;
  return page.evaluate(({ x, y }) => document.elementFromPoint(x, y)?.closest('.toast') != null, {
    x: box.x + box.width / 2,
    y: box.y + box.height / 2,
  });
}

let session: Session;
let page: Page;
let errors: string[];
let server: Server;
let hookUrl: string;
const received: { path: string; body: Record<string, unknown> }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(text) });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  ({ session, page, errors } = await openSession('webhook'));
});

afterAll(async () => {
  await closeSession({ session, page });
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** Settings → Notifications, as its link in the page's list of sections. */
async function openSettings() {
  await page.getByTestId('settings-button').click();
  await page.getByRole('link', { name: 'Notifications' }).click();
  await page.getByTestId('webhook-settings').waitFor();
}

describe('webhook settings', () => {
  it('refuses a non-http address with the reason under the field', async () => {
    await openSettings();
    const url = page.getByLabel('Webhook address');
    await url.fill('ftp://example.com/hook');
    await page.getByTestId('webhook-settings').getByRole('button', { name: 'Save' }).click();
    await expect
      .poll(() => page.getByTestId('webhook-settings').locator('.field-error').first().innerText())
      .toMatch(/must start with https:\/\/ \(or http:\/\/\), not ftp:\/\//);
    expect(await url.getAttribute('aria-invalid')).toBe('true');
    expect((await session.harness.handlers['query:settings.get']({})) as unknown).toMatchObject({
      value: { webhook: null },
    });
  });

  it('sends a test notice that a local server receives, then saves the address', async () => {
    await page.getByLabel('Webhook address').fill(hookUrl);
    await page.getByLabel('Service').selectOption('generic');
    await page.getByRole('button', { name: 'Send test' }).click();
    await page.getByText('Test notice sent (the service answered 200).').waitFor();
    expect(await toastOnTop('Test notice sent (the service answered 200).')).toBe(true);
    expect(received).toHaveLength(1);
    expect(received[0]).toMatchObject({
      path: '/hook',
      body: { source: 'stillmotion', event: 'test', title: 'Stillmotion — Test notice', batch: null },
    });
    expect(JSON.stringify(received)).not.toContain(session.harness.secrets.get()!);
    await page.getByTestId('webhook-settings').getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('webhook-settings').getByRole('button', { name: 'Remove' }).waitFor();
    await screenshot(page, 'webhook-settings-en');

    await page.reload();
    await openSettings();
    expect(await page.getByLabel('Webhook address').inputValue()).toBe(hookUrl);
    expect(await page.getByLabel('Service').inputValue()).toBe('generic');
  });

  it('passes axe in both themes and languages', { timeout: 60_000 }, async () => {
    // Settings is a page: the language switch stays on it, nothing to show again.
    await page.getByTestId('webhook-settings').scrollIntoViewIfNeeded();
    expect(await axeEveryWay(page, 'settings with webhook')).toEqual([]);
    await page.getByTestId('webhook-settings').scrollIntoViewIfNeeded();
    await page.getByTestId('language-select').selectOption('zh-CN');
    await page.getByText('发送到手机的通知').waitFor();
    // A test delivery in Chinese too, received by the same local server.
    await page.getByRole('button', { name: '发送测试' }).click();
    await page.getByText('测试通知已发送（服务返回 200）。').waitFor();
    expect(received.map((r) => r.body.event)).toEqual(['test', 'test']);
    await page.getByTestId('webhook-settings').scrollIntoViewIfNeeded();
    await screenshot(page, 'webhook-settings-zh-CN');
    await page.getByTestId('language-select').selectOption('en');
    expect(errors).toEqual([]);
  });
});
