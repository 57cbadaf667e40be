// Webhook notifications: at 3 am, on a phone, "the batch paused: your balance ran out, top up
// and resume". Posts a small JSON to the URL the user set when a batch finishes, pauses for a
// reason the user must act on (the reason and what to do), or stalls (running, with work in
// flight, but nothing has moved for a long time). Presets shape the payload for ntfy and for
// Discord- and Slack-style incoming webhooks. Never the API key (redacted from every text) and
// never file contents; a failed delivery is logged and retried a few times, never fatal to the
// engine. Electron-free: the fetch, the clock and the sleep are injected.
import type { EngineApi, QueueApi } from '../core-api';
import { summaryDetails } from './activity-text';
import type { EngineEvent, PauseReason } from '../domain';
import { InvalidValueError } from '../domain';
import {
  finishedNotice,
  noticeText,
  noticeWords,
  pausedNotice,
  hoursTracker,
  stalledNotice,
  watchingNotice,
  type BatchNotice,
} from '@common/batch-notices';
import type { ReasonLanguage } from '@common/reasons';
import { redact as redactSecrets } from '../util/redact';
import { backoffDelay } from '../util/backoff';

/**
 * A delivery that did not happen, with the contract's code (mapped by `code`, see errors.ts).
 * Not AppError: this module also runs in the CLI bundle, which carries no IPC contract.
 */
export class WebhookError extends Error {
  override name = 'WebhookError';
  constructor(
    readonly code: 'conflict' | 'unavailable',
    message: string,
  ) {
    super(message);
  }
}

export const WEBHOOK_PRESETS = ['generic', 'ntfy', 'discord', 'slack'] as const;
export type WebhookPreset = (typeof WEBHOOK_PRESETS)[number];
export interface WebhookSetting {
  url: string;
  preset: WebhookPreset;
}

/** fetch, or a stand-in for it (tests). */
export type FetchLike = (url: string, init?: RequestInit) => Promise<Response>;

export type WebhookEvent = BatchNotice['kind'];

/** A notice as posted: batch-notices.ts's words for what happened, and which batch. */
export interface Notice {
  event: WebhookEvent;
  title: string;
  message: string;
  batch: { id: number; name: string } | null;
  pauseReason?: PauseReason;
}

/** The posted notice for what happened to a batch (null batch: the test notice), in a language. */
export function webhookNotice(
  notice: BatchNotice,
  batch: { id: number; name: string; simulated: boolean } | null,
  language: ReasonLanguage = 'en',
): Notice {
  const words = noticeWords(notice, batch, language);
  return {
    event: notice.kind,
    // The receiver is a phone or a chat channel, not Stillmotion: the title says who speaks.
    title: noticeText(language, 'notice.fromApp', { title: words.title }),
    message: words.body,
    batch: batch && { id: batch.id, name: batch.name },
    ...(notice.kind === 'paused' ? { pauseReason: notice.reason } : {}),
  };
}

/** http(s) only, with a host: anything else is refused with the reason and what to type. */
export function checkWebhookUrl(value: string): string {
  const text = value.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new InvalidValueError(
      `The webhook address "${text}" is not a web address. Paste the full address, starting with https://, e.g. https://ntfy.sh/my-topic.`,
      {
        kind: 'invalid_value',
        field: 'webhook.url',
        value: text,
        expected: 'an http:// or https:// address',
      },
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new InvalidValueError(
      `The webhook address must start with https:// (or http://), not ${url.protocol}//. Paste the address your notification service gave you.`,
      {
        kind: 'invalid_value',
        field: 'webhook.url',
        value: text,
        expected: 'an http:// or https:// address',
      },
    );
  if (url.username || url.password)
    throw new InvalidValueError(
      'The webhook address must not hold a user name or password (it is stored as plain text in the settings file). Use a token in the path, as ntfy, Discord and Slack do.',
      {
        kind: 'invalid_value',
        field: 'webhook.url',
        value: url.host,
        expected: 'an address without a password',
      },
    );
  return url.toString();
}

/**
 * Text for a Discord message: batch and file names come from folders the user was handed, so
 * markdown in them is shown as written and `@everyone` / `@here` cannot ping a channel.
 */
export function discordText(text: string): string {
  return text.replace(/[\\*_~`|>#[\]<:-]/g, '\\$&').replace(/@/g, '@\u200b');
}

/**
 * Text for a Slack message: Slack reads `<...>` as a control sequence (`<!channel>` pings the
 * whole channel, `<https://x|label>` disguises a link), so &, < and > are escaped as its docs ask.
 */
export function slackText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

const GOOD_NEWS = new Set<WebhookEvent>(['finished', 'resumed', 'watching', 'sending']);

/** The body (and where it goes) for each preset. */
export function webhookRequest(
  setting: WebhookSetting,
  notice: Notice,
  at: number,
): { url: string; body: Record<string, unknown> } {
  switch (setting.preset) {
    case 'ntfy': {
      // ntfy's JSON publishing: POST to the server root with the topic in the body.
      const url = new URL(setting.url);
      const parts = url.pathname.split('/').filter(Boolean);
      const topic = parts.pop() ?? '';
      url.pathname = `/${parts.join('/')}`;
      return {
        url: url.toString(),
        body: {
          topic,
          title: notice.title,
          message: notice.message,
          tags: [
            GOOD_NEWS.has(notice.event) ? 'white_check_mark' : notice.event === 'test' ? 'bell' : 'warning',
          ],
          priority: notice.event === 'paused' || notice.event === 'stalled' ? 4 : 3,
        },
      };
    }
    case 'discord':
      return {
        url: setting.url,
        body: {
          content: `**${discordText(notice.title)}**\n${discordText(notice.message)}`,
          // No mention in a notice pings anyone, whatever its text says.
          allowed_mentions: { parse: [] },
        },
      };
    case 'slack':
      return {
        url: setting.url,
        body: { text: `*${slackText(notice.title)}*\n${slackText(notice.message)}` },
      };
    case 'generic':
      return {
        url: setting.url,
        body: {
          source: 'stillmotion',
          event: notice.event,
          title: notice.title,
          message: notice.message,
          batch: notice.batch,
          ...(notice.pauseReason ? { pauseReason: notice.pauseReason } : {}),
          at: new Date(at).toISOString(),
        },
      };
  }
}

export interface WebhookNotifierOptions {
  /** With `queue`, the finish notice says what failed and why, and what waits for a person. */
  engine: Pick<EngineApi, 'on' | 'getBatch'> & { queue?: Pick<QueueApi, 'summarySince'> };
  setting: () => WebhookSetting | null;
  fetch?: FetchLike;
  /** Texts that must never leave the machine (the API key). */
  secrets?: () => (string | null)[];
  /** The language notices are worded in (the window's; the CLI's --lang). Default English. */
  language?: () => ReasonLanguage;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Delivery attempts per notice (default 4) and the waits between them (ms, doubling). */
  attempts?: number;
  retryMs?: number;
  timeoutMs?: number;
  /** A running batch with nothing moving for this long is reported stalled (default 30 min). */
  stallMs?: number;
  /** How often stalls are looked for (default 1 min; 0: only when checkStalls is called). */
  stallCheckMs?: number;
}

export interface WebhookNotifier {
  /** Sends one notice now; answers the HTTP status, or throws with the reason in words. */
  send(notice: Notice, setting?: WebhookSetting | null): Promise<number>;
  /** Delivers a notice in the background, retried a few times; never throws (no address: nothing). */
  notify(notice: Notice): void;
  /** What happened to a batch (null: the test notice), worded in the notices' language. */
  noticeOf(notice: BatchNotice, batch: { id: number; name: string; simulated: boolean } | null): Notice;
  /** Looks for stalled batches (the timer calls this; tests call it with their clock). */
  checkStalls(): void;
  /** Resolves when every delivery started so far has ended (tests). */
  settled(): Promise<void>;
  close(): void;
}

export function createWebhookNotifier(options: WebhookNotifierOptions): WebhookNotifier {
  const doFetch = options.fetch ?? fetch;
  const log = options.log ?? (() => {});
  const now = options.now ?? Date.now;
  const language = options.language ?? (() => 'en' as const);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms).unref?.()));
  const attempts = options.attempts ?? 4;
  const retryMs = options.retryMs ?? 2_000;
  const stallMs = options.stallMs ?? 30 * 60_000;
  const inFlight = new Set<Promise<unknown>>();
  /** Running batches: when something last moved, and whether this stall was already reported. */
  const running = new Map<number, { lastMoved: number; reported: boolean }>();
  /** Watching batches already reported up to date, until new work arrives. */
  const upToDate = new Set<number>();
  const hours = hoursTracker();

  const redact = (text: string) => redactSecrets(text, options.secrets?.() ?? []);

  const send = async (notice: Notice, given?: WebhookSetting | null): Promise<number> => {
    const setting = given === undefined ? options.setting() : given;
    if (!setting)
      throw new WebhookError('conflict', 'No webhook address is set. Enter one in Settings first.');
    const safe = { ...notice, title: redact(notice.title), message: redact(notice.message) };
    const { url, body } = webhookRequest(setting, safe, now());
    const host = new URL(url).host;
    let response: Response;
    try {
      response = await doFetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      throw new WebhookError(
        'unavailable',
        `Could not reach the webhook at ${host} (${cause}). Check the address and that this computer is online.`,
      );
    }
    await response.body?.cancel().catch(() => {});
    if (!response.ok)
      throw new WebhookError(
        'unavailable',
        `The webhook at ${host} answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}. Check the address and the preset.`,
      );
    return response.status;
  };

  const deliver = (notice: Notice) => {
    if (!options.setting()) return;
    const run = (async () => {
      for (let attempt = 1; attempt <= attempts; attempt++) {
        try {
          await send(notice);
          return;
        } catch (error) {
          const reason = redact(error instanceof Error ? error.message : String(error));
          if (attempt === attempts) {
            log(
              'warn',
              `webhook: gave up on the ${notice.event} notice after ${attempts} attempts: ${reason}`,
            );
            return;
          }
          log('info', `webhook: ${notice.event} notice not delivered (attempt ${attempt}): ${reason}`);
          await sleep(backoffDelay(attempt - 1, { baseMs: retryMs, capMs: Infinity, jitter: 0 }));
        }
      }
    })();
    inFlight.add(run);
    void run.finally(() => inFlight.delete(run));
  };

  const batchOf = (batchId: number) => {
    const batch = options.engine.getBatch(batchId);
    return batch ? { id: batch.id, name: batch.name, view: batch } : null;
  };

  const onEvent = (event: EngineEvent) => {
    try {
      if (event.type === 'items') {
        // Also picks up a batch that was already running when this process started.
        const view = options.engine.getBatch(event.batchId);
        if (running.has(event.batchId) || view?.state === 'running')
          running.set(event.batchId, { lastMoved: now(), reported: false });
        if (view?.state !== 'running') return;
        const opened = hours.look(view);
        if (opened) deliver(webhookNotice(opened, view, language()));
        // A watching batch whose work ran out says so once; new work starts a new spell.
        const watching = watchingNotice(view);
        if (!watching) upToDate.delete(view.id);
        else if (!upToDate.has(view.id)) {
          upToDate.add(view.id);
          deliver(webhookNotice(watching, view, language()));
        }
        return;
      }
      if (event.type === 'batch') {
        if (event.state === 'running') {
          if (!running.has(event.batchId)) running.set(event.batchId, { lastMoved: now(), reported: false });
          const view = options.engine.getBatch(event.batchId);
          if (view) hours.look(view);
          return;
        }
        hours.forget(event.batchId);
        running.delete(event.batchId);
        // A pause the user made needs no message to the user.
        if (event.state !== 'paused') return;
        const batch = batchOf(event.batchId);
        const notice = batch && pausedNotice(event.pauseReason, batch.view);
        if (notice) deliver(webhookNotice(notice, batch.view, language()));
        return;
      }
      running.delete(event.batchId);
      const batch = batchOf(event.batchId);
      if (!batch) return;
      // The morning report's details for this batch's run (the card in the window says the same).
      const summary = options.engine.queue?.summarySince(
        batch.view.startedAt ?? batch.view.createdAt,
        batch.id,
      );
      const details = summary ? summaryDetails(summary, language()) : '';
      const notice = webhookNotice(
        finishedNotice({ counts: event.counts, total: batch.view.total, spentUsd: event.spentUsd }),
        batch.view,
        language(),
      );
      deliver(details ? { ...notice, message: `${notice.message} ${details}` } : notice);
    } catch (error) {
      log('warn', `webhook: could not prepare a notice: ${redact(String(error))}`);
    }
  };
  const off = options.engine.on(onEvent);

  const checkStalls = () => {
    const at = now();
    for (const [batchId, entry] of running) {
      const batch = batchOf(batchId);
      if (!batch || batch.view.state !== 'running') {
        running.delete(batchId);
        hours.forget(batchId);
        continue;
      }
      // Waiting for its hours, a batch moves nothing and sends no event: looked at here.
      const opened = hours.look(batch.view);
      if (opened) deliver(webhookNotice(opened, batch.view, language()));
      if (entry.reported || at - entry.lastMoved < stallMs) continue;
      entry.reported = true;
      const minutes = Math.round((at - entry.lastMoved) / 60_000);
      const stalled = stalledNotice(batch.view, minutes);
      if (stalled) deliver(webhookNotice(stalled, batch.view, language()));
    }
  };
  const checkEvery = options.stallCheckMs ?? 60_000;
  const timer = checkEvery > 0 ? setInterval(checkStalls, checkEvery) : null;
  timer?.unref?.();

  return {
    send,
    notify: deliver,
    noticeOf: (notice, batch) => webhookNotice(notice, batch, language()),
    checkStalls,
    async settled() {
      while (inFlight.size) await Promise.allSettled([...inFlight]);
    },
    close() {
      off();
      if (timer) clearInterval(timer);
    },
  };
}
