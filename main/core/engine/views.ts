// Read-only views of a batch: what the window and the CLI show (counts, money, ETA) and the
// report CSV. Nothing here changes state.
import type { BatchRecord } from '../db/rows';
import type { JobStore } from '../db/store';
import { finishTime, localParts, type BatchView, type PlannedItem } from '../domain';
import { reasonText, type ReasonLanguage } from '@common/reasons';
import { csvTable } from '../util/csv';
import type { RunTimeEstimate } from './poll-policy';

export function toBatchView(
  store: JobStore,
  batch: BatchRecord,
  estimate: (modelId: string, duration: number) => RunTimeEstimate,
  hours?: { now: number; timeZone: string },
): BatchView {
  const counts = store.itemQueries.counts(batch.id);
  const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
  const money = store.itemQueries.money(batch.id);
  const waiting = counts.queued + counts.submitting + counts.in_queue + counts.in_progress;
  const runMs = estimate(batch.settings.modelId, batch.settings.duration).runMs;
  const rounds = Math.ceil(waiting / Math.max(1, batch.settings.concurrency));
  let etaMs = waiting === 0 ? (counts.downloading > 0 ? null : 0) : rounds * runMs;
  // Sending happens only in the batch's hours: the ETA runs over its open spans.
  if (etaMs && hours && batch.schedule)
    etaMs = finishTime(etaMs, hours.now, batch.schedule, hours.timeZone) - hours.now;
  return {
    id: batch.id,
    name: batch.name,
    state: batch.state,
    pauseReason: batch.pauseReason,
    pauseMessage: batch.pauseMessage,
    pauseDetail: batch.pauseDetail,
    condition: batch.condition,
    simulated: batch.simulated,
    settings: batch.settings,
    createdAt: batch.createdAt,
    startedAt: batch.startedAt,
    finishedAt: batch.finishedAt,
    counts,
    total,
    spentUsd: round6(money.spentUsd),
    remainingEstimateUsd: round6(money.remainingEstimateUsd),
    unconfirmedUsd: round6(money.unconfirmedUsd),
    etaMs: Number.isFinite(etaMs) ? etaMs : null,
    queueOrder: batch.queueOrder,
    schedule: batch.schedule,
    watch: batch.watch,
  };
}

/**
 * One row per item: file, prompt, state, the reason in words (English unless a language is given),
 * the error code and RunComfy's own words, request id, the cost RunComfy reported and our estimate (apart: an estimate is
 * not a charge), output path, and the morning's verdict (kept / rejected). Safe to open in a spreadsheet (see util/csv.ts).
 */
export const REPORT_COLUMNS = [
  'file',
  'prompt',
  'state',
  'reason',
  'error_code',
  'provider_message',
  'request_id',
  'cost_actual_usd',
  'cost_estimated_usd',
  'output_path',
  'review',
] as const;

export function reportCsv(store: JobStore, batchId: number, language: ReasonLanguage = 'en'): string {
  const rows = [...store.itemQueries.iterateItems(batchId)].map((item) => [
    item.relativePath,
    item.renderedPrompt,
    item.state,
    reasonText({ reason: item.reason, message: item.errorMessage }, language),
    item.errorCode,
    typeof item.reason?.params.provider === 'string' ? item.reason.params.provider : null,
    item.requestId,
    item.costUsd,
    item.estimatedCostUsd,
    item.outputPath,
    item.review,
  ]);
  return csvTable(REPORT_COLUMNS, rows);
}

/** The report's file name: the batch's name without its stamp, made safe for any disk. */
export function reportFileName(name: string, batchId: number): string {
  const slug = name
    .replace(/\(.*?\)/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return `${slug || 'batch'}-${batchId}-report.csv`;
}

function round6(value: number): number {
  return Math.round(value * 1e6) / 1e6;
}

/**
 * A batch's name when the user gave none, wherever it is made (the window, the CLI): its first
 * dropped folder ("holiday + 2 more" for several) and when it was made, in the machine's local
 * time, the clock the user reads the name beside: "holiday + 2 more (2026-11-29 02:00)".
 */
export function defaultBatchName(items: readonly PlannedItem[], at: number, timeZone: string): string {
  const roots = [...new Set(items.map((item) => item.rootPath))];
  const first = roots[0]?.split(/[\\/]/).filter(Boolean).pop() ?? 'Batch';
  const { year, month, day, hour, minute } = localParts(at, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  const stamp = `${year}-${two(month)}-${two(day)} ${two(hour)}:${two(minute)}`;
  return `${first}${roots.length > 1 ? ` + ${roots.length - 1} more` : ''} (${stamp})`;
}
