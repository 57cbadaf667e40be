// The night test's judgement of paying twice: more than one job created for one item (nobody
// resubmitted in the soak), and a second paid job for an item whose paid video had succeeded.
import type { Ledger, SubmitRecord } from '../../main/core/simulator/types';
import type { ItemRow } from './evidence';
import type { SoakReport } from './report';

export function judgePaidTwice(
  ledger: Ledger,
  submitsByPrompt: Map<string, SubmitRecord[]>,
  items: ItemRow[],
): { duplicates: SoakReport['duplicates']; resubmittedAfterPaid: string[]; failures: string[] } {
  const failures: string[] = [];
  const charged = new Set(ledger.charges.map((c) => c.requestId));
  const storedIds = new Set(items.map((i) => i.request_id).filter((id): id is string => id !== null));
  const itemByPrompt = new Map(items.map((i) => [i.rendered_prompt, i]));
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

  return {
    duplicates: {
      createdJobs: createdDuplicates,
      paidJobs: paidDuplicates,
      amongStoredRequestIds: amongStored,
      groups,
    },
    resubmittedAfterPaid,
    failures,
  };
}
