// Faults of the world around the API rather than of the API itself: what a real night brings
// that RunComfy's own answers do not. A CDN that has not caught up with a job that just ended
// (a bare 404 on a link that works a minute later), a download outage, a proxy in front of the
// API answering its own HTML 404, a success that carries no video URL, and a download
// connection that goes silent with its socket open. Their draws come
// from streams of their own, so turning them on leaves the API faults' sequence unchanged, and
// which jobs lack a video URL depends only on the order jobs were created (not on polling).
import type { Random } from '../util/clock';
import type { EnvironmentFaults } from './types';

/** What a proxy such as nginx answers for a path it does not route: HTML, no error_code. */
export const PROXY_404_HTML =
  '<html>\r\n<head><title>404 Not Found</title></head>\r\n<body>\r\n<center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

export type EnvironmentDownloadFault = 'outage-reset' | 'outage-503' | 'cdn-lag';
export const PROXY_404_FAULT = 'proxy-html-404';

/** Where a seeded outage may start when no start is given: within this much simulator time. */
export const DEFAULT_OUTAGE_WITHIN_MS = 10 * 60_000;

export interface OutageWindow {
  /** Simulator clock, ms since the epoch. */
  from: number;
  to: number;
  kind: 'reset' | '503';
}

export class EnvironmentPlan {
  private faults: EnvironmentFaults;
  private outage: OutageWindow | null = null;
  /** Jobs whose success carries no video URL, decided once when each job is created. */
  readonly withoutOutputUrl = new Set<string>();

  constructor(
    /** Draws for the outage's start and the proxy's 404s. */
    private readonly random: Random,
    /** Draws for the jobs without a video URL, one per job created. */
    private readonly perJob: Random,
    faults: EnvironmentFaults | undefined,
    private readonly startedAt: number,
    /** Draws for the downloads that go silent. */
    private readonly perDownload: Random,
  ) {
    this.faults = { ...faults };
    this.outage = this.planOutage();
  }

  /** Replaces the environment faults; a new outage window is planned from `now`'s start. */
  set(faults: EnvironmentFaults): void {
    this.faults = { ...faults };
    this.outage = this.planOutage();
  }

  get current(): Readonly<EnvironmentFaults> {
    return this.faults;
  }

  get outageWindow(): OutageWindow | null {
    return this.outage;
  }

  private planOutage(): OutageWindow | null {
    const outage = this.faults.downloadOutage;
    if (!outage || !(outage.durationMs > 0)) return null;
    const offset =
      outage.startMs ?? Math.floor(this.random() * (outage.withinMs ?? DEFAULT_OUTAGE_WITHIN_MS));
    const from = this.startedAt + offset;
    return { from, to: from + outage.durationMs, kind: outage.kind ?? 'reset' };
  }

  /**
   * The environment's fault for a download of `job` at `now`: the outage first (nothing gets
   * through it), then CDN lag on a video whose job ended less than `cdnLagMs` ago.
   */
  downloadFault(
    now: number,
    job: { finishedAt: number | null } | undefined,
  ): EnvironmentDownloadFault | null {
    const outage = this.outage;
    if (outage && now >= outage.from && now < outage.to)
      return outage.kind === '503' ? 'outage-503' : 'outage-reset';
    const lag = this.faults.cdnLagMs;
    if (lag && job?.finishedAt != null && now - job.finishedAt < lag) return 'cdn-lag';
    return null;
  }

  /** Whether a proxy answers this status/result request with its own HTML 404. */
  proxy404(): boolean {
    const rate = this.faults.proxyHtml404;
    return rate !== undefined && rate > 0 && this.random() < rate;
  }

  /**
   * Whether this download goes silent (null: it does not), and after which share of its body:
   * 0 is right after the headers.
   */
  silentDownload(): { afterFraction: number; cutAfterMs: number | null } | null {
    const silent = this.faults.silentDownload;
    if (!silent || !(silent.rate > 0) || this.perDownload() >= silent.rate) return null;
    const afterFraction = this.perDownload() < 0.5 ? 0 : 0.1 + 0.8 * this.perDownload();
    return { afterFraction, cutAfterMs: silent.cutAfterMs ?? null };
  }

  /** Decided at creation: whether this job's success will carry no video URL. */
  decideOutputUrl(requestId: string): void {
    const rate = this.faults.missingOutputUrl;
    if (rate !== undefined && rate > 0 && this.perJob() < rate) this.withoutOutputUrl.add(requestId);
  }
}
