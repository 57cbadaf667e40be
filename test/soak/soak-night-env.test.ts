// The night test, short, with the environment's faults (issue #9): the same driver and checker
// as the short soak, every environment fault at least once (CDN lag, a download outage, a
// proxy's HTML 404s, successes without a video URL, deleted sources, the output folder
// read-only and then unplugged, a restart before the key is set, a resume through another
// RUNCOMFY_API_BASE) and one SIGKILL. One test per guarantee, so a failing one names the
// guarantee the engine broke; the first only shows every fault really happened.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRun, formatReport, type SoakReport } from './checker';
import { runSoak, type SoakRun } from './driver';
import type { SoakEnvironment } from './environment';

/** Sized for 60 images at clock x50 (1 s real = 50 s simulated): each fault hits a few items. */
export const SHORT_ENVIRONMENT: Required<SoakEnvironment> = {
  cdnLagMs: 30_000,
  downloadOutage: { at: 0.2, durationMs: 2 * 60_000, kind: 'reset' },
  proxyHtml404: 0.03,
  missingOutputUrl: 0.05,
  deleteSources: { at: 0.1, count: 3 },
  outputReadOnly: { at: 0.15, realMs: 2_000 },
  outputUnplugged: { at: 0.3, realMs: 2_500 },
  lateKey: { at: 0.45, realMs: 1_500 },
  baseSwitch: { at: 0.6, realMs: 3_000 },
};

const failuresMatching = (report: SoakReport, pattern: RegExp) =>
  report.failures.filter((f) => pattern.test(f));

describe('the night test, short, with environment faults (60 images, 1 kill)', () => {
  let run: SoakRun;
  let report: SoakReport;

  beforeAll(async () => {
    run = await runSoak({
      seed: 11,
      items: 60,
      kills: 1,
      outputTtlMs: 10 * 60_000,
      timeoutMs: 100_000,
      environment: SHORT_ENVIRONMENT,
    });
    report = checkRun(run);
    console.info(formatReport(report));
    console.info(run.environment.events.map((e) => `  ${e.name}: ${e.detail}`).join('\n'));
  }, 130_000);
  afterAll(() => run?.cleanup());

  it('met every environment fault at least once', () => {
    const played = new Set(run.environment.events.map((e) => e.name));
    expect([...played].sort()).toEqual(
      [
        'baseSwitch',
        'deleteSources',
        'downloadOutage',
        'lateKey',
        'outputReadOnly',
        'outputUnplugged',
      ].sort(),
    );
    expect(run.environment.deletedSources.length).toBeGreaterThan(0);
    const faults = new Set([
      ...run.ledger.downloads.map((d) => d.fault),
      ...run.ledger.polls.map((p) => p.fault),
    ]);
    expect(faults).toContain('cdn-lag');
    expect(faults).toContain('outage-reset');
    expect(faults).toContain('proxy-html-404');
    expect(run.ledger.environment?.jobsWithoutOutputUrl.size).toBeGreaterThan(0);
    // The key-less restart was refused (exit 3, needs the user) and did not end the run.
    expect(run.runs.some((r) => r.command === 'resume' && r.exitCode === 3)).toBe(true);
    expect(report.aborted).toBeNull();
  });

  it('leaves no item unsettled', () => {
    expect(failuresMatching(report, /unsettled|every item settled but/)).toEqual([]);
  });

  it('never sits idle with queued work and nothing in flight', () => {
    expect(failuresMatching(report, /idle with work/)).toEqual([]);
  });

  it('marks no item expired unless the server really expired its link', () => {
    expect(failuresMatching(report, /expired that the server did not expire/)).toEqual([]);
  });

  it('never pays again for an item whose paid video succeeded, nor twice for one item', () => {
    expect(failuresMatching(report, /paid re-submit|duplicate job/)).toEqual([]);
  });

  it('downloads every paid video intact, or says why not', () => {
    expect(
      failuresMatching(
        report,
        /not downloaded|missing|differ from what was served|no done item claims|temporary file/,
      ),
    ).toEqual([]);
  });

  it('keeps every other guarantee', () => {
    const covered =
      /unsettled|every item settled but|idle with work|did not expire|paid re-submit|duplicate job|not downloaded|missing|differ from what was served|no done item claims|temporary file/;
    expect(report.failures.filter((f) => !covered.test(f))).toEqual([]);
  });
});
