// The night test's guarantees against the machine's faults (machine.ts), judged like the rest of
// the checker from the simulator's ledger, the database read directly and the files on disk:
// every request id the server billed is known to the database; every saved video holds its own
// job's bytes (the simulator tags each job's file with its request id); no paid video given up
// while its link lived; no batch waiting for a person after the disk freed; a process that lost
// its lease stops touching files; a silent download is not waited on for long.
import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import type { Ledger } from '../../main/core/simulator/types';
import type { KillRecord, MonitorSample } from './soak-run';
import { LOSSY_SUBMIT_FAULTS, readJsonLines, recoveredAsUnknown, type ItemRow } from './evidence';
import type { MachineRecord } from './machine';

/**
 * Real ms between a submit's answer leaving the server and a SIGKILL within which the answer
 * may have died with the process before anything could record it. Longer, the answer had
 * arrived: a journal written before anything else would have kept it.
 */
const ANSWER_TO_KILL_REAL_MS = 2_000;
/**
 * Simulated ms a client may keep waiting on a download that sends nothing: an idle timeout of a
 * minute or two, and room to notice. Longer, two such connections hold both download slots
 * while other links run out.
 */
export const MAX_SILENT_HOLD_MS = 5 * 60_000;
/** The simulator's per-job tag, at the very end of every file it serves (output-video.ts). */
const TAG_BYTES = 192;
const TAG = /stillmotion-simulator output; request_id=(\S+)/;

export interface MachineReport {
  /** Billed request ids the database does not know, though their submit answer reached the client. */
  billedButUnknown: string[];
  /** Billed ids the client could not know: the answer was lost to a fault or a kill (unknown_submit). */
  billedAnswerLost: number;
  /** Saved videos whose bytes are not their own job's (another job's, or mixed). */
  wrongBytes: string[];
  /** Their paths. */
  wrongFiles: string[];
  /** Paid videos (a link to fetch) that ended failed while the server still served them. */
  givenUpWhileLinkLived: string[];
  personWaits: string[];
  /** CLIs that refused to start (exit 2) on a machine fault: a person had to start them again. */
  refusedStarts: string[];
  /**
   * Files a process touched after it lost its lease (suspended, continued): any file given its
   * final name (link, rename), and any write after it had a lease renewal's time to notice.
   */
  leaseLoserWrites: string[];
  /** Silent download connections the client held too long (or the server had to cut). */
  silentHeld: string[];
  injected: {
    db: Record<string, number>;
    /** Of them, on writes carrying a billed request id (the submit's answer among them). */
    dbOnRequestIdWrites: number;
    file: Record<string, number>;
    silentDownloads: number;
  };
  events: string[];
}

interface FaultLine {
  at: number;
  pid: number;
  kind: 'db' | 'file';
  code: string | null;
  sql?: string;
  /** The write's bound values (they name the row and the request id being stored). */
  values?: string;
  syscall?: string;
  path?: string | null;
}

/** The request id the simulator wrote at the end of a video it served (null: not its file). */
export function servedRequestId(path: string): string | null {
  const size = statSync(path).size;
  if (size < TAG_BYTES) return null;
  const tail = Buffer.alloc(TAG_BYTES);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, tail, 0, TAG_BYTES, size - TAG_BYTES);
  } finally {
    closeSync(fd);
  }
  return TAG.exec(tail.toString('latin1'))?.[1] ?? null;
}

type ItemFacts = Pick<
  ItemRow,
  'id' | 'state' | 'request_id' | 'error_code' | 'rendered_prompt' | 'output_path'
>;

export interface MachineCheckInput {
  dbPath: string;
  batchId: number;
  ledger: Ledger;
  outputTtlMs: number | null;
  machine: MachineRecord;
  kills: KillRecord[];
  clockFactor: number;
  /** sha256 of a file (the checker's, which hashes each once). */
  sha256: (path: string) => string;
}

/** Request ids the database knows: the items' own and, once the column exists, earlier attempts'. */
function knownRequestIds(db: Database.Database, batchId: number): Set<string> {
  const known = new Set<string>();
  const ids = db.prepare(`SELECT request_id AS id FROM items WHERE batch_id = ? AND request_id IS NOT NULL`);
  for (const row of ids.all(batchId) as { id: string }[]) known.add(row.id);
  const columns = db.prepare(`SELECT name FROM pragma_table_info('earlier_attempts')`).all() as {
    name: string;
  }[];
  if (columns.some((c) => c.name === 'request_id'))
    for (const row of db
      .prepare(
        `SELECT e.request_id AS id FROM earlier_attempts e JOIN items i ON i.id = e.item_id
         WHERE i.batch_id = ? AND e.request_id IS NOT NULL`,
      )
      .all(batchId) as { id: string }[])
      known.add(row.id);
  return known;
}

export function checkMachine(input: MachineCheckInput): MachineReport {
  const { ledger, machine } = input;
  const db = new Database(input.dbPath, { readonly: true, fileMustExist: true });
  let items: ItemFacts[];
  let known: Set<string>;
  let recovered: Set<number>;
  try {
    items = db
      .prepare(
        `SELECT id, state, request_id, error_code, rendered_prompt, output_path FROM items WHERE batch_id = ?`,
      )
      .all(input.batchId) as ItemFacts[];
    known = knownRequestIds(db, input.batchId);
    recovered = recoveredAsUnknown(db, input.batchId);
  } finally {
    db.close();
  }
  const itemByPrompt = new Map(items.map((i) => [i.rendered_prompt, i]));
  const itemByRequest = new Map(items.filter((i) => i.request_id).map((i) => [i.request_id!, i]));

  // ---- every billed request id is known, unless its answer never reached the client -----------
  const log = readJsonLines<FaultLine>(machine.faultLog);
  const billedButUnknown: string[] = [];
  let billedAnswerLost = 0;
  for (const { requestId } of ledger.charges) {
    if (known.has(requestId)) continue;
    const submit = ledger.submits.find((s) => s.created && s.requestId === requestId);
    const item = submit?.prompt ? itemByPrompt.get(submit.prompt) : undefined;
    const lostOnTheWay = submit?.fault != null && LOSSY_SUBMIT_FAULTS.has(submit.fault);
    // A write that would have stored it failed: the answer had arrived (the issue's first defect).
    const failedWrite = log.find((l) => l.kind === 'db' && l.values?.includes(requestId));
    // A kill right after the answer left the server (the item recovered as unknown_submit):
    // it may have died with the process before anything could record it.
    const lostToKill =
      !failedWrite &&
      submit !== undefined &&
      item !== undefined &&
      item.state === 'unknown_submit' &&
      recovered.has(item.id) &&
      input.kills.some(
        (k) =>
          k.simulatedAt >= submit.at &&
          k.simulatedAt - submit.at <= ANSWER_TO_KILL_REAL_MS * input.clockFactor,
      );
    if (lostOnTheWay || lostToKill) billedAnswerLost++;
    else
      billedButUnknown.push(
        `${requestId} (item ${item?.id ?? '?'} is '${item?.state ?? '?'}'${item?.request_id ? `, stores ${item.request_id}` : ''}` +
          `${failedWrite ? `; the write storing it failed ${failedWrite.code}: ${failedWrite.sql?.slice(0, 40)}…` : ''})`,
      );
  }

  // ---- every saved video is its own job's ---------------------------------------------------------
  const wrongBytes: string[] = [];
  const wrongFiles: string[] = [];
  for (const item of items) {
    const path = item.output_path;
    if (item.state !== 'done' || !path || !existsSync(path)) continue;
    const served = servedRequestId(path);
    if (!served || served !== item.request_id) {
      const owner = served ? itemByRequest.get(served) : undefined;
      const whose = !served
        ? 'no job (untagged bytes)'
        : owner
          ? `item ${owner.id}'s job ${served}`
          : `job ${served} (an earlier attempt, or no item's)`;
      wrongBytes.push(`item ${item.id} (${item.request_id}): ${path} holds ${whose}`);
      wrongFiles.push(path);
      continue;
    }
    const job = ledger.jobs.get(served);
    if (job?.outputSha256 && input.sha256(path) !== job.outputSha256) {
      wrongBytes.push(
        `item ${item.id} (${served}): ${path} ends with its tag but its bytes differ (mixed writes)`,
      );
      wrongFiles.push(path);
    }
  }

  // ---- no paid video given up while its link lived ----------------------------------------------
  const withoutUrl = ledger.environment?.jobsWithoutOutputUrl ?? new Set<string>();
  const charged = new Set(ledger.charges.map((c) => c.requestId));
  const givenUpWhileLinkLived: string[] = [];
  for (const item of items) {
    if (item.state !== 'failed' || !item.request_id) continue;
    const job = ledger.jobs.get(item.request_id);
    if (!job || job.status !== 'succeeded' || !charged.has(job.requestId) || withoutUrl.has(job.requestId))
      continue;
    const endOfLife =
      job.finishedAt !== null && input.outputTtlMs !== null ? job.finishedAt + input.outputTtlMs : null;
    const contacts = ledger.downloads.filter((d) => d.requestId === job.requestId).map((d) => d.at);
    const last = contacts.length ? Math.max(...contacts) : null;
    if (endOfLife !== null && last !== null && last >= endOfLife) continue; // tried to its end
    givenUpWhileLinkLived.push(
      `item ${item.id} (${job.requestId}) failed${item.error_code ? ` (${item.error_code})` : ''}; ` +
        `last download ${last === null ? 'never' : `${Math.round(((endOfLife ?? last) - last) / 1000)} s before its link's end of life`}`,
    );
  }

  // ---- the disk, the lease, the silent downloads --------------------------------------------------
  const personWaits = machine.personWaits.map(
    (w) =>
      `the batch waited for a person (${w.reason}, CLI ${w.how}) ${w.sinceFreedMs < 0 ? 'while the disk was full: nothing would resume it once freed' : `${(w.sinceFreedMs / 1000).toFixed(1)} s after the disk was freed`}`,
  );
  const leaseLoserWrites: string[] = [];
  for (const s of machine.suspensions) {
    // Only a process whose lease another took meanwhile has lost it (a resume may not have got
    // in: the stopped one may have held the database's write lock).
    const lost = s.leaseHolderAtContinue !== null && !s.leaseHolderAtContinue.endsWith(`:${s.pid}`);
    if (s.continuedAtReal === null || !lost) continue;
    const noticeBy = s.continuedAtReal + machine.leaseLossGraceMs;
    // Once the process that took the lease is killed, the continued one may take the batch back
    // (an orphaned lease is anyone's): only what it did before then was done without the lease.
    // The heir may have been killed while this one was still stopped (the database names it at
    // SIGCONT all the same): then nothing it did after continuing was done without the lease.
    const heirPid = Number(/:(\d+)$/.exec(s.leaseHolderAtContinue!)?.[1]);
    const heirKilledAt =
      input.kills.find((k) => k.pid === heirPid && k.atReal !== undefined && k.atReal >= s.stoppedAtReal)
        ?.atReal ?? Infinity;
    const after = log.filter(
      (l) => l.kind === 'file' && l.pid === s.pid && l.at >= s.continuedAtReal! && l.at < heirKilledAt,
    );
    // Giving a file its final name is never done without the lease (it is checked right before);
    // a write already under way may take one lease renewal to notice.
    const late = after.filter((l) => l.syscall === 'link' || l.syscall === 'rename' || l.at > noticeBy);
    const what = [...new Set(late.map((l) => `${l.syscall} ${l.path ?? '?'}`))];
    if (what.length > 0)
      leaseLoserWrites.push(
        `pid ${s.pid} (lease lost to ${s.leaseHolderAtContinue ?? 'nobody'}) made ${late.length} file operation(s) ` +
          `from ${late[0]!.at - s.continuedAtReal} ms after SIGCONT: ${what.slice(0, 4).join(', ')}`,
      );
  }
  const silent = ledger.downloads.filter((d) => d.silence);
  // A process stopped (SIGSTOP) cannot cut a silent connection: the stop's length is added to
  // what a silence that overlaps it may be held.
  const stoppedDuring = stoppedSimulatedMs(input);
  const silentHeld = silent
    .filter(
      (d) =>
        d.silence!.closedBy === 'server' ||
        (d.silence!.heldMs ?? Infinity) >
          MAX_SILENT_HOLD_MS + stoppedDuring(d.at, d.at + (d.silence!.heldMs ?? Infinity)),
    )
    .map(
      (d) =>
        `${d.requestId}: ${d.fault} held ${d.silence!.heldMs === null ? 'until the end' : `${Math.round(d.silence!.heldMs / 1000)} s`}` +
        ` simulated${d.silence!.closedBy === 'server' ? ' (the server had to cut it)' : ''}`,
    );

  const count = (lines: FaultLine[]) => {
    const out: Record<string, number> = {};
    for (const l of lines) if (l.code) out[l.code] = (out[l.code] ?? 0) + 1;
    return out;
  };
  const dbFaults = log.filter((l) => l.kind === 'db');
  const billedIds = ledger.charges.map((c) => c.requestId);
  return {
    billedButUnknown,
    billedAnswerLost,
    wrongBytes,
    wrongFiles,
    givenUpWhileLinkLived,
    personWaits,
    refusedStarts: machine.refusedStarts.map((r) => `pid ${r.pid}: "${r.message}"`),
    leaseLoserWrites,
    silentHeld,
    injected: {
      db: count(dbFaults),
      dbOnRequestIdWrites: dbFaults.filter((l) => billedIds.some((id) => l.values?.includes(id))).length,
      file: count(log.filter((l) => l.kind === 'file')),
      silentDownloads: silent.length,
    },
    events: machine.events.map((e) => `${e.name}: ${e.detail}`),
  };
}

/** The failures a machine report adds to the checker's. */
export function machineFailures(r: MachineReport): string[] {
  const list = (what: string, lines: string[]) =>
    lines.length > 0 ? [`${lines.length} ${what}: ${lines.slice(0, 5).join('; ')}`] : [];
  return [
    ...list('billed request id(s) the database does not know (their answer had arrived)', r.billedButUnknown),
    ...list("saved video(s) that are not their own job's output", r.wrongBytes),
    ...list('paid video(s) given up (failed) while their link lived', r.givenUpWhileLinkLived),
    ...list('time(s) the batch waited for a person because of the disk', r.personWaits),
    ...list('start(s) refused on a machine fault (exit 2): a person had to try again', r.refusedStarts),
    ...list('process(es) still touching files after losing their lease', r.leaseLoserWrites),
    ...list(
      `silent download(s) waited on over ${MAX_SILENT_HOLD_MS / 60_000} simulated minutes`,
      r.silentHeld,
    ),
  ];
}

/** The report's lines for the machine faults. */
export function machineLines(r: MachineReport): string[] {
  const codes = (counts: Record<string, number>) =>
    Object.entries(counts)
      .map(([code, n]) => `${code} ${n}`)
      .join(', ') || 'none';
  return [
    ...r.events.map((e, i) => `  ${i === 0 ? 'machine faults  ' : '                '} ${e}`),
    `  injected         database ${codes(r.injected.db)} (${r.injected.dbOnRequestIdWrites} on writes carrying a billed request id); files ${codes(r.injected.file)}; ${r.injected.silentDownloads} silent download(s)`,
    `  billed, unknown  ${r.billedButUnknown.length} (plus ${r.billedAnswerLost} whose answer never reached the client or was lost to a kill)`,
    `  not its own job  ${r.wrongBytes.length} saved video(s)`,
    `  given up         ${r.givenUpWhileLinkLived.length} paid video(s) failed while their link lived`,
    `  waited for you   ${r.personWaits.length} time(s) because of the disk; ${r.refusedStarts.length} start(s) refused (exit 2)`,
    `  lease losers     ${r.leaseLoserWrites.length} process(es) touched files after losing the lease`,
    `  silent held      ${r.silentHeld.length} silent download(s) waited on too long`,
  ];
}

/**
 * Monitor samples without the stop of a suspended process: a SIGSTOP is not the event loop
 * stalling, and its length would stand in for the engine's longest stall.
 */
/**
 * Simulated ms during which a suspended process was stopped within [from, to] (simulator clock).
 * The scaled clock's epoch comes from any kill, which has both its real and its simulated time.
 */
function stoppedSimulatedMs(input: MachineCheckInput): (from: number, to: number) => number {
  const anchor = input.kills.find((k) => k.atReal !== undefined);
  const f = input.clockFactor;
  if (!anchor || f === 1) return () => 0;
  // simulated = epoch + (real - epoch) * f, so epoch = (simulated - real * f) / (1 - f).
  const epoch = (anchor.simulatedAt - anchor.atReal! * f) / (1 - f);
  const simulatedOf = (real: number) => epoch + (real - epoch) * f;
  return (from, to) =>
    input.machine.suspensions.reduce((sum, stop) => {
      const start = simulatedOf(stop.stoppedAtReal);
      const end = simulatedOf(stop.continuedAtReal ?? stop.endedAtReal ?? stop.stoppedAtReal);
      return sum + Math.max(0, Math.min(end, to) - Math.max(start, from));
    }, 0);
}

export function withoutSuspensions(
  samples: MonitorSample[],
  machine: MachineRecord | undefined,
): MonitorSample[] {
  const stops = machine?.suspensions ?? [];
  if (stops.length === 0) return samples;
  return samples.filter(
    (s) =>
      !stops.some(
        (stop) =>
          stop.pid === s.pid &&
          s.at >= stop.stoppedAtReal &&
          s.at - s.maxDelayMs - 250 <= (stop.continuedAtReal ?? Infinity),
      ),
  );
}
