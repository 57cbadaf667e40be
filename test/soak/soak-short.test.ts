// The night test, short: the same driver and checker as `npm run soak`, with 60 images and 3
// SIGKILLs, in `npm test`. Then the checker is shown to catch what it is there to catch, on
// this very run: a forged duplicate paid job, a video whose bytes changed on disk, a leftover
// temporary file and a paid video left undownloaded each turn the report into a failure.
import Database from 'better-sqlite3';
import { appendFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkRun, formatReport, type SoakReport } from './checker';
import { runSoak, type SoakRun } from './driver';

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
    // The run did real work: most items made a video, every item settled.
    expect(report.done).toBeGreaterThan(40);
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

  it('fails on a paid video that was not downloaded', () => {
    // A copy of the database where one downloaded item is "failed: download_failed" instead.
    const copy = join(run.dir, 'db', 'tampered.sqlite');
    const source = new Database(run.dbPath, { readonly: true });
    source.prepare('VACUUM INTO ?').run(copy);
    source.close();
    const db = new Database(copy);
    db.prepare(
      `UPDATE items SET state = 'failed', error_code = 'download_failed' WHERE id = (SELECT min(id) FROM items WHERE state = 'done')`,
    ).run();
    db.close();
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
