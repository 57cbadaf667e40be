// The night test, short: the same driver and checker as `npm run soak`, with 60 images and 3
// SIGKILLs, in `npm test`. Then the checker is shown to catch what it is there to catch, on
// this very run: a forged duplicate paid job, a video whose bytes changed on disk, a leftover
// temporary file and a paid video left undownloaded each turn the report into a failure; so
// do an item left in flight, a stretch idle with queued work, an item expired that the server
// never expired, and a paid re-submit of an item whose paid video had succeeded.
import Database from 'better-sqlite3';
import { appendFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRun } from './checker';
import { formatReport, type SoakReport } from './report';
import { runSoak } from './driver';
import type { SoakRun } from './soak-run';

describe('the night test, short (60 images, 3 kills)', () => {
  let run: SoakRun;
  let report: SoakReport;

  beforeAll(async () => {
    // Output links live 3 simulated minutes here (a restart takes a few of them), so videos
    // waiting to download across a kill may expire: the checker then wants them `expired`.
    run = await runSoak({ seed: 7, items: 60, kills: 3, outputTtlMs: 3 * 60_000, timeoutMs: 100_000 });
    report = checkRun(run);
    console.info(formatReport(report));
  }, 120_000);
  afterAll(() => run?.cleanup());

  it('keeps every guarantee through three SIGKILLs', () => {
    expect(report.failures).toEqual([]);
    expect(report.kills.total).toBe(3);
    expect(report.restarts.resumes).toBeGreaterThanOrEqual(3);
    // The run did real work: most items made a video, every item settled. (On a loaded machine a
    // restart takes more simulated minutes, so more of the 3-minute links expire: each of those is
    // checked above to be a real expiry, so the bound leaves them room.)
    expect(report.done).toBeGreaterThan(30);
    expect(report.unsettled).toEqual({});
    expect(report.submitted.jobsCreated).toBeGreaterThanOrEqual(report.done);
  });

  it('fails on a duplicate paid submission', () => {
    const done = run.ledger.submits.find((s) => s.created && s.requestId);
    expect(done).toBeDefined();
    const forged = { ...done!, requestId: `${done!.requestId}-again` };
    const ledger = { ...run.ledger, submits: [...run.ledger.submits, forged] };
    ledger.charges = [...run.ledger.charges, { at: forged.at, requestId: forged.requestId!, usd: 0.42 }];
    const broken = checkRun({ ...run, ledger });
    expect(broken.ok).toBe(false);
    expect(broken.duplicates.paidJobs).toBe(1);
    expect(broken.failures.join('\n')).toMatch(/duplicate job/);
  });

  /** A copy of the run's database with `sql` applied (the run's own stays as it was). */
  function tampered(name: string, sql: string): string {
    const copy = join(run.dir, 'db', `${name}.sqlite`);
    const source = new Database(run.dbPath, { readonly: true });
    source.prepare('VACUUM INTO ?').run(copy);
    source.close();
    const db = new Database(copy);
    db.prepare(sql).run();
    db.close();
    return copy;
  }
  const firstDone = () => {
    const db = new Database(run.dbPath, { readonly: true });
    const row = db
      .prepare(`SELECT id, request_id FROM items WHERE state = 'done' ORDER BY id LIMIT 1`)
      .get() as {
      id: number;
      request_id: string;
    };
    db.close();
    return row;
  };

  it('fails on an item left in flight when the run ended', () => {
    const { id } = firstDone();
    const copy = tampered('unsettled', `UPDATE items SET state = 'downloading' WHERE id = ${id}`);
    const broken = checkRun({ ...run, dbPath: copy });
    expect(broken.ok).toBe(false);
    expect(broken.unsettled).toEqual({ downloading: 1 });
    expect(broken.failures.join('\n')).toMatch(new RegExp(`left unsettled.*item ${id} 'downloading'`));
  });

  it('fails on a stretch idle with queued work and nothing in flight', () => {
    expect(report.failures.join('\n')).not.toMatch(/idle with work/);
    const idle = [...run.idle, { pid: 1, fromReal: 0, toReal: 6_000, simulatedMs: 5 * 60_000, queued: 7 }];
    const broken = checkRun({ ...run, idle });
    expect(broken.idleWithWork.overLimit).toHaveLength(1);
    expect(broken.failures.join('\n')).toMatch(/idle with work 1 time\(s\).*300 s simulated with 7 queued/);
  });

  it('fails on an item expired that the server did not expire: no 404, a CDN-lag 404, a 404 too early', () => {
    expect(report.failures.join('\n')).not.toMatch(/did not expire/);
    const { id, request_id } = firstDone();
    const dbPath = tampered('expired', `UPDATE items SET state = 'expired' WHERE id = ${id}`);
    const judge = (extra: { at: number; fault: string | null }[]) =>
      checkRun({
        ...run,
        dbPath,
        ledger: {
          ...run.ledger,
          downloads: [
            ...run.ledger.downloads,
            ...extra.map((d) => ({
              ...d,
              requestId: request_id,
              bytesSent: 0,
              httpStatus: 404,
              range: null,
            })),
          ],
        },
      }).failures.join('\n');
    const endOfLife = run.ledger.jobs.get(request_id)!.finishedAt! + run.options.outputTtlMs;
    expect(judge([])).toMatch(
      new RegExp(`expired that the server did not expire: item ${id} .*no 404 at all`),
    );
    expect(judge([{ at: endOfLife + 1, fault: 'cdn-lag' }])).toMatch(/did not expire.*download cdn-lag/);
    expect(judge([{ at: endOfLife - 60_000, fault: null }])).toMatch(
      /did not expire.*60 s before its end of life/,
    );
    // A plain 404 once the link's life was over is a real expiry.
    expect(judge([{ at: endOfLife, fault: null }])).not.toMatch(/did not expire/);
  });

  it('fails on a paid re-submit of an item whose paid video succeeded', () => {
    expect(report.resubmittedAfterPaid).toEqual([]);
    const first = run.ledger.submits.find(
      (s) => s.created && s.requestId && run.ledger.jobs.get(s.requestId)?.status === 'succeeded',
    )!;
    const again = { ...first, at: first.at + 600_000, requestId: `${first.requestId}-again` };
    const ledger = {
      ...run.ledger,
      submits: [...run.ledger.submits, again],
      charges: [...run.ledger.charges, { at: again.at + 3_000, requestId: again.requestId, usd: 0.42 }],
    };
    const broken = checkRun({ ...run, ledger });
    expect(broken.resubmittedAfterPaid).toHaveLength(1);
    expect(broken.failures.join('\n')).toMatch(
      new RegExp(`1 paid re-submit.*${again.requestId} after ${first.requestId} succeeded`),
    );
  });

  it('fails on a paid video that was not downloaded', () => {
    // A copy of the database where one downloaded item is "failed: download_failed" instead.
    const copy = tampered(
      'tampered',
      `UPDATE items SET state = 'failed', error_code = 'download_failed' WHERE id = (SELECT min(id) FROM items WHERE state = 'done')`,
    );
    const broken = checkRun({ ...run, dbPath: copy });
    expect(broken.ok).toBe(false);
    expect(broken.paidNotDownloaded.count).toBe(1);
    expect(broken.failures.join('\n')).toMatch(/paid video\(s\) not downloaded/);
  });

  it('fails on a file whose bytes differ from what was served, and on a leftover .part file', () => {
    const report = checkRun(run);
    expect(report.ok).toBe(true);
    const files = report.corruptFiles.length; // 0
    // Take one downloaded video and flip its last byte; leave a temporary file beside it.
    const db = new Database(run.dbPath, { readonly: true });
    const path = (
      db.prepare(`SELECT output_path FROM items WHERE state = 'done' LIMIT 1`).get() as {
        output_path: string;
      }
    ).output_path;
    db.close();
    appendFileSync(path, Buffer.from([0]));
    writeFileSync(join(dirname(path), '.leftover.mp4.part-999'), 'partial');
    const broken = checkRun(run);
    expect(broken.corruptFiles.length).toBe(files + 1);
    expect(broken.partFiles.length).toBe(1);
    expect(broken.ok).toBe(false);
  });
});
