// The engine's sentences for people: what happened, what it may have cost, what to do. Kept in
// one place so the phases stay about decisions and a wording fix touches one file. They end up
// in item reasons, pause banners and the CLI (the window translates the pause reasons).
import type { ApiFailure } from '../api/client';
import type { BatchSettings } from '../domain';

export const UNKNOWN_SUBMIT =
  'Sent, but the answer was lost; it may or may not have been paid. Resubmit if you accept it may be paid twice.';

export const text = {
  pausedByUser: 'Paused by you. In-flight videos still finish and download.',
  stoppedWhileSending: `Stillmotion stopped while sending this item. ${UNKNOWN_SUBMIT}`,
  answerLost: (detail: string) => `${UNKNOWN_SUBMIT} (${detail})`,
  noKey:
    'No RunComfy API key is set. Add your key in Settings (or switch on simulated mode to try it for free); the batch then continues.',
  modeMismatch: (batchSimulated: boolean) =>
    batchSimulated
      ? 'This batch was made in simulated mode (no key, no cost). It is not sent to RunComfy with your key, ' +
        'because that would be paid: switch simulated mode back on to finish it, or start a new batch.'
      : 'This batch was made with your RunComfy key; simulated mode is on now. Turn simulated mode off to finish it.',
  budgetReached: (cap: number, committed: number, next: number, queuedLeft: number, leftUsd: number) =>
    `Budget of $${cap.toFixed(2)} reached: $${committed.toFixed(2)} is spent or in flight and the next ` +
    `video needs about $${next.toFixed(2)}. ${queuedLeft} items (about $${leftUsd.toFixed(2)}) ` +
    `are left to run; raise the budget and resume to continue.`,
  tooManyFailures: (count: number, last: string) =>
    `${count} items in a row did not succeed; the last one: ${last} ` +
    `Look at the failed items' reasons, fix the cause, then resume.`,
  unreadableInput: (path: string, detail: string) =>
    `Could not prepare ${path} for sending: ${detail}. Fix or replace the file, then retry this item.`,
  refused: (detail: string) =>
    `RunComfy refused this request: ${detail}. Check this image and the batch settings, then retry.`,
  noOutput: (requestId: string | null) =>
    `RunComfy reports request ${requestId} as succeeded but gave no video URL, so there is nothing to download. It was probably billed; contact RunComfy support with the request id, or retry (a new paid attempt).`,
  generationFailed: (detail: string | null) =>
    `RunComfy could not generate this video: ${detail ?? 'no reason given'}`,
  requestUnknown: (requestId: string | null) =>
    `RunComfy no longer knows request ${requestId} (expired or deleted), so its result cannot be fetched. It may have been billed. Retry to generate it again (a new paid attempt).`,
  otherAccount: (requestId: string | null) =>
    `RunComfy says request ${requestId} belongs to another account (403001): the API key was probably changed while it ran. Switch back to the key that submitted it, or retry with this key (a new paid attempt).`,
  downloadGaveUp: (attempts: number, detail: string) =>
    `The video could not be downloaded after ${attempts} tries (${detail}). It is paid for: Retry this item to try the download again (no new generation).`,
  unsafeOutputUrl: (url: string | null) =>
    `The video URL ${JSON.stringify(url)} is neither https nor on the API's own address, so it was not fetched. It is paid for: check the API base URL setting, then retry this item.`,
  outputFolder: (dir: string, detail: string) =>
    `Could not create the output folder ${dir}: ${detail}. Check the folder and its permissions, then retry.`,
  // reason code output_expired
  outputExpired: (httpStatus: number) =>
    `The video was generated (and billed) but its download link answered HTTP ${httpStatus} for too long: it expired before it could be fetched. Retry to generate it again (a new paid attempt).`,
  // reason code output_unavailable (a batch condition, not an item failure)
  outputUnavailable: (dir: string, detail: string) =>
    `Output folder not available: ${dir} (${detail}). Reconnect the drive or share; downloads continue by themselves when it is back, and nothing paid for is lost.`,
  // reason code network_down (a batch condition, not an item failure)
  networkDown: (detail: string) =>
    `Waiting for the network: RunComfy or the video links cannot be reached (${detail}). Nothing has failed; the batch continues by itself when the connection is back.`,
  // reason code file_error
  fileError: (file: string, detail: string) =>
    `Saving ${file} failed: ${detail}. It is paid for: fix the cause, then retry this item (it downloads again, no new generation).`,
  notMp4: 'the downloaded file is not an mp4 video (no ftyp header)',
  diskFull: (settings: BatchSettings, detail: string, file: string) =>
    `The disk holding ${settings.outputDir} is full (${detail}) while saving ${file}. ` +
    `Free some space, then resume: downloads continue where they stopped and nothing paid for is lost.`,
  account: (failure: ApiFailure) =>
    failure.kind === 'bad_key'
      ? `RunComfy did not accept the API key (${failure.message}). Enter a valid key in Settings; the queue continues with it.`
      : `The RunComfy account has no balance left (${failure.message}). Top up at runcomfy.com, then resume.`,
};
