// The night test's judgement of unknown_submit items: each must be explained, one by one, by a
// kill that caught it submitting (recovered at the next start) or by its own submit answer lost
// to a fault, and their count must stay within what kills and lossy answers can explain.
import type { Ledger, SubmitRecord } from '../../main/core/simulator/types';
import type { KillRecord } from './soak-run';
import { LOSSY_SUBMIT_FAULTS, type ItemRow } from './evidence';
import type { SoakReport } from './report';

export interface UnknownSubmitEvidence {
  unknown: ItemRow[];
  ledger: Ledger;
  kills: KillRecord[];
  /** Items a start-up recovery called unknown_submit. */
  recovered: Set<number>;
  /** Each unknown_submit item's last attempt: intent stored .. answer judged lost (database time). */
  attemptWindows: Map<number, { from: number; to: number }>;
  submitsByPrompt: Map<string, SubmitRecord[]>;
  /** Simulated ms the database's and the ledger's times may disagree. */
  slack: number;
}

export function explainUnknownSubmits(evidence: UnknownSubmitEvidence): {
  unknownSubmit: SoakReport['unknownSubmit'];
  lossyFaults: number;
  itemsSubmittingAtKills: number;
  failures: string[];
} {
  const { ledger, slack } = evidence;
  const failures: string[] = [];
  const lossyFaults = ledger.submits.filter(
    (s) => s.fault !== null && LOSSY_SUBMIT_FAULTS.has(s.fault),
  ).length;
  const itemsSubmittingAtKills = evidence.kills.reduce((n, k) => n + k.submitting, 0);
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
  for (const item of evidence.unknown) {
    const submits = evidence.submitsByPrompt.get(item.rendered_prompt) ?? [];
    const last = submits[submits.length - 1];
    if (submits.some((s) => s.created)) createdAnyway++;
    const window = evidence.attemptWindows.get(item.id);
    if (evidence.recovered.has(item.id)) byKill++;
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
  const unknownCount = evidence.unknown.length;
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
  return {
    unknownSubmit: { count: unknownCount, byKill, byFault, unexplained, bound, createdAnyway },
    lossyFaults,
    itemsSubmittingAtKills,
    failures,
  };
}
