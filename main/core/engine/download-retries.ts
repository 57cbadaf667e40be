// When a paid video's download is tried again, and when it is given up: a pure decision over
// what happened to it in this run. Network, server, disk and database trouble is retried until
// the link's likely end of life and beyond (the lifetime is a guess: only the link itself, or
// /result, says the video is gone); content that keeps coming wrong from one link asks for a
// fresh link, and is given up only past the lifetime; a link refused in a row past a CDN's
// catch-up grace, or past the lifetime, is expired. download.ts turns the decision into an outcome.
import type { EngineLimits } from './context';
import type { RetryCause } from './download-transfer';
import { backoffDelay } from '../util/backoff';

/**
 * Why an attempt should be repeated: the transfer's causes, plus `refused` (the link answered
 * 403/404/410 while /result still knows the job) and `file` (a transient file or database error).
 */
export type Cause = RetryCause | 'refused' | 'file';

/** How often the item was tried in this run: every try (the back-off) and the kinds in a row. */
interface Tries {
  all: number;
  /** Wrong content (length, offset, not an mp4) in a row from one link. */
  content: number;
  /** Transient file or database errors in a row. */
  file: number;
  refusalsInARow: number;
  /** Steady clock time of the first refusal of the current row. */
  refusedSince: number;
  /** Bytes the video was last announced at (a full disk says how much room it needs). */
  videoBytes: number | null;
}

export type RetryDecision =
  /** Again at this clock time; `showing` says what the batch waits for, if anything. */
  | { kind: 'again'; at: number; showing: 'network_down' | 'saving_delayed' | null; freshLink: boolean }
  /** The content kept coming wrong past the link's likely lifetime. */
  | { kind: 'give_up'; tries: number }
  /** The link kept refusing: the video is gone. */
  | { kind: 'expired' };

/** Refusals in a row, past the link's lifetime or grace, before the link is called expired. */
const REFUSALS_TO_EXPIRE = 3;
/** Transient file errors in a row before the batch says its saving is delayed. */
const FILE_TROUBLE_SHOWN_AFTER = 2;

export class DownloadRetries {
  private readonly tries = new Map<number, Tries>();

  /**
   * `steady`: the clock's steady reading (util/clock.ts steadyNow), for how long a link has
   * refused: a wall clock set forward between two 404s must not call a paid video expired.
   */
  constructor(
    private readonly limits: EngineLimits,
    private readonly steady: () => number,
  ) {}

  /**
   * What to do after an attempt that must be repeated. `sinceJobEnded`: clock ms since the job
   * finished (the link's likely lifetime counts from then).
   */
  decide(
    itemId: number,
    cause: Cause,
    now: number,
    sinceJobEnded: number,
    retryAfterMs: number | null,
    random: number,
  ): RetryDecision {
    const { limits } = this;
    const tries = this.of(itemId);
    tries.all++;
    tries.content = cause === 'content' ? tries.content + 1 : 0;
    tries.file = cause === 'file' ? tries.file + 1 : 0;
    // A 5xx or a cut connection says nothing about the link: it neither counts as a refusal nor
    // breaks a row of them (an expired link's 404s come with the CDN's usual errors in between).
    const steadyNow = this.steady();
    if (cause === 'refused') {
      if (tries.refusalsInARow++ === 0) tries.refusedSince = steadyNow;
    } else if (cause !== 'network' && cause !== 'server') tries.refusalsInARow = 0;
    const pastLifetime = sinceJobEnded > limits.outputLinkLifetimeMs;
    let freshLink = false;
    if (cause === 'content' && tries.content >= limits.maxDownloadAttempts) {
      if (pastLifetime) return { kind: 'give_up', tries: tries.all };
      // The same link keeps serving something else: a fresh one from /result, and go on.
      tries.content = 0;
      freshLink = true;
    }
    // A CDN edge catches up within seconds: a link refused in a row for much longer, while
    // /result still hands out that same link, is dead before its likely lifetime.
    const keepsRefusing = steadyNow - tries.refusedSince >= limits.linkRefusalGraceMs;
    if (cause === 'refused' && tries.refusalsInARow >= REFUSALS_TO_EXPIRE && (pastLifetime || keepsRefusing))
      return { kind: 'expired' };
    const delay = Math.max(retryAfterMs ?? 0, this.backoff(tries.all, random));
    // Past the lifetime a busy video server is long trouble too: the batch says what it waits for.
    const showing =
      cause === 'network' || (cause === 'server' && pastLifetime)
        ? 'network_down'
        : cause === 'file' && tries.file >= FILE_TROUBLE_SHOWN_AFTER
          ? 'saving_delayed'
          : null;
    return { kind: 'again', at: now + delay, showing, freshLink };
  }

  /** The video's whole size, as its server announced it. */
  noteVideoBytes(itemId: number, bytes: number): void {
    this.of(itemId).videoBytes = bytes;
  }

  videoBytes(itemId: number): number | null {
    return this.tries.get(itemId)?.videoBytes ?? null;
  }

  /** The item is done with (saved, ended, or no longer ours): its count starts over next time. */
  forget(itemId: number): void {
    this.tries.delete(itemId);
  }

  private of(itemId: number): Tries {
    let tries = this.tries.get(itemId);
    if (!tries) {
      tries = {
        all: 0,
        content: 0,
        file: 0,
        refusalsInARow: 0,
        refusedSince: this.steady(),
        videoBytes: null,
      };
      this.tries.set(itemId, tries);
    }
    return tries;
  }

  /** Half fixed, half random (equal jitter), capped: a long outage is retried about once a minute. */
  private backoff(tries: number, random: number): number {
    return backoffDelay(
      tries,
      { baseMs: 1000, capMs: this.limits.downloadBackoffCapMs, jitter: 0.5 },
      random,
    );
  }
}
