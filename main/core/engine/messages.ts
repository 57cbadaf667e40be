// The engine's words for people, as reason codes with parameters: what happened, what it may
// have cost, what to do. The sentences themselves live once per language in common/reasons.ts
// (the window renders them in the user's language, the CLI and the CSV report in English unless
// given a locale); here the phases only say which reason and with which values. Provider text
// (RunComfy's own words) is passed through verbatim as a parameter.
import type { ApiFailure } from '../api/client';
import type { BatchSettings } from '../domain';
import { reason, type Reason } from '@common/reasons';

const usd = (value: number) => value.toFixed(2);

export const text = {
  pausedByUser: reason('paused_by_user'),
  stoppedWhileSending: reason('unknown_submit_crash'),
  /** Recovered by a takeover from a process that may still be running (its lease ran out). */
  senderStoppedAnswering: (holder: string) => reason('unknown_submit_other_process', { holder }),
  answerLost: (detail: string) => reason('unknown_submit', { detail }),
  noKey: reason('no_key'),
  modeMismatch: (batchSimulated: boolean) =>
    reason(batchSimulated ? 'simulated_batch_real_mode' : 'real_batch_simulated_mode'),
  budgetReached: (cap: number, committed: number, next: number, queuedLeft: number, leftUsd: number) =>
    reason('budget_reached', {
      cap: usd(cap),
      committed: usd(committed),
      next: usd(next),
      left: queuedLeft,
      leftUsd: usd(leftUsd),
    }),
  dailyCapReached: (cap: number, spentToday: number) =>
    reason('daily_cap_reached', { cap: usd(cap), spent: usd(spentToday) }),
  unpricedUnderDailyCap: (model: string, cap: number) =>
    reason('price_unknown_daily_cap', { model, cap: usd(cap) }),
  unpricedUnderBudget: (model: string, cap: number) =>
    reason('price_unknown_budget', { model, cap: usd(cap) }),
  tooManyFailures: (count: number, last: Reason) => reason('too_many_failures', { count, last }),
  unreadableInput: (path: string, detail: string) => reason('input_unreadable', { file: path, detail }),
  refused: (detail: string) => reason('api_refused', { provider: detail }),
  noOutput: (requestId: string | null) => reason('no_output', { requestId }),
  generationFailed: (detail: string | null) =>
    reason('generation_failed', { provider: detail ?? 'no reason given' }),
  requestUnknown: (requestId: string | null) => reason('request_expired', { requestId }),
  waitingForEndpointKey: (apiBaseUrl: string) => reason('endpoint_key_missing', { url: apiBaseUrl }),
  otherAccount: (requestId: string | null) => reason('other_account', { requestId }),
  downloadGaveUp: (attempts: number, detail: string) => reason('download_failed', { attempts, detail }),
  unsafeOutputUrl: (url: string | null) => reason('unsafe_output_url', { url: JSON.stringify(url) }),
  /** A batch condition, not an item failure: the download waits for the folder. */
  outputUnavailable: (dir: string, detail: string) => reason('output_unavailable', { dir, detail }),
  /** A batch condition, not an item failure: downloads retry until the link's lifetime. */
  networkDown: (detail: string) => reason('network_down', { detail }),
  fileError: (file: string, detail: string) => reason('file_error', { file, detail }),
  badOutputPath: (file: string, dir: string, detail: string) =>
    reason('bad_output_path', { file, dir, detail }),
  outputExpired: (httpStatus: number) => reason('output_expired', { status: httpStatus }),
  /** A retry detail (not shown on its own): why one download attempt did not count. */
  notMp4: 'the downloaded file is not an mp4 video (no ftyp header)',
  /** A batch condition: the disk is full; rechecked on a timer, the downloads wait. */
  diskFull: (settings: BatchSettings, detail: string, file: string) =>
    reason('disk_full', { dir: settings.outputDir, detail, file }),
  /** A batch condition: transient trouble while saving (a busy file or database); retried. */
  savingDelayed: (detail: string) => reason('saving_delayed', { detail }),
  /** A batch condition: a paid video waits for a person to fix something in its folder. */
  outputBlocked: (dir: string, file: string, detail: string) =>
    reason('output_blocked', { dir, file, detail }),
  /** An item note: its job is visible only to the key it was sent with, which is not set now. */
  sentWithOtherKey: reason('sent_with_other_key'),
  account: (failure: ApiFailure) =>
    reason(failure.kind === 'bad_key' ? 'key_refused' : 'no_balance', { provider: failure.message }),
};
