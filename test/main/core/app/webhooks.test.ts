// Webhook notices against a real HTTP server on loopback: the payload of each preset, the
// events that send one (finished, paused with the reason and what to do, stalled; not a pause
// the user made), the key never in a body, failed deliveries retried then given up with a log
// line and never thrown, and the address refused unless http(s).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { errorCodeOf } from '../../../../main/core/app/errors';
import { createMemorySecretStore } from '../../../../main/core/app/secret-store';
import { createSettingsStore } from '../../../../main/core/app/settings-store';
import { createWebhookSettingStore } from '../../../../main/core/app/webhook-setting';
import {
  checkWebhookUrl,
  createWebhookNotifier,
  type WebhookNotifierOptions,
  type WebhookSetting,
} from '../../../../main/core/app/webhooks';
import type { BatchView, EngineEvent, StateCounts } from '../../../../main/core/domain';
import { ITEM_STATES } from '../../../../main/core/domain';
import { createTestApp } from '../../../harness/test-app';
import { batchSettings, call, runBatch, tempDir, value, writeImage } from './helpers';

interface Received {
  path: string;
  contentType: string | undefined;
  body: Record<string, unknown>;
}
let server: Server;
let base: string;
const received: Received[] = [];
/** Status codes to answer next (then 200). */
const answers: number[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      received.push({
        path: req.url ?? '',
        contentType: req.headers['content-type'],
        body: JSON.parse(text),
      });
      res.statusCode = answers.shift() ?? 200;
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => {
  received.length = 0;
  answers.length = 0;
});

const KEY = 'rk_live_secret_1234';
const counts = (patch: Partial<StateCounts>): StateCounts =>
  ({ ...Object.fromEntries(ITEM_STATES.map((s) => [s, 0])), ...patch }) as StateCounts;

/** An engine as the notifier sees it: events pushed by the test, one batch to read. */
function fakeEngine(batch: Partial<BatchView>) {
  const listeners = new Set<(event: EngineEvent) => void>();
  const view = {
    id: 7,
    name: 'holiday (2026-11-29 02:00)',
    total: 300,
    state: 'running',
    ...batch,
  } as BatchView;
  return {
    view,
    emit: (event: EngineEvent) => listeners.forEach((l) => l(event)),
    on(listener: (event: EngineEvent) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getBatch: (id: number) => (id === view.id ? view : null),
  };
}

function notifier(
  setting: WebhookSetting | null,
  engine: ReturnType<typeof fakeEngine>,
  extra: Partial<WebhookNotifierOptions> = {},
) {
  const logs: string[] = [];
  let clock = 1_000_000;
  const n = createWebhookNotifier({
    engine,
    setting: () => setting,
    secrets: () => [KEY],
    log: (level, message) => logs.push(`${level}: ${message}`),
    now: () => clock,
    sleep: async () => {},
    stallCheckMs: 0,
    ...extra,
  });
  return { n, logs, advance: (ms: number) => (clock += ms) };
}

describe('webhook notices', () => {
  it('posts a finished batch as JSON (generic preset) with counts and money, nothing else', async () => {
    const engine = fakeEngine({});
    const { n } = notifier({ url: `${base}/hook`, preset: 'generic' }, engine);
    engine.emit({
      type: 'batch-finished',
      batchId: 7,
      counts: counts({ done: 297, failed: 3 }),
      spentUsd: 124.74,
    });
    await n.settled();
    expect(received).toHaveLength(1);
    expect(received[0]!.contentType).toBe('application/json');
    expect(received[0]!.body).toEqual({
      source: 'stillmotion',
      event: 'finished',
      title: 'Stillmotion — Finished: holiday (2026-11-29 02:00)',
      message: '297 of 300 videos done, 3 need attention; $124.74 spent.',
      batch: { id: 7, name: 'holiday (2026-11-29 02:00)' },
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    n.close();
  });

  it('posts a pause with its reason and what to do, never the key; not a pause the user made', async () => {
    const engine = fakeEngine({
      pauseMessage: `RunComfy says the balance is empty (key ${KEY}). Top up your balance, then resume.`,
    });
    const { n } = notifier({ url: `${base}/hook`, preset: 'generic' }, engine);
    engine.emit({ type: 'batch', batchId: 7, state: 'paused', pauseReason: 'user' });
    engine.emit({ type: 'batch', batchId: 7, state: 'paused', pauseReason: 'no_balance' });
    await n.settled();
    expect(received).toHaveLength(1);
    expect(received[0]!.body).toMatchObject({
      event: 'paused',
      pauseReason: 'no_balance',
      title: 'Stillmotion — Paused: holiday (2026-11-29 02:00)',
      message: 'RunComfy says the balance is empty (key [redacted]). Top up your balance, then resume.',
    });
    expect(JSON.stringify(received)).not.toContain(KEY);
    n.close();
  });

  it('a watching batch whose work is done says so once, and is never called stalled while it waits for images', async () => {
    const engine = fakeEngine({
      counts: counts({ done: 12 }),
      spentUsd: 0,
      watch: { folders: ['/studio/drop'], active: true, lastTaken: null },
    });
    const { n, advance } = notifier({ url: `${base}/hook`, preset: 'generic' }, engine, {
      stallMs: 30 * 60_000,
    });
    engine.emit({ type: 'batch', batchId: 7, state: 'running', pauseReason: null });
    engine.emit({ type: 'items', batchId: 7, changes: [{ id: 1, state: 'done' }] });
    engine.emit({ type: 'items', batchId: 7, changes: [{ id: 1, state: 'done' }] });
    advance(3 * 60 * 60_000);
    n.checkStalls();
    await n.settled();
    expect(received.map((r) => r.body.event)).toEqual(['watching']);
    expect(received[0]!.body).toMatchObject({
      title: 'Stillmotion — Up to date: holiday (2026-11-29 02:00)',
      message:
        '12 of 300 videos done; $0.00 spent. Watching /studio/drop: each new image is sent once it is completely copied.',
    });
    n.close();
  });

  /** A running batch of 5 queued videos that waits for its daily hours, and its notifier. */
  function waitingForHours() {
    const engine = fakeEngine({
      counts: counts({ queued: 5 }),
      condition: { code: 'waiting_for_window', params: {}, since: 0, message: 'Waiting for its hours' },
    });
    const { n, advance } = notifier({ url: `${base}/hook`, preset: 'generic' }, engine, {
      stallMs: 30 * 60_000,
    });
    engine.emit({ type: 'batch', batchId: 7, state: 'running', pauseReason: null });
    return { engine, n, advance };
  }

  it('a batch waiting for its hours is not stalled', async () => {
    const { n, advance } = waitingForHours();
    advance(5 * 60 * 60_000);
    n.checkStalls();
    await n.settled();
    expect(received).toEqual([]);
    n.close();
  });

  it('says once that a batch waiting for its hours sends again when they begin', async () => {
    const { engine, n, advance } = waitingForHours();
    advance(60 * 60_000);
    n.checkStalls();
    // 22:00: the window opens and the first video is sent.
    (engine.view as { condition: unknown }).condition = null;
    engine.view.counts = counts({ queued: 4, submitting: 1 });
    engine.emit({ type: 'items', batchId: 7, changes: [{ id: 1, state: 'submitting' }] });
    engine.emit({ type: 'items', batchId: 7, changes: [{ id: 1, state: 'in_queue' }] });
    n.checkStalls();
    await n.settled();
    expect(received.map((r) => r.body.event)).toEqual(['sending']);
    expect(received[0]!.body).toMatchObject({
      title: 'Stillmotion — Sending: holiday (2026-11-29 02:00)',
      message: 'Its hours have begun: the batch sends its next videos by itself (4 wait).',
    });
    n.close();
  });

  it('reports a running batch that has not moved for the stall time, once per stall', async () => {
    const engine = fakeEngine({ counts: counts({ queued: 20, in_progress: 3 }) });
    const { n, advance } = notifier({ url: `${base}/hook`, preset: 'generic' }, engine, {
      stallMs: 30 * 60_000,
    });
    engine.emit({ type: 'batch', batchId: 7, state: 'running', pauseReason: null });
    advance(29 * 60_000);
    n.checkStalls();
    engine.emit({ type: 'items', batchId: 7, changes: [{ id: 1, state: 'in_progress' }] });
    advance(29 * 60_000);
    n.checkStalls();
    await n.settled();
    expect(received).toHaveLength(0);
    advance(2 * 60_000);
    n.checkStalls();
    n.checkStalls();
    await n.settled();
    expect(received.map((r) => r.body.event)).toEqual(['stalled']);
    expect(received[0]!.body).toMatchObject({
      title: 'Stillmotion — Not moving: holiday (2026-11-29 02:00)',
      message: expect.stringMatching(/^No video of this batch changed state for 31 minutes while it runs\./),
    });
    n.close();
  });

  it('shapes the body for ntfy, Discord and Slack', async () => {
    const engine = fakeEngine({});
    const notice = { event: 'test' as const, title: 'T', message: 'M', batch: null };
    await notifier(null, engine).n.send(notice, { url: `${base}/alerts/my-topic`, preset: 'ntfy' });
    await notifier(null, engine).n.send(notice, { url: `${base}/api/webhooks/1/abc`, preset: 'discord' });
    await notifier(null, engine).n.send(notice, { url: `${base}/services/T0/B0/x`, preset: 'slack' });
    expect(received.map((r) => [r.path, r.body])).toEqual([
      ['/alerts', { topic: 'my-topic', title: 'T', message: 'M', tags: ['bell'], priority: 3 }],
      ['/api/webhooks/1/abc', { content: '**T**\nM', allowed_mentions: { parse: [] } }],
      ['/services/T0/B0/x', { text: '*T*\nM' }],
    ]);
  });

  it('sends folder names to Discord and Slack as text, never as mentions or markup', async () => {
    const engine = fakeEngine({});
    const notice = {
      event: 'paused' as const,
      title: 'Stillmotion: "@everyone <!channel> **free** <@123>" paused',
      message: 'Folder @here_now <https://evil.example|your bank> & <#42>',
      batch: null,
    };
    await notifier(null, engine).n.send(notice, { url: `${base}/api/webhooks/1/abc`, preset: 'discord' });
    await notifier(null, engine).n.send(notice, { url: `${base}/services/T0/B0/x`, preset: 'slack' });
    const [discord, slack] = received.map((r) => r.body);
    expect(discord).toEqual({
      content:
        '**Stillmotion\\: "@\u200beveryone \\<!channel\\> \\*\\*free\\*\\* \\<@\u200b123\\>" paused**\n' +
        'Folder @\u200bhere\\_now \\<https\\://evil.example\\|your bank\\> & \\<\\#42\\>',
      allowed_mentions: { parse: [] },
    });
    expect(slack).toEqual({
      text:
        '*Stillmotion: "@everyone &lt;!channel&gt; **free** &lt;@123&gt;" paused*\n' +
        'Folder @here_now &lt;https://evil.example|your bank&gt; &amp; &lt;#42&gt;',
    });
  });

  it('retries a failed delivery a few times, then logs and gives up without throwing', async () => {
    const engine = fakeEngine({});
    answers.push(503, 500);
    const { n, logs } = notifier({ url: `${base}/hook`, preset: 'slack' }, engine, { attempts: 3 });
    engine.emit({ type: 'batch-finished', batchId: 7, counts: counts({ done: 300 }), spentUsd: 1 });
    await n.settled();
    expect(received).toHaveLength(3);
    expect(logs.filter((l) => l.startsWith('info: webhook'))).toHaveLength(2);

    answers.push(500, 500, 500);
    engine.emit({ type: 'batch-finished', batchId: 7, counts: counts({ done: 300 }), spentUsd: 1 });
    await n.settled();
    expect(logs.at(-1)).toMatch(
      /^warn: webhook: gave up on the finished notice after 3 attempts: .*HTTP 500/,
    );

    // Nobody listening at all: the same, and the engine's listener never throws.
    const closed = notifier({ url: 'http://127.0.0.1:9/hook', preset: 'generic' }, engine, { attempts: 2 });
    expect(() =>
      engine.emit({ type: 'batch-finished', batchId: 7, counts: counts({ done: 1 }), spentUsd: 0 }),
    ).not.toThrow();
    await closed.n.settled();
    expect(closed.logs.at(-1)).toMatch(/gave up .*Could not reach the webhook at 127\.0\.0\.1:9/);
    n.close();
    closed.n.close();
  });

  it('accepts only http(s) addresses, saying why and what to type', () => {
    expect(checkWebhookUrl(' https://ntfy.sh/my-topic ')).toBe('https://ntfy.sh/my-topic');
    for (const [bad, why] of [
      ['ftp://example.com/x', /must start with https:\/\/ \(or http:\/\/\), not ftp:\/\//],
      ['file:///etc/passwd', /not file:\/\//],
      ['ntfy.sh/topic', /is not a web address.*starting with https:\/\//],
      ['https://user:pw@example.com/hook', /must not hold a user name or password/],
    ] as const) {
      let error: unknown;
      try {
        checkWebhookUrl(bad);
      } catch (e) {
        error = e;
      }
      expect(errorCodeOf(error), bad).toBe('invalid_request');
      expect((error as Error).message).toMatch(why);
    }
  });
});

describe('the webhook address at rest', () => {
  it('moves out of a settings file written before, into the secret store, once', () => {
    const dir = tempDir('sm-webhook-move-');
    try {
      const file = join(dir.path, 'settings.json');
      writeFileSync(
        file,
        JSON.stringify({ version: 1, webhook: { url: 'https://ntfy.sh/s3cret', preset: 'ntfy' } }),
      );
      const secret = createMemorySecretStore();
      const logs: string[] = [];
      const store = createWebhookSettingStore(createSettingsStore(file), secret, (m) => logs.push(m));
      expect(store.get()).toEqual({ url: 'https://ntfy.sh/s3cret', preset: 'ntfy' });
      expect(readFileSync(file, 'utf8')).not.toContain('s3cret');
      expect(secret.get()).toBe('https://ntfy.sh/s3cret');
      expect(logs).toEqual(['the webhook address moved from the settings file to Memory (test)']);
      // Read again: already moved, nothing more to do.
      createWebhookSettingStore(createSettingsStore(file), secret, (m) => logs.push(m));
      expect(logs).toHaveLength(1);
      store.set(null);
      expect(store.get()).toBeNull();
      expect(secret.get()).toBeNull();
    } finally {
      dir.remove();
    }
  });
});

describe('webhook setting through the handlers, on a real engine', () => {
  it('refuses a non-http address, stores a good one, sends a test, then notices a real batch finishing', async () => {
    const dir = tempDir('sm-webhook-');
    const app = await createTestApp({ rootDir: dir.path });
    try {
      const bad = await call(app.handlers, 'command:settings.update', {
        webhook: { url: 'javascript:alert(1)', preset: 'generic' },
      });
      expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
      expect(!bad.ok && bad.error.message).toMatch(
        /must start with https:\/\/ \(or http:\/\/\), not javascript:/,
      );
      expect((await value(app.handlers, 'query:settings.get', {})).webhook).toBeNull();

      const noneYet = await call(app.handlers, 'command:settings.testWebhook', {});
      expect(noneYet).toMatchObject({
        ok: false,
        error: { code: 'conflict', message: /No webhook address is set/ },
      });

      const saved = await value(app.handlers, 'command:settings.update', {
        webhook: { url: `${base}/hook`, preset: 'generic' },
      });
      expect(saved.webhook).toEqual({ url: `${base}/hook`, preset: 'generic' });
      // The address is a secret kept like the key, never in the settings file.
      expect(JSON.parse(readFileSync(app.files.settings, 'utf8')).webhook).toEqual({ preset: 'generic' });
      expect(await value(app.handlers, 'command:settings.testWebhook', {})).toEqual({ status: 200 });
      expect(received.at(-1)!.body).toMatchObject({ event: 'test', title: 'Stillmotion — Test notice' });

      const input = join(dir.path, 'shoot');
      await writeImage(join(input, 'a.jpg'));
      const batchId = await runBatch(app, [input], batchSettings(join(dir.path, 'out')));
      await app.core.services.webhooks.settled();
      expect(received.at(-1)!.body).toMatchObject({
        event: 'finished',
        batch: { id: batchId },
        message: expect.stringMatching(/^1 of 1 video done; \$\d+\.\d\d spent\.$/),
      });
      // A pause the user must act on, from the real engine: a cap below one video.
      await writeImage(join(input, 'b.jpg'), { color: '#aa0000' });
      const again = await value(app.handlers, 'command:scan.start', { paths: [join(input, 'b.jpg')] });
      await app.core.scans.whenFinished(again.scanId);
      const capped = await value(app.handlers, 'command:batch.create', {
        scanId: again.scanId,
        settings: batchSettings(join(dir.path, 'out'), { budgetUsd: 0.01 }),
      });
      await value(app.handlers, 'command:batch.start', { batchId: capped.batchId });
      await app.engine.idle(20_000);
      await app.core.services.webhooks.settled();
      expect(received.at(-1)!.body).toMatchObject({
        event: 'paused',
        pauseReason: 'budget_reached',
        batch: { id: capped.batchId },
        title: `Stillmotion — Paused: ${app.engine.getBatch(capped.batchId)!.name}`,
        message: expect.stringMatching(/^Budget of \$0\.01 reached/),
      });
      expect(JSON.stringify(received)).not.toContain(app.secrets.get()!);
    } finally {
      await app.close();
      dir.remove();
    }
  });
});
