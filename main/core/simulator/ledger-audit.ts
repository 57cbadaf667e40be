// Reads a simulator ledger the way tests and benchmarks judge a client: did it pay for the same
// generation twice, how many requests did each job cost, how much money went out, and was every
// paid video fetched. One definition here, so every test and benchmark counts the same way.
import type { Ledger } from './types';

export interface LedgerAudit {
  submits: number;
  /** Submits that created a job (whatever the client saw). */
  jobsCreated: number;
  /**
   * Groups of created jobs with the same start image and prompt: the same paid generation made
   * more than once. Empty for a client that never double-submits.
   */
  duplicates: { imageHash: string | null; prompt: string | null; requestIds: string[] }[];
  /** Jobs created beyond the first of each duplicate group. */
  duplicateJobs: number;
  /** Created jobs whose submit answer never reached the client (reset, hang, 5xx after create). */
  createdUnanswered: string[];
  billedJobs: number;
  spentUsd: number;
  polls: number;
  /** Status and result calls per created job (0 when none was created). */
  pollsPerJob: number;
  downloads: number;
  /** Succeeded jobs with no untruncated 200/206 download: paid videos the client may have lost. */
  succeededNotDownloaded: string[];
}

export function auditLedger(ledger: Ledger): LedgerAudit {
  const created = ledger.submits.filter((s) => s.created && s.requestId !== null);
  const groups = new Map<string, { imageHash: string | null; prompt: string | null; requestIds: string[] }>();
  for (const submit of created) {
    const key = JSON.stringify([submit.imageHash, submit.prompt]);
    const group = groups.get(key) ?? { imageHash: submit.imageHash, prompt: submit.prompt, requestIds: [] };
    group.requestIds.push(submit.requestId!);
    groups.set(key, group);
  }
  const duplicates = [...groups.values()].filter((g) => g.requestIds.length > 1);

  const downloaded = new Set(
    ledger.downloads
      .filter(
        (d) => (d.httpStatus === 200 || d.httpStatus === 206) && d.fault !== 'truncated' && d.bytesSent > 0,
      )
      .map((d) => d.requestId),
  );
  const succeededNotDownloaded = [...ledger.jobs.values()]
    .filter((job) => job.status === 'succeeded' && !downloaded.has(job.requestId))
    .map((job) => job.requestId);

  const spent = ledger.charges.reduce((sum, charge) => sum + charge.usd, 0);
  return {
    submits: ledger.submits.length,
    jobsCreated: created.length,
    duplicates,
    duplicateJobs: duplicates.reduce((sum, g) => sum + g.requestIds.length - 1, 0),
    createdUnanswered: created.filter((s) => s.httpStatus !== 200).map((s) => s.requestId!),
    billedJobs: ledger.charges.length,
    spentUsd: Math.round(spent * 1e6) / 1e6,
    polls: ledger.polls.length,
    pollsPerJob: created.length === 0 ? 0 : ledger.polls.length / created.length,
    downloads: ledger.downloads.length,
    succeededNotDownloaded,
  };
}
