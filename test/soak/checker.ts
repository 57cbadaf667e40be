// The night test's checker: judges a soak run from three sources that do not depend on what the
// app says about itself: the simulator's ledger (what was sent, created, billed and served),
// the database read directly (read-only, the `items` table is the ground truth) and the output
// folder on disk (bytes hashed again). Prints one report and the list of broken guarantees.
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { Ledger, SubmitRecord } from '../../main/core/simulator/types';
import type { IdleSpan, KillRecord, MonitorSample, RssSample, SoakRun } from './driver';
import { LOSSY_SUBMIT_FAULTS, recoveredAsUnknown, type ItemRow } from './evidence';
import type { MachineRecord } from './machine';
import {
  checkMachine,
  machineFailures,
  machineLines,
  withoutSuspensions,
  type MachineReport,
} from './machine-check';

/** Memory may grow this much (fraction) over the longest-lived engine process. */
export const MAX_MEMORY_GROWTH = 0.2;
/**
 * A process must live this long (real ms) for its growth to mean anything: the first second
 * or two of every process is module loading and JIT warm-up, not the engine's steady state.
 */
export const MIN_MEMORY_SPAN_MS = 15_000;
/**
 * Simulated ms a batch may sit with queued items, free slots and nothing in flight while a CLI
 * at work holds it: longer than any backoff the engine may wait out (a Retry-After, a poll
 * interval), far shorter than an outage it should ride through with work in flight.
 */
export const MAX_IDLE_WITH_WORK_MS = 120_000;

/** Simulated ms of disagreement allowed between the processes' readings of the shared clock. */
const CLOCK_SLACK_MS = 2_000;
/**
 * A temporary file by its name: hidden (`.x.mp4.part-12`, `.x.json.sm-12.tmp`: the engine's
 * temporary files all start with a dot, and no video or sidecar does), or a part or tmp file.
 */
const TEMPORARY_NAME = /^\.|\.part(-|$)|\.tmp$/;
const TERMINAL = new Set(['done', 'failed', 'expired', 'unknown_submit', 'cancelled', 'rejected', 'skipped']);

export interface SoakReport {
  seed: number;
  items: number;
  wallSeconds: number;
  simulatedHours: number;
  kills: {
    total: number;
    random: number;
    watchdog: number;
    withSubmitInFlight: number;
    itemsSubmittingAtKills: number;
  };
  restarts: { resumes: number; resumesThatOnlyWatched: number; userResumes: number; leaseWaitMsMax: number };
  submitted: { httpRequests: number; itemsSent: number; jobsCreated: number; lossyFaults: number };
  paid: { jobs: number; usd: number };
  done: number;
  failed: Record<string, number>;
  /**
   * confirmedBy404: items whose link the server really let expire (a plain 404 at or after the
   * link's end of life); unconfirmed: the others, each with what the server did say.
   */
  expired: { count: number; confirmedBy404: number; unconfirmed: string[] };
  /** Items whose source image the driver deleted mid-batch, and the states they ended in. */
  deletedSources: Record<string, number>;
  /** Paid jobs whose success carried no video URL, and the states their items ended in. */
  withoutOutputUrl: Record<string, number>;
  /** A paid job created for an item after an earlier paid job for it had succeeded. */
  resubmittedAfterPaid: string[];
  /** Stretches with queued items and nothing in flight while a CLI at work held the batch. */
  idleWithWork: { spans: number; longestMs: number; overLimit: string[] };
  unknownSubmit: {
    count: number;
    byKill: number;
    byFault: number;
    unexplained: number[];
    /** unknown_submit must not exceed this: items caught in `submitting` by a kill + lossy submit faults. */
    bound: number;
    createdAnyway: number;
  };
  duplicates: { createdJobs: number; paidJobs: number; amongStoredRequestIds: number; groups: string[][] };
  paidNotDownloaded: { count: number; requestIds: string[]; answerLost: number };
  corruptFiles: string[];
  missingFiles: string[];
  /** Temporary files left anywhere in the output folder (TEMPORARY_NAME). */
  partFiles: string[];
  strayFiles: string[];
  unsettled: Record<string, number>;
  /** Unsettled items one by one (state and the last recorded reason), at most 10. */
  unsettledItems: string[];
  memory: { peakRssMb: number; growthPct: number | null; basis: string; heapGrowthPct: number | null };
  /** Stalls once running; start-up (module loading, the first sample of each process) apart. */
  eventLoop: {
    maxStallMs: number;
    /** CPU the process itself used in the interval of the longest stall (less: the OS starved it). */
    maxStallCpuMs: number;
    maxP99Ms: number;
    startupMaxMs: number;
    /** Longest stall in `resume` processes, which only drive the engine (no scan, no plan). */
    resumeMaxMs: number;
    /** Longest stall in any process once it had written to the database (the engine at work). */
    workingMaxMs: number;
    /** Which command's process had the longest stall. */
    worstCommand: string;
  };
  /** The machine faults' guarantees (null: none were played). */
  machine: MachineReport | null;
  /** The night's bottom line, each of which must be 0. */
  guarantees: {
    duplicatePaid: number;
    billedButUnknown: number;
    paidNotDownloaded: number;
    wrongBytes: number;
    temporaryFiles: number;
    stalledBatches: number;
  };
  aborted: string | null;
  failures: string[];
  ok: boolean;
}

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...walk(path));
    else out.push(path);
  }
  return out;
}

const median = (values: number[]) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/**
 * Growth of one process's memory: the median of its samples between 45% and 60% of its life
 * against the median of its last 15%. Measured on the longest-lived process, since every kill
 * starts a fresh one. The first half is left out because a fresh Node process grows its heap
 * spaces for its first 15-20 s of work (RSS 110 -> 165 MB here while the heap after GC stays
 * at 20-40 MB): that is warm-up, not a leak, and it would drown one.
 */
export function memoryGrowth<T extends { pid: number; at: number }>(
  samples: T[],
  value: (sample: T) => number,
  minSpanMs = MIN_MEMORY_SPAN_MS,
): { growth: number | null; pid: number | null; samples: number; spanMs: number } {
  const byPid = new Map<number, T[]>();
  for (const s of samples) byPid.set(s.pid, [...(byPid.get(s.pid) ?? []), s]);
  let longest: T[] = [];
  for (const list of byPid.values()) {
    const span = (l: T[]) => (l.length ? l[l.length - 1]!.at - l[0]!.at : 0);
    if (span(list) > span(longest)) longest = list;
  }
  const t0 = longest[0]?.at ?? 0;
  const span = longest.length ? longest[longest.length - 1]!.at - t0 : 0;
  if (longest.length < 20 || span < minSpanMs)
    return { growth: null, pid: longest[0]?.pid ?? null, samples: longest.length, spanMs: span };
  const within = (from: number, to: number) =>
    longest.filter((s) => s.at - t0 >= from * span && s.at - t0 <= to * span).map(value);
  const base = median(within(0.45, 0.6));
  const end = median(within(0.85, 1));
  return { growth: end / base - 1, pid: longest[0]!.pid, samples: longest.length, spanMs: span };
}

export interface CheckInput {
  seed: number;
  items: number;
  batchId: number;
  dbPath: string;
  outputDir: string;
  ledger: Ledger;
  kills: KillRecord[];
  runs: SoakRun['runs'];
  rss: RssSample[];
  monitor: MonitorSample[];
  wallMs: number;
  simulatedMs: number;
  aborted: string | null;
  userResumes: number;
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
}

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
  const storedIds = new Set(items.map((i) => i.request_id).filter((id): id is string => id !== null));

  // Duplicate paid submissions: more than one job created for one item (no one resubmitted).
  const groups: string[][] = [];
  let createdDuplicates = 0;
  let paidDuplicates = 0;
  let amongStored = 0;
  for (const [, submits] of submitsByPrompt) {
    const created = submits.filter((s) => s.created && s.requestId).map((s) => s.requestId!);
    if (created.length <= 1) continue;
    groups.push(created);
    createdDuplicates += created.length - 1;
    const paid = created.filter((id) => charged.has(id));
    paidDuplicates += Math.max(0, paid.length - 1);
    if (created.some((id) => storedIds.has(id))) amongStored += created.length - 1;
  }
  // A second paid job for an item after a paid one had succeeded: its video was paid for, then
  // paid for again (whatever became of the first download).
  const resubmittedAfterPaid: string[] = [];
  for (const [prompt, submits] of submitsByPrompt) {
    const created = submits
      .filter((s) => s.created && s.requestId && charged.has(s.requestId))
      .sort((a, b) => a.at - b.at);
    const firstPaidSuccess = created.find((s) => ledger.jobs.get(s.requestId!)?.status === 'succeeded');
    if (!firstPaidSuccess) continue;
    for (const later of created)
      if (later.at > firstPaidSuccess.at)
        resubmittedAfterPaid.push(
          `item ${itemByPrompt.get(prompt)?.id ?? '?'}: ${later.requestId} after ${firstPaidSuccess.requestId} succeeded`,
        );
  }
  if (resubmittedAfterPaid.length > 0)
    failures.push(
      `${resubmittedAfterPaid.length} paid re-submit(s) of an item whose video was already paid: ${resubmittedAfterPaid.slice(0, 5).join('; ')}`,
    );
  if (createdDuplicates > 0)
    failures.push(
      `${createdDuplicates} duplicate job(s) created for the same item (${paidDuplicates} paid, ${amongStored} among items whose request_id was stored): ${JSON.stringify(groups.slice(0, 5))}`,
    );

  // ---- unknown_submit: each must be explained by a kill or by a lossy answer -----------------
  const lossyFaults = ledger.submits.filter(
    (s) => s.fault !== null && LOSSY_SUBMIT_FAULTS.has(s.fault),
  ).length;
  const itemsSubmittingAtKills = input.kills.reduce((n, k) => n + k.submitting, 0);
  let byKill = 0;
  let byFault = 0;
  let createdAnyway = 0;
  const unexplained: number[] = [];
  // A submit refused before its body was read (5xx before create, reset before body) has no
  // prompt in the ledger: such a record is matched by time instead, to an item whose attempt
  // (intent stored .. answer judged lost, on the shared clock) contains it, each record once.
  // Attempts overlap (parallel submits), so the matching is the optimal greedy one: attempts
  // by their end, each taking the earliest free record inside it.
  const anonymousLossy = ledger.submits
    .filter((s) => s.prompt === null && s.fault !== null && LOSSY_SUBMIT_FAULTS.has(s.fault))
    .sort((a, b) => a.at - b.at);
  const usedAnonymous = new Set<SubmitRecord>();
  const needsAnonymous: { id: number; from: number; to: number }[] = [];
  for (const item of byState('unknown_submit')) {
    const submits = submitsByPrompt.get(item.rendered_prompt) ?? [];
    const last = submits[submits.length - 1];
    if (submits.some((s) => s.created)) createdAnyway++;
    const window = attemptWindows.get(item.id);
    if (recovered.has(item.id)) byKill++;
    else if (
      last &&
      last.fault !== null &&
      LOSSY_SUBMIT_FAULTS.has(last.fault) &&
      (!window || last.at >= window.from - slack)
    )
      byFault++;
    else if (window) needsAnonymous.push({ id: item.id, ...window });
    else unexplained.push(item.id);
  }
  for (const attempt of needsAnonymous.sort((a, b) => a.to - b.to)) {
    const record = anonymousLossy.find(
      (s) => !usedAnonymous.has(s) && s.at >= attempt.from - slack && s.at <= attempt.to + slack,
    );
    if (record) {
      usedAnonymous.add(record);
      byFault++;
    } else unexplained.push(attempt.id);
  }
  const unknownCount = byState('unknown_submit').length;
  const bound = itemsSubmittingAtKills + lossyFaults;
  if (unknownCount > bound)
    failures.push(
      `${unknownCount} unknown_submit items, more than the ${bound} that kills (${itemsSubmittingAtKills} items caught submitting) and lossy submit answers (${lossyFaults}) can explain`,
    );
  if (byKill > itemsSubmittingAtKills)
    failures.push(
      `${byKill} items recovered as unknown_submit, but kills caught only ${itemsSubmittingAtKills} submitting`,
    );
  if (unexplained.length > 0)
    failures.push(
      `unknown_submit without a kill or a lost answer to explain it: items ${unexplained.slice(0, 10).join(', ')}`,
    );

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

  // ---- idle with work ----------------------------------------------------------------------
  const idleSpans = input.idle ?? [];
  const overLimit = idleSpans
    .filter((s) => s.simulatedMs > MAX_IDLE_WITH_WORK_MS)
    .map(
      (s) =>
        `${Math.round(s.simulatedMs / 1000)} s simulated with ${s.queued} queued and nothing in flight (pid ${s.pid})`,
    );
  if (overLimit.length > 0)
    failures.push(
      `the batch sat idle with work ${overLimit.length} time(s) (limit ${MAX_IDLE_WITH_WORK_MS / 1000} s): ${overLimit.slice(0, 5).join('; ')}`,
    );
  if (notDownloaded.length > 0)
    failures.push(
      `${notDownloaded.length} paid video(s) not downloaded and not expired: ${notDownloaded.slice(0, 5).join('; ')}`,
    );
  if (corrupt.length > 0)
    failures.push(`${corrupt.length} file(s) differ from what was served: ${corrupt.slice(0, 5).join('; ')}`);
  if (missing.length > 0)
    failures.push(`${missing.length} done item(s) whose file is missing: ${missing.slice(0, 5).join('; ')}`);

  // ---- the output folder ----------------------------------------------------------------
  const files = walk(input.outputDir);
  const partFiles = files.filter((f) => TEMPORARY_NAME.test(basename(f)));
  const claimed = new Set(byState('done').map((i) => i.output_path));
  // A video's sidecar (engine/sidecar.ts) is claimed by it when it parses, sits beside that
  // video and names the request id the item stored (which the ledger checks above hold).
  const doneByVideo = new Map(byState('done').map((i) => [i.output_path, i]));
  const badSidecars: string[] = [];
  const isSidecar = (file: string) => {
    if (!file.endsWith('.json')) return false;
    let parsed: { video?: { file?: string }; requestId?: string };
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch {
      badSidecars.push(`${relative(input.outputDir, file)} is not JSON`);
      return true;
    }
    const owner = doneByVideo.get(join(dirname(file), parsed.video?.file ?? ''));
    if (!owner) return false;
    if (owner.request_id !== parsed.requestId)
      badSidecars.push(
        `${relative(input.outputDir, file)} names ${parsed.requestId}, its item ${owner.request_id}`,
      );
    return true;
  };
  const strayFiles = files.filter((f) => !partFiles.includes(f) && !claimed.has(f) && !isSidecar(f));
  if (badSidecars.length > 0)
    failures.push(
      `${badSidecars.length} sidecar(s) do not describe their video: ${badSidecars.slice(0, 5).join('; ')}`,
    );
  if (partFiles.length > 0)
    failures.push(`${partFiles.length} temporary file(s) left: ${partFiles.slice(0, 5).join(', ')}`);
  if (strayFiles.length > 0)
    failures.push(
      `${strayFiles.length} file(s) in the output folder that no done item claims: ${strayFiles
        .slice(0, 5)
        .map((f) => relative(input.outputDir, f))
        .join(', ')}`,
    );
  const leftoverParts = items.filter((i) => TERMINAL.has(i.state) && i.part_path !== null);
  if (leftoverParts.length > 0)
    failures.push(`${leftoverParts.length} settled item(s) still record a temporary file (part_path)`);

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

  // ---- memory and event loop -------------------------------------------------------------
  const rssGrowth = memoryGrowth(input.rss, (s) => s.rss);
  const heapGrowth = memoryGrowth(input.monitor, (s) => s.heapUsed);
  const peak = Math.max(0, ...input.rss.map((s) => s.rss), ...input.monitor.map((s) => s.rss));
  if (rssGrowth.growth !== null && rssGrowth.growth >= MAX_MEMORY_GROWTH)
    failures.push(
      `memory grew ${(rssGrowth.growth * 100).toFixed(1)}% over the longest-lived process (pid ${rssGrowth.pid}), limit ${MAX_MEMORY_GROWTH * 100}%`,
    );
  if (rssGrowth.growth === null && input.requireMemoryVerdict)
    failures.push(
      `the longest-lived process ran ${(rssGrowth.spanMs / 1000).toFixed(1)} s (${rssGrowth.samples} samples): too short to judge memory growth`,
    );

  if (input.aborted) failures.push(`the run did not finish: ${input.aborted}`);
  const watchdog = input.kills.filter((k) => k.cause === 'watchdog').length;
  if (watchdog > 0)
    failures.push(
      `${watchdog} time(s) the engine made no progress for a long while and was killed by the watchdog`,
    );

  const resumes = input.runs.filter((r) => r.command === 'resume');
  const commandOf = new Map(input.runs.map((r) => [r.pid, r.command]));
  // Samples whose whole interval (250 ms plus the delay itself) came after the process's first
  // database write: the engine at work, past loading its sources and opening the database.
  const firstWrite = new Map(input.runs.map((r) => [r.pid, r.firstWriteAt]));
  const working = input.monitor.filter((s) => {
    const at = firstWrite.get(s.pid);
    return at !== null && at !== undefined && s.at - s.maxDelayMs - 250 > at;
  });
  // The first sample of each process covers loading the TypeScript sources (tsx compiles them
  // synchronously): that is start-up, not the engine stalling while it works.
  const firstAt = new Map<number, number>();
  for (const s of input.monitor) firstAt.set(s.pid, Math.min(firstAt.get(s.pid) ?? Infinity, s.at));
  const startup = input.monitor.filter((s) => firstAt.get(s.pid) === s.at);
  const running = input.monitor.filter((s) => firstAt.get(s.pid) !== s.at);
  const worst = running.reduce<MonitorSample | null>(
    (w, s) => (!w || s.maxDelayMs > w.maxDelayMs ? s : w),
    null,
  );
  const stalled =
    (machine?.personWaits.length ?? 0) +
    (machine?.refusedStarts.length ?? 0) +
    input.kills.filter((k) => k.cause === 'watchdog').length +
    (Object.keys(unsettled).length > 0 || batchState !== 'finished' || input.aborted ? 1 : 0);
  const report: SoakReport = {
    seed: input.seed,
    items: input.items,
    wallSeconds: Math.round(input.wallMs / 100) / 10,
    simulatedHours: Math.round((input.simulatedMs / 3_600_000) * 100) / 100,
    kills: {
      total: input.kills.length,
      random: input.kills.length - watchdog,
      watchdog,
      withSubmitInFlight: input.kills.filter((k) => k.submitting > 0).length,
      itemsSubmittingAtKills,
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
      lossyFaults,
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
    resubmittedAfterPaid,
    idleWithWork: {
      spans: idleSpans.length,
      longestMs: Math.max(0, ...idleSpans.map((s) => s.simulatedMs)),
      overLimit,
    },
    unknownSubmit: { count: unknownCount, byKill, byFault, unexplained, bound, createdAnyway },
    duplicates: {
      createdJobs: createdDuplicates,
      paidJobs: paidDuplicates,
      amongStoredRequestIds: amongStored,
      groups,
    },
    paidNotDownloaded: { count: notDownloaded.length, requestIds: notDownloaded, answerLost },
    corruptFiles: corrupt,
    missingFiles: missing,
    partFiles,
    strayFiles,
    unsettled,
    unsettledItems,
    memory: {
      peakRssMb: Math.round(peak / 1024 / 102.4) / 10,
      growthPct: rssGrowth.growth === null ? null : Math.round(rssGrowth.growth * 1000) / 10,
      basis: `RSS of the longest-lived process (pid ${rssGrowth.pid}, ${(rssGrowth.spanMs / 1000).toFixed(1)} s, ${rssGrowth.samples} samples): median of 45-60% of its life vs its last 15%${rssGrowth.growth === null ? `; n/a under ${MIN_MEMORY_SPAN_MS / 1000} s` : ''}`,
      heapGrowthPct: heapGrowth.growth === null ? null : Math.round(heapGrowth.growth * 1000) / 10,
    },
    eventLoop: {
      maxStallMs: Math.round(worst?.maxDelayMs ?? 0),
      maxStallCpuMs: Math.round(worst?.cpuMs ?? 0),
      maxP99Ms: Math.round(Math.max(0, ...running.map((s) => s.p99DelayMs))),
      startupMaxMs: Math.round(Math.max(0, ...startup.map((s) => s.maxDelayMs))),
      resumeMaxMs: Math.round(
        Math.max(0, ...running.filter((s) => commandOf.get(s.pid) === 'resume').map((s) => s.maxDelayMs)),
      ),
      worstCommand: worst ? (commandOf.get(worst.pid) ?? '?') : '-',
      workingMaxMs: Math.round(Math.max(0, ...working.map((s) => s.maxDelayMs))),
    },
    machine,
    guarantees: {
      duplicatePaid: paidDuplicates,
      billedButUnknown: machine?.billedButUnknown.length ?? 0,
      paidNotDownloaded: notDownloaded.length + missing.length,
      wrongBytes: new Set([...corruptFiles, ...(machine?.wrongFiles ?? [])]).size,
      temporaryFiles: partFiles.length,
      stalledBatches: stalled,
    },
    aborted: input.aborted,
    failures,
    ok: failures.length === 0,
  };
  return report;
}

export function formatReport(r: SoakReport): string {
  const lines = [
    `Night test, seed ${r.seed}: ${r.items} items, ${r.wallSeconds} s real = ${r.simulatedHours} h simulated`,
    `  kills            ${r.kills.total} SIGKILL (${r.kills.random} random, ${r.kills.watchdog} watchdog); ${r.kills.withSubmitInFlight} caught ${r.kills.itemsSubmittingAtKills} item(s) submitting`,
    `  restarts         ${r.restarts.resumes} resumes (${r.restarts.resumesThatOnlyWatched} only watched a live lease), ${r.restarts.userResumes} user resumes after a pause; longest lease wait ${r.restarts.leaseWaitMsMax} ms`,
    `  submitted        ${r.submitted.httpRequests} submit requests for ${r.submitted.itemsSent} items; ${r.submitted.jobsCreated} jobs created; ${r.submitted.lossyFaults} answers lost to faults`,
    `  paid             ${r.paid.jobs} jobs, $${r.paid.usd.toFixed(2)}`,
    `  done             ${r.done}`,
    `  failed           ${
      Object.entries(r.failed)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || '0'
    }`,
    `  expired          ${r.expired.count} (${r.expired.confirmedBy404} confirmed: a plain 404 after the link's end of life)`,
    `  resubmitted      ${r.resubmittedAfterPaid.length} paid re-submit(s) after a paid success`,
    `  idle with work   ${r.idleWithWork.spans} stretch(es), longest ${Math.round(r.idleWithWork.longestMs / 1000)} s simulated (${r.idleWithWork.overLimit.length} over ${MAX_IDLE_WITH_WORK_MS / 1000} s)`,
    ...(Object.keys(r.deletedSources).length > 0
      ? [`  deleted sources  items ended ${JSON.stringify(r.deletedSources)}`]
      : []),
    ...(Object.keys(r.withoutOutputUrl).length > 0
      ? [`  no video URL     paid jobs' items ended ${JSON.stringify(r.withoutOutputUrl)}`]
      : []),
    `  unknown_submit   ${r.unknownSubmit.count} (by kill ${r.unknownSubmit.byKill}, by lost answer ${r.unknownSubmit.byFault}, unexplained ${r.unknownSubmit.unexplained.length}; bound ${r.unknownSubmit.bound}; ${r.unknownSubmit.createdAnyway} of them did create a job)`,
    `  duplicate paid   ${r.duplicates.paidJobs} (created duplicates ${r.duplicates.createdJobs}; among stored request ids ${r.duplicates.amongStoredRequestIds})`,
    `  paid, not downloaded  ${r.paidNotDownloaded.count} (plus ${r.paidNotDownloaded.answerLost} billed jobs whose submit answer was lost: the unknown_submit items)`,
    `  corrupt files    ${r.corruptFiles.length}; missing files ${r.missingFiles.length}; stray files ${r.strayFiles.length}`,
    `  temporary files  ${r.partFiles.length}`,
    ...(r.machine ? machineLines(r.machine) : []),
    `  bottom line      ${r.guarantees.duplicatePaid} duplicate paid, ${r.guarantees.billedButUnknown} billed-but-unknown, ${r.guarantees.paidNotDownloaded} paid not downloaded, ${r.guarantees.wrongBytes} wrong bytes, ${r.guarantees.temporaryFiles} temporary files, ${r.guarantees.stalledBatches} stalled batches`,
    `  unsettled items  ${Object.keys(r.unsettled).length === 0 ? 0 : JSON.stringify(r.unsettled)}`,
    `  memory           peak RSS ${r.memory.peakRssMb} MB; growth ${r.memory.growthPct ?? 'n/a'}% (heap ${r.memory.heapGrowthPct ?? 'n/a'}%); ${r.memory.basis}`,
    `  event loop       longest stall ${r.eventLoop.maxStallMs} ms while running in a '${r.eventLoop.worstCommand}' process, which used ${r.eventLoop.maxStallCpuMs} ms of CPU in that interval; in 'resume' processes (engine only) ${r.eventLoop.resumeMaxMs} ms; once a process was at work (after its first database write) ${r.eventLoop.workingMaxMs} ms; start-up (loading the sources) up to ${r.eventLoop.startupMaxMs} ms`,
    r.ok
      ? '  RESULT           PASS'
      : `  RESULT           FAIL\n${r.failures.map((f) => `    - ${f}`).join('\n')}`,
  ];
  return lines.join('\n');
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
