// The night test's checker: judges a soak run from three sources that do not depend on what the
// app says about itself: the simulator's ledger (what was sent, created, billed and served),
// the database read directly (read-only, the `items` table is the ground truth) and the output
// folder on disk (bytes hashed again). Its parts judge the unknown_submit items
// (check-unknown.ts), the output folder (check-folder.ts), the processes' health
// (check-health.ts) and the machine's faults (machine-check.ts); report.ts prints the result.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import type { SubmitRecord } from '../../main/core/simulator/types';
import { judgeOutputFolder } from './check-folder';
import { judgePaidTwice } from './check-paid';
import { judgeHealth } from './check-health';
import { explainUnknownSubmits } from './check-unknown';
import type { IdleSpan, SoakRun } from './soak-run';
import { recoveredAsUnknown, type ItemRow } from './evidence';
import type { MachineRecord } from './machine';
import { checkMachine, machineFailures, withoutSuspensions } from './machine-check';
import type { SoakReport } from './report';

/** Simulated ms of disagreement allowed between the processes' readings of the shared clock. */
const CLOCK_SLACK_MS = 2_000;
const TERMINAL = new Set(['done', 'failed', 'expired', 'unknown_submit', 'cancelled', 'rejected', 'skipped']);

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** What the checker judges: the run's evidence, with what a test may leave out. */
export type CheckInput = Pick<
  SoakRun,
  | 'batchId'
  | 'dbPath'
  | 'outputDir'
  | 'ledger'
  | 'kills'
  | 'runs'
  | 'rss'
  | 'monitor'
  | 'wallMs'
  | 'simulatedMs'
  | 'aborted'
  | 'userResumes'
> & {
  seed: number;
  items: number;
  /** Fail when no process lived long enough to judge memory growth (the full soak). */
  requireMemoryVerdict: boolean;
  /** Simulated ms an output link lives after its job ended (null: forever). */
  outputTtlMs: number | null;
  /** Idle-with-work stretches the driver saw (absent: not sampled). */
  idle?: IdleSpan[];
  /** Items whose source image the driver deleted. */
  deletedSources?: { itemId: number; path: string }[];
  /** What the machine faults did (absent: none). */
  machine?: MachineRecord;
  /** Simulated ms per real ms (the machine checks turn real margins into simulated ones). */
  clockFactor?: number;
};

export function checkSoak(input: CheckInput): SoakReport {
  const failures: string[] = [];
  // The database's times are the machine's wall clock, the ledger's the server's: a clock step
  // on the machine moves one and not the other.
  const slack = CLOCK_SLACK_MS + (input.machine?.maxClockOffsetMs ?? 0);
  const hashes = new Map<string, string>();
  const sha256 = (path: string) => hashes.get(path) ?? hashes.set(path, sha256File(path)).get(path)!;
  const db = new Database(input.dbPath, { readonly: true, fileMustExist: true });
  let items: ItemRow[];
  let recovered: Set<number>;
  const attemptWindows = new Map<number, { from: number; to: number }>();
  let batchState: string | undefined;
  const unsettledItems: string[] = [];
  try {
    items = db
      .prepare(
        `SELECT id, state, request_id, error_code, rendered_prompt, output_path, output_sha256, part_path, attempts
         FROM items WHERE batch_id = ? ORDER BY id`,
      )
      .all(input.batchId) as ItemRow[];
    recovered = recoveredAsUnknown(db, input.batchId);
    for (const row of db
      .prepare(
        `SELECT e.item_id AS id,
                max(CASE WHEN e.to_state = 'submitting' THEN e.at END) AS sent,
                max(CASE WHEN e.to_state = 'unknown_submit' THEN e.at END) AS lost
         FROM item_events e JOIN items i ON i.id = e.item_id
         WHERE i.batch_id = ? AND i.state = 'unknown_submit' GROUP BY e.item_id`,
      )
      .all(input.batchId) as { id: number; sent: number | null; lost: number | null }[])
      if (row.sent !== null && row.lost !== null)
        attemptWindows.set(row.id, { from: row.sent, to: row.lost });
    batchState = (
      db.prepare(`SELECT state FROM batches WHERE id = ?`).get(input.batchId) as { state: string }
    )?.state;
    for (const row of db
      .prepare(
        `SELECT i.id, i.state, (SELECT e.reason FROM item_events e WHERE e.item_id = i.id ORDER BY e.id DESC LIMIT 1) AS reason
         FROM items i WHERE i.batch_id = ? AND i.state NOT IN (SELECT value FROM json_each(?)) ORDER BY i.id LIMIT 10`,
      )
      .all(input.batchId, JSON.stringify([...TERMINAL])) as {
      id: number;
      state: string;
      reason: string | null;
    }[])
      unsettledItems.push(`item ${row.id} '${row.state}'${row.reason ? ` (last: ${row.reason})` : ''}`);
  } finally {
    db.close();
  }
  const { ledger } = input;

  // ---- items by state -------------------------------------------------------------------
  const byState = (state: string) => items.filter((i) => i.state === state);
  const failed: Record<string, number> = {};
  for (const item of byState('failed'))
    failed[item.error_code ?? 'none'] = (failed[item.error_code ?? 'none'] ?? 0) + 1;
  const unsettled: Record<string, number> = {};
  for (const item of items)
    if (!TERMINAL.has(item.state)) unsettled[item.state] = (unsettled[item.state] ?? 0) + 1;
  if (items.length !== input.items)
    failures.push(`the database holds ${items.length} items, expected ${input.items}`);
  // Every item must end done, or in a state that tells the person what to do (retry, resubmit):
  // never still waiting on an engine that has stopped.
  if (Object.keys(unsettled).length > 0)
    failures.push(
      `items left unsettled when the run ended: ${JSON.stringify(unsettled)} (batch is '${batchState}'): ${unsettledItems.join('; ')}`,
    );
  else if (batchState !== 'finished') failures.push(`every item settled but the batch is '${batchState}'`);

  // ---- the ledger, keyed by the prompt (unique per item: the template has {index}) -----------
  const itemByPrompt = new Map(items.map((i) => [i.rendered_prompt, i]));
  if (itemByPrompt.size !== items.length)
    failures.push('prompts are not unique per item: the checker cannot match submits');
  const submitsByPrompt = new Map<string, SubmitRecord[]>();
  for (const s of ledger.submits) {
    if (s.prompt === null) continue;
    submitsByPrompt.set(s.prompt, [...(submitsByPrompt.get(s.prompt) ?? []), s]);
  }
  const charged = new Set(ledger.charges.map((c) => c.requestId));

  const paidTwice = judgePaidTwice(ledger, submitsByPrompt, items);
  failures.push(...paidTwice.failures);

  // ---- unknown_submit: each must be explained by a kill or by a lossy answer -----------------
  const unknown = explainUnknownSubmits({
    unknown: byState('unknown_submit'),
    ledger,
    kills: input.kills,
    recovered,
    attemptWindows,
    submitsByPrompt,
    slack,
  });
  failures.push(...unknown.failures);

  // ---- paid videos: downloaded, or expired (and shown so) --------------------------------------
  const itemByRequestId = new Map(items.filter((i) => i.request_id).map((i) => [i.request_id!, i]));
  const withoutUrl = ledger.environment?.jobsWithoutOutputUrl ?? new Set<string>();
  const withoutOutputUrl: Record<string, number> = {};
  const notDownloaded: string[] = [];
  let answerLost = 0;
  const corrupt: string[] = [];
  const corruptFiles: string[] = [];
  const missing: string[] = [];
  for (const job of ledger.jobs.values()) {
    if (job.status !== 'succeeded' || !charged.has(job.requestId)) continue;
    const item = itemByRequestId.get(job.requestId);
    if (!item) {
      // Created and billed, but its submit answer never reached the engine: that item is
      // unknown_submit (counted above); nobody can fetch what they do not know exists.
      answerLost++;
      continue;
    }
    if (item.state === 'expired') continue;
    if (withoutUrl.has(job.requestId)) {
      // No video URL to fetch: the item must say so (failed); done would be made up.
      withoutOutputUrl[item.state] = (withoutOutputUrl[item.state] ?? 0) + 1;
      if (item.state === 'failed') continue;
    }
    if (item.state !== 'done') {
      notDownloaded.push(
        `${job.requestId} (item ${item.id} is '${item.state}'${item.error_code ? `: ${item.error_code}` : ''})`,
      );
      continue;
    }
    if (!item.output_path || !existsSync(item.output_path)) {
      missing.push(`item ${item.id}: ${item.output_path}`);
      continue;
    }
    const actual = sha256(item.output_path);
    if (actual !== job.outputSha256 || actual !== item.output_sha256) {
      corruptFiles.push(item.output_path);
      corrupt.push(
        `${item.output_path} (sha256 ${actual.slice(0, 12)}, served ${job.outputSha256?.slice(0, 12)})`,
      );
    }
  }
  // A `done` item whose request the ledger never saw succeed would be a fabricated success.
  for (const item of byState('done')) {
    const job = item.request_id ? ledger.jobs.get(item.request_id) : undefined;
    if (!job || job.status !== 'succeeded')
      failures.push(`item ${item.id} is done but the server has no succeeded job ${item.request_id}`);
  }
  // Expired only if the server really let the link expire: a plain 404 (no injected fault: not
  // CDN lag, not a proxy's page) at or after the link's end of life. A 404 from a server that
  // never had the job (another RUNCOMFY_API_BASE) or a 404 before that moment confirms nothing.
  const expired = byState('expired');
  const unconfirmed: string[] = [];
  for (const item of expired) {
    const job = item.request_id ? ledger.jobs.get(item.request_id) : undefined;
    const endOfLife =
      job?.finishedAt != null && input.outputTtlMs !== null ? job.finishedAt + input.outputTtlMs : null;
    const seen = [
      ...ledger.downloads.filter((d) => d.requestId === item.request_id && d.httpStatus === 404),
      ...ledger.polls.filter((p) => p.requestId === item.request_id && p.httpStatus === 404),
    ];
    const real = seen.some(
      (r) => 'bytesSent' in r && r.fault === null && endOfLife !== null && r.at >= endOfLife - CLOCK_SLACK_MS,
    );
    if (real) continue;
    const why = !job
      ? 'no server ever had this job'
      : endOfLife === null
        ? 'its link never expires'
        : seen.length === 0
          ? 'no 404 at all'
          : `the 404s were ${[...new Set(seen.map((r) => `${'bytesSent' in r ? 'download' : r.endpoint} ${r.fault ?? (r.at < endOfLife ? `${Math.round((endOfLife - r.at) / 1000)} s before its end of life` : 'plain')}`))].join(', ')}`;
    unconfirmed.push(`item ${item.id} (${item.request_id}): ${why}`);
  }
  const confirmed = expired.length - unconfirmed.length;
  if (unconfirmed.length > 0)
    failures.push(
      `${unconfirmed.length} item(s) expired that the server did not expire: ${unconfirmed.slice(0, 5).join('; ')}`,
    );
  const deletedSources: Record<string, number> = {};
  const itemById = new Map(items.map((i) => [i.id, i]));
  for (const { itemId } of input.deletedSources ?? []) {
    const state = itemById.get(itemId)?.state ?? 'missing';
    deletedSources[state] = (deletedSources[state] ?? 0) + 1;
  }

  if (notDownloaded.length > 0)
    failures.push(
      `${notDownloaded.length} paid video(s) not downloaded and not expired: ${notDownloaded.slice(0, 5).join('; ')}`,
    );
  if (corrupt.length > 0)
    failures.push(`${corrupt.length} file(s) differ from what was served: ${corrupt.slice(0, 5).join('; ')}`);
  if (missing.length > 0)
    failures.push(`${missing.length} done item(s) whose file is missing: ${missing.slice(0, 5).join('; ')}`);

  // ---- the output folder ----------------------------------------------------------------
  const folder = judgeOutputFolder(input.outputDir, items, (state) => TERMINAL.has(state));
  failures.push(...folder.failures);

  // ---- the machine's faults ------------------------------------------------------------------
  const machine = input.machine
    ? checkMachine({
        dbPath: input.dbPath,
        batchId: input.batchId,
        ledger,
        outputTtlMs: input.outputTtlMs,
        machine: input.machine,
        kills: input.kills,
        clockFactor: input.clockFactor ?? 50,
        sha256,
      })
    : null;
  if (machine) failures.push(...machineFailures(machine));

  // ---- the processes' health ------------------------------------------------------------
  const health = judgeHealth(input);
  failures.push(...health.failures);
  if (input.aborted) failures.push(`the run did not finish: ${input.aborted}`);
  const resumes = input.runs.filter((r) => r.command === 'resume');

  const stalled =
    (machine?.personWaits.length ?? 0) +
    (machine?.refusedStarts.length ?? 0) +
    health.watchdog +
    (Object.keys(unsettled).length > 0 || batchState !== 'finished' || input.aborted ? 1 : 0);
  const report: SoakReport = {
    seed: input.seed,
    items: input.items,
    wallSeconds: Math.round(input.wallMs / 100) / 10,
    simulatedHours: Math.round((input.simulatedMs / 3_600_000) * 100) / 100,
    kills: {
      total: input.kills.length,
      random: input.kills.length - health.watchdog,
      watchdog: health.watchdog,
      withSubmitInFlight: input.kills.filter((k) => k.submitting > 0).length,
      itemsSubmittingAtKills: unknown.itemsSubmittingAtKills,
    },
    restarts: {
      resumes: resumes.length,
      resumesThatOnlyWatched: resumes.filter((r) => r.watchedInstead).length,
      userResumes: input.userResumes,
      leaseWaitMsMax: Math.max(0, ...input.kills.map((k) => k.leaseWaitMs)),
    },
    submitted: {
      httpRequests: ledger.submits.length,
      itemsSent: submitsByPrompt.size,
      jobsCreated: ledger.submits.filter((s) => s.created).length,
      lossyFaults: unknown.lossyFaults,
    },
    paid: {
      jobs: ledger.charges.length,
      usd: Math.round(ledger.charges.reduce((n, c) => n + c.usd, 0) * 100) / 100,
    },
    done: byState('done').length,
    failed,
    expired: { count: expired.length, confirmedBy404: confirmed, unconfirmed },
    deletedSources,
    withoutOutputUrl,
    resubmittedAfterPaid: paidTwice.resubmittedAfterPaid,
    idleWithWork: health.idleWithWork,
    unknownSubmit: unknown.unknownSubmit,
    duplicates: paidTwice.duplicates,
    paidNotDownloaded: { count: notDownloaded.length, requestIds: notDownloaded, answerLost },
    corruptFiles: corrupt,
    missingFiles: missing,
    partFiles: folder.partFiles,
    strayFiles: folder.strayFiles,
    unsettled,
    unsettledItems,
    memory: health.memory,
    eventLoop: health.eventLoop,
    machine,
    guarantees: {
      duplicatePaid: paidTwice.duplicates.paidJobs,
      billedButUnknown: machine?.billedButUnknown.length ?? 0,
      paidNotDownloaded: notDownloaded.length + missing.length,
      wrongBytes: new Set([...corruptFiles, ...(machine?.wrongFiles ?? [])]).size,
      temporaryFiles: folder.partFiles.length,
      stalledBatches: stalled,
    },
    aborted: input.aborted,
    failures,
    ok: failures.length === 0,
  };
  return report;
}

export function checkRun(run: SoakRun): SoakReport {
  return checkSoak({
    seed: run.options.seed,
    items: run.options.items,
    batchId: run.batchId,
    dbPath: run.dbPath,
    outputDir: run.outputDir,
    ledger: run.ledger,
    kills: run.kills,
    runs: run.runs,
    rss: run.rss,
    monitor: withoutSuspensions(run.monitor, run.machine),
    wallMs: run.wallMs,
    simulatedMs: run.simulatedMs,
    aborted: run.aborted,
    userResumes: run.userResumes,
    requireMemoryVerdict: run.options.items >= 200,
    outputTtlMs: run.options.outputTtlMs ?? null,
    idle: run.idle,
    deletedSources: run.environment?.deletedSources,
    machine: run.machine,
    clockFactor: run.options.clockFactor,
  });
}
