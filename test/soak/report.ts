// The night test's report: what the checker found (SoakReport) and how it is printed, one line
// per measure, then the bottom line and the list of broken guarantees.
import { MAX_IDLE_WITH_WORK_MS } from './check-health';
import { machineLines, type MachineReport } from './machine-check';

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
