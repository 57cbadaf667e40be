// The night test, short, with the environment's faults: the same driver and checker
// as the short soak, every environment fault at least once (CDN lag, a download outage, a
// proxy's HTML 404s, successes without a video URL, deleted sources, the output folder
// read-only and then unplugged, a restart before the key is set, a resume through another
// RUNCOMFY_API_BASE) and one SIGKILL. One test per guarantee, so a failing one names the
// guarantee the engine broke; the first only shows every fault really happened.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRun } from './checker';
import { formatReport, type SoakReport } from './report';
import { runSoak } from './driver';
import type { SoakRun } from './soak-run';
import { SHORT_ENVIRONMENT } from './environment';

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
      // A stall is a failure either way; 20 s real (17 simulated minutes) keeps the test short.
      stallTimeoutMs: 20_000,
      environment: SHORT_ENVIRONMENT,
    });
    report = checkRun(run);
    console.info(formatReport(report));
    console.info(run.environment.events.map((e) => `  ${e.name}: ${e.detail}`).join('\n'));
    console.info(`  the other base URL saw ${JSON.stringify(run.environment.otherBase)}`);
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
    // The key-less restart was refused (exit 3, needs the user) and did not
    // end the run.
    const lateKey = run.environment.events.find((e) => e.name === 'lateKey')!;
    const keyless = run.runs.find((r) => r.startedAtReal >= lateKey.startedAtReal)!;
    expect(keyless).toMatchObject({ command: 'resume', exitCode: 3 });
    // The CLI resumed through the other base URL worked there for a while.
    const switched = run.environment.events.find((e) => e.name === 'baseSwitch')!;
    expect(run.runs.find((r) => r.startedAtReal >= switched.startedAtReal)?.firstWriteAt).not.toBeNull();
    expect(run.environment.otherBase!.polls + run.environment.otherBase!.submits).toBeGreaterThan(0);
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

  it('never stops making progress with work in flight (the watchdog never has to kill it)', () => {
    expect(failuresMatching(report, /watchdog/)).toEqual([]);
  });

  it('keeps every other guarantee', () => {
    const covered =
      /watchdog|unsettled|every item settled but|idle with work|did not expire|paid re-submit|duplicate job|not downloaded|missing|differ from what was served|no done item claims|temporary file/;
    expect(report.failures.filter((f) => !covered.test(f))).toEqual([]);
  });
});
