// What happened while nobody looked, in words: why items did not make a video (grouped, with a
// count), what was sent but not answered, and which batches wait for a person. The finish
// webhook appends it to its counts, and the CLI prints it; the window's morning card shows the
// same summary in the reader's language (renderer MorningCard).
import type { ActivitySummary } from '../domain';
import { formatReason, type ReasonLanguage } from '@common/reasons';

/** The details of a summary after its counts; empty when nothing failed and nothing waits. */
export function summaryDetails(summary: ActivitySummary, language: ReasonLanguage = 'en'): string {
  const parts: string[] = [];
  if (summary.failed.length > 0)
    parts.push(
      `Why: ${summary.failed
        .map((group) => {
          const why = group.reason
            ? formatReason(group.reason, language)
            : (group.message ?? 'no reason recorded');
          return group.count > 1 ? `${why} (${group.count} items)` : why;
        })
        .join(' / ')}`,
    );
  if (summary.unknown > 0)
    parts.push(
      `${summary.unknown} sent whose answer was lost: check your RunComfy requests before sending them again (Resubmit).`,
    );
  for (const waiting of summary.waiting)
    parts.push(
      `Waiting for you: "${waiting.name}": ${waiting.pauseDetail ? formatReason(waiting.pauseDetail, language) : waiting.pauseReason}`,
    );
  return parts.join(' ');
}
