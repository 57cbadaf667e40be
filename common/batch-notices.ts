// What happened to a batch that a person should hear about (finished, paused and why, not
// moving, continuing after a top-up), decided once here and worded once here in English and
// Simplified Chinese, for every place that tells it: the window's pause banner and screen-reader
// announcements, the OS notification, the webhook and the command line. Pure like reasons.ts;
// the words are ICU messages (message-format.ts), and a `satisfies` check makes Chinese carry
// every text English has.
import type { PauseReason } from './batch-states';
import { batchFigures, type BatchFigureSource } from './batch-figures';
import { desktopText } from './desktop-texts';
import { formatMessage } from './message-format';
import { reasonText, type Reason, type ReasonLanguage } from './reasons';

type ActionablePause = Exclude<PauseReason, 'user'>;

/** A pause the user must act on: every pause but the user's own. */
export function needsUser(reason: PauseReason | null | undefined): reason is ActionablePause {
  return reason !== null && reason !== undefined && reason !== 'user';
}

const en = {
  'pause.user.title': 'Paused',
  'pause.user.hint': 'Resume when you are ready.',
  'pause.bad_key.title': 'RunComfy did not accept the API key',
  'pause.bad_key.hint': 'Set a valid key in Settings, then resume. Nothing was lost.',
  'pause.no_balance.title': 'Your RunComfy account is out of credit',
  'pause.no_balance.hint': 'Top up your RunComfy balance, then resume. Nothing was lost.',
  'pause.budget_reached.title': 'The budget cap is reached',
  'pause.budget_reached.hint': 'Nothing more will be sent unless you raise the cap.',
  'pause.disk_full.title': 'The disk is full',
  'pause.disk_full.hint':
    'Free some space on the output drive, or choose another folder, then resume. Finished videos are kept.',
  'pause.too_many_failures.title': 'Too many generations failed in a row',
  'pause.too_many_failures.hint': 'Look at the failed items’ reasons, fix the cause, then resume.',
  'pause.daily_cap_reached.title': 'The daily spending cap is reached',
  'pause.daily_cap_reached.hint':
    'Nothing more is sent today. Raise the daily cap in Settings, or wait: the batch continues by itself when a new day begins (your local midnight).',
  'pause.lease_lost.title': 'Another Stillmotion took over this batch',
  'pause.lease_lost.hint': 'Take it back here only if the other one is closed.',
  'notice.finished.title': 'Finished: {name}',
  'notice.finished.body':
    '{done} of {planned, plural, one {# video} other {# videos}} done' +
    '{attention, plural, =0 {} one {, # needs attention} other {, # need attention}}' +
    '{cancelled, plural, =0 {} other {, # cancelled}}' +
    '{rejected, plural, =0 {} other {, # not usable}}' +
    '{skipped, plural, =0 {} other {, # already generated}}; {spent} spent.',
  'notice.paused.title': 'Paused: {name}',
  'notice.paused.body': '{why}. {hint}',
  'notice.stalled.title': 'Not moving: {name}',
  'notice.stalled.body':
    'No video of this batch changed state for {minutes, plural, one {# minute} other {# minutes}} while it runs. Check that the computer is awake and online, and look at RunComfy’s status page; the batch continues by itself when the API answers.',
  'notice.watching.title': 'Up to date: {name}',
  'notice.watching.body':
    '{summary} Watching {folders}: each new image is sent once it is completely copied.',
  'notice.sending.title': 'Sending: {name}',
  'notice.sending.body':
    'Its hours have begun: the batch sends its next videos by itself ({waiting, plural, one {# waits} other {# wait}}).',
  'notice.resumed.title': 'Continues: {name}',
  'notice.resumed.body':
    'The RunComfy balance is {balance} now, so the batch continues by itself where it paused for lack of balance. Nothing was sent while it waited.',
  'notice.test.title': 'Test notice',
  'notice.test.body': 'Notices about your batches (finished, paused, not moving) will arrive here.',
  'notice.batch': 'Batch {id}',
  'notice.fromApp': 'Stillmotion — {title}',
  'money.simulated': '{amount} (simulated)',
} as const;

export type NoticeTextKey = keyof typeof en;

const zhCN = {
  'pause.user.title': '已暂停',
  'pause.user.hint': '准备好后点击继续。',
  'pause.bad_key.title': 'RunComfy 不接受此 API 密钥',
  'pause.bad_key.hint': '请在设置中填写有效的密钥，然后继续。没有任何内容丢失。',
  'pause.no_balance.title': 'RunComfy 账户余额不足',
  'pause.no_balance.hint': '请为 RunComfy 账户充值，然后继续。没有任何内容丢失。',
  'pause.budget_reached.title': '已达到预算上限',
  'pause.budget_reached.hint': '除非提高上限，否则不会再发送任何内容。',
  'pause.disk_full.title': '磁盘已满',
  'pause.disk_full.hint': '请释放输出磁盘空间，或选择其他文件夹，然后继续。已完成的视频会保留。',
  'pause.too_many_failures.title': '连续失败次数过多',
  'pause.too_many_failures.hint': '请查看失败项目的原因，解决后再继续。',
  'pause.daily_cap_reached.title': '已达到每日支出上限',
  'pause.daily_cap_reached.hint':
    '今天不会再发送任何内容。请在设置中提高每日上限，或等待：新的一天开始时（你当地的午夜）批次会自动继续。',
  'pause.lease_lost.title': '另一个 Stillmotion 接管了此批次',
  'pause.lease_lost.hint': '仅在另一个已关闭时才在此处接管。',
  'notice.finished.title': '已完成：{name}',
  'notice.finished.body':
    '{planned} 个视频中 {done} 个已完成' +
    '{attention, plural, =0 {} other {，# 个需要处理}}' +
    '{cancelled, plural, =0 {} other {，# 个已取消}}' +
    '{rejected, plural, =0 {} other {，# 个不可用}}' +
    '{skipped, plural, =0 {} other {，# 个此前已生成}}；已花费 {spent}。',
  'notice.paused.title': '已暂停：{name}',
  'notice.paused.body': '{why}。{hint}',
  'notice.stalled.title': '没有进展：{name}',
  'notice.stalled.body':
    '此批次运行中已有 {minutes} 分钟没有任何视频改变状态。请检查电脑是否处于唤醒和联网状态，并查看 RunComfy 的状态页面；API 恢复响应后批次会自动继续。',
  'notice.watching.title': '已是最新：{name}',
  'notice.watching.body': '{summary}正在监视 {folders}：每张新图片完整复制后即会发送。',
  'notice.sending.title': '开始发送：{name}',
  'notice.sending.body': '到了它的时段：批次会自动发送接下来的视频（还有 {waiting} 个等待）。',
  'notice.resumed.title': '继续：{name}',
  'notice.resumed.body':
    'RunComfy 余额现为 {balance}，因此批次从因余额不足而暂停的地方自动继续。等待期间没有发送任何内容。',
  'notice.test.title': '测试通知',
  'notice.test.body': '关于你的批次的通知（完成、暂停、没有进展）会发送到这里。',
  'notice.batch': '批次 {id}',
  'notice.fromApp': 'Stillmotion — {title}',
  'money.simulated': '{amount}（模拟）',
} as const satisfies Record<NoticeTextKey, string>;

const TEXTS: Record<ReasonLanguage, Record<NoticeTextKey, string>> = { en, 'zh-CN': zhCN };

/** A notice text in a language, its values filled in. */
export function noticeText(
  language: ReasonLanguage,
  key: NoticeTextKey,
  values?: Record<string, string | number>,
): string {
  return formatMessage(TEXTS[language]?.[key] ?? en[key], language, values);
}

type PauseTextKey = Extract<NoticeTextKey, `pause.${string}`>;

/** The pause titles and hints of a language, for the window's catalogs (one wording for all). */
export function pauseTexts(language: ReasonLanguage): Record<PauseTextKey, string> {
  const texts = TEXTS[language];
  return Object.fromEntries(Object.entries(texts).filter(([key]) => key.startsWith('pause.'))) as Record<
    PauseTextKey,
    string
  >;
}

/** What happened to a batch, as decided here: every teller words one of these. */
export type BatchNotice =
  | {
      kind: 'finished';
      done: number;
      planned: number;
      /** Sent and gone wrong: a person must look (batch-figures' problems). */
      attention: number;
      cancelled: number;
      rejected: number;
      skipped: number;
      spentUsd: number;
    }
  | {
      kind: 'paused';
      reason: ActionablePause;
      account: Reason | null;
      message: string | null;
    }
  | { kind: 'stalled'; minutes: number }
  | { kind: 'watching'; done: Extract<BatchNotice, { kind: 'finished' }>; folders: string[] }
  | { kind: 'resumed'; balanceUsd: number }
  /** Its start time came or its daily hours began: it sends again, by itself. */
  | { kind: 'sending'; waiting: number }
  | { kind: 'test' };

/** The notice for a batch that just finished: its counts and money at the end. */
export function finishedNotice(batch: Pick<BatchFigureSource, 'counts' | 'total' | 'spentUsd'>): BatchNotice {
  const figures = countFigures(batch, 'finished');
  return {
    kind: 'finished',
    done: figures.done,
    planned: figures.planned,
    attention: figures.problems,
    cancelled: figures.cancelled,
    rejected: batch.counts.rejected ?? 0,
    skipped: batch.counts.skipped ?? 0,
    spentUsd: figures.spentUsd,
  };
}

/** A running batch as the stall and watch deciders read it. */
export interface RunningBatch {
  counts: BatchFigureSource['counts'];
  total: number;
  spentUsd: number;
  watch?: { active: boolean; folders: string[] } | null;
  condition?: { code: string } | null;
}

/** Holds that are the batch's own plan, not trouble: it waits for the hours it was given. */
const WAITS_BY_DESIGN = ['waiting_for_window', 'waiting_for_start'];

/** Whether a running batch has work that should be moving now (queued or on its way, not waiting for its hours). */
export function hasWorkToMove(batch: RunningBatch): boolean {
  const figures = countFigures(batch, 'running');
  if (figures.waiting + figures.generating === 0) return false;
  return !waitsForHours(batch);
}

/** Whether a running batch waits for the hours it was given (its start time or daily window). */
function waitsForHours(batch: Pick<RunningBatch, 'condition'>): boolean {
  return WAITS_BY_DESIGN.includes(batch.condition?.code ?? '');
}

/**
 * Follows running batches' hours for a teller (the webhook, the OS notification): `look` at a
 * batch now and then; the first look after one was seen waiting, and no longer waits, gives the
 * notice that its hours began. `forget` a batch that stopped running.
 */
export function hoursTracker(): {
  look(batch: RunningBatch & { id: number }): BatchNotice | null;
  forget(batchId: number): void;
} {
  const waited = new Set<number>();
  return {
    look(batch) {
      if (waitsForHours(batch)) waited.add(batch.id);
      else if (waited.delete(batch.id)) return hoursOpenedNotice(batch);
      return null;
    },
    forget: (batchId) => void waited.delete(batchId),
  };
}

/** The notice for a batch whose hours began: how many videos wait to be sent. */
function hoursOpenedNotice(batch: RunningBatch): BatchNotice {
  return { kind: 'sending', waiting: countFigures(batch, 'running').waiting };
}

/** A batch's figures from its counts and spending (what notices read; estimates and ETA play no part). */
function countFigures(
  batch: Pick<BatchFigureSource, 'counts' | 'total' | 'spentUsd'>,
  state: 'running' | 'finished',
) {
  return batchFigures({ ...batch, state, unconfirmedUsd: 0, remainingEstimateUsd: 0, etaMs: null });
}

/** A running batch nothing of which moved for `minutes`: null when nothing should have moved. */
export function stalledNotice(batch: RunningBatch, minutes: number): BatchNotice | null {
  return hasWorkToMove(batch) ? { kind: 'stalled', minutes } : null;
}

/**
 * A watching batch whose work ran out: everything taken in so far is done and it waits for new
 * images (it never finishes while it watches, so this is its "finished").
 */
export function watchingNotice(batch: RunningBatch): BatchNotice | null {
  if (!batch.watch?.active || hasWorkToMove(batch)) return null;
  const done = finishedNotice(batch) as Extract<BatchNotice, { kind: 'finished' }>;
  return { kind: 'watching', done, folders: batch.watch.folders };
}

/** The notice for a batch that paused: null for a pause nobody needs telling about (the user's). */
export function pausedNotice(
  reason: PauseReason | null | undefined,
  batch: { pauseDetail: Reason | null; pauseMessage: string | null } | null,
): BatchNotice | null {
  if (!needsUser(reason)) return null;
  return {
    kind: 'paused',
    reason,
    account: batch?.pauseDetail ?? null,
    message: batch?.pauseMessage ?? null,
  };
}

export interface NoticeWords {
  title: string;
  body: string;
}

/**
 * A notice in a language: `name` is the batch's (null: "Batch <id>"), `simulated` its money's
 * kind; `money` formats amounts where the reader has its own way (the window's locale).
 */
export function noticeWords(
  notice: BatchNotice,
  batch: { id: number; name: string | null; simulated: boolean } | null,
  language: ReasonLanguage = 'en',
  money: (usd: number) => string = (usd) => {
    const amount = `$${usd.toFixed(2)}`;
    return batch?.simulated ? noticeText(language, 'money.simulated', { amount }) : amount;
  },
): NoticeWords {
  const say = (key: NoticeTextKey, values?: Record<string, string | number>) =>
    noticeText(language, key, values);
  const name = batch?.name ?? (batch ? say('notice.batch', { id: batch.id }) : '');
  switch (notice.kind) {
    case 'finished': {
      const { kind: _kind, spentUsd, ...counts } = notice;
      return {
        title: say('notice.finished.title', { name }),
        body: say('notice.finished.body', { ...counts, spent: money(spentUsd) }),
      };
    }
    case 'paused': {
      // The engine's account in the reader's language (rows from before codes: its English
      // text) says what happened and what to do; without one, the pause's title and hint.
      const account = reasonText({ reason: notice.account, message: notice.message }, language);
      return {
        title: say('notice.paused.title', { name }),
        body:
          account ??
          say('notice.paused.body', {
            why: say(`pause.${notice.reason}.title`),
            hint: say(`pause.${notice.reason}.hint`),
          }),
      };
    }
    case 'stalled':
      return {
        title: say('notice.stalled.title', { name }),
        body: say('notice.stalled.body', { minutes: notice.minutes }),
      };
    case 'watching':
      return {
        title: say('notice.watching.title', { name }),
        body: say('notice.watching.body', {
          summary: noticeWords(notice.done, batch, language, money).body,
          folders: notice.folders.join(desktopText(language, 'list.separator')),
        }),
      };
    case 'sending':
      return {
        title: say('notice.sending.title', { name }),
        body: say('notice.sending.body', { waiting: notice.waiting }),
      };
    case 'resumed':
      return {
        title: say('notice.resumed.title', { name }),
        body: say('notice.resumed.body', { balance: money(notice.balanceUsd) }),
      };
    case 'test':
      return { title: say('notice.test.title'), body: say('notice.test.body') };
  }
}
