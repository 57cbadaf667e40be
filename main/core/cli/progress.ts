// What the CLI prints while a batch runs. On a terminal: one live status block redrawn in
// place (counts per state, spent vs budget, ETA). Not on a terminal (logs, pipes, CI): one
// plain line per state change, so a log file reads as a history.
import { reasonText, type ReasonLanguage } from '@common/reasons';
import { batchFigures } from '@common/batch-figures';
import { ITEM_STATES, type BatchView, type ItemView } from '../domain';
import { TERMINAL_STATES } from '@common/item-actions';

/**
 * The language reasons are printed in: English unless the user gives `--lang` (or
 * STILLMOTION_LANG), so logs stay searchable and a script's grep keeps working.
 */
let language: ReasonLanguage = 'en';
export function setCliLanguage(value: ReasonLanguage): void {
  language = value;
}
export function cliLanguage(): ReasonLanguage {
  return language;
}

/** Why a batch paused, in the CLI's language. */
export function pauseText(batch: BatchView): string | null {
  return reasonText({ reason: batch.pauseDetail, message: batch.pauseMessage }, language);
}

/** Why an item failed (or was skipped), in the CLI's language. */
export function itemReason(item: ItemView): string | null {
  return reasonText({ reason: item.reason, message: item.errorMessage }, language);
}

const SHOWN = ITEM_STATES;

export function usd(value: number): string {
  return `$${value.toFixed(2)}`;
}

export function duration(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—';
  const s = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = s % 60;
  return h > 0
    ? `${h}h${String(m).padStart(2, '0')}m`
    : m > 0
      ? `${m}m${String(r).padStart(2, '0')}s`
      : `${r}s`;
}

/** One line with the counts that are not zero, e.g. "3 in_progress · 12 done · 1 failed". */
export function countsLine(batch: BatchView): string {
  const parts = SHOWN.filter((s) => (batch.counts[s] ?? 0) > 0).map((s) => `${batch.counts[s]} ${s}`);
  return parts.length ? parts.join(' · ') : 'no items';
}

export function statusBlock(batch: BatchView): string {
  // The window's figures (common/batch-figures.ts): done of planned, time left only while running.
  const figures = batchFigures(batch);
  // Simulated money is never printed as real dollars.
  const money = (value: number) => (batch.simulated ? `${usd(value)} simulated` : usd(value));
  const budget = batch.settings.budgetUsd === null ? 'no cap' : `cap ${money(batch.settings.budgetUsd)}`;
  // Maybe paid, maybe not: beside what was surely spent, as the caps count it.
  const unconfirmed =
    batch.unconfirmedUsd > 0 ? ` + up to ${money(batch.unconfirmedUsd)} whose answer was lost` : '';
  const lines = [
    `Batch ${batch.id} "${batch.name}" — ${batch.state}${batch.pauseReason ? ` (${batch.pauseReason})` : ''}`,
    `  ${figures.done}/${figures.planned} done   ${countsLine(batch)}`,
    `  spent ${money(figures.spentUsd)}${unconfirmed} (${budget}), ${money(batch.remainingEstimateUsd)} still to run   ETA ${duration(figures.timeLeftMs)}`,
  ];
  const paused = pauseText(batch);
  if (paused) lines.push(`  ${paused}`);
  // What holds a running batch's downloads back (output folder away, network down).
  const condition = conditionText(batch);
  if (condition) lines.push(`  ${condition}`);
  return lines.join('\n');
}

/** What holds a running batch's downloads back (the folder away, the disk full...), in words. */
export function conditionText(batch: BatchView): string | null {
  const { condition } = batch;
  if (!condition) return null;
  const reason = { code: condition.code, params: condition.params };
  return reasonText({ reason, message: condition.message }, language);
}

/**
 * The line a log gets when what holds the batch back changes: it begins, becomes another, or is
 * over (null: no change to say).
 */
export function conditionLine(batch: BatchView, before: string | null, now: number): string | null {
  const code = batch.condition?.code ?? null;
  if (code === before) return null;
  const time = new Date(now).toISOString().slice(11, 19);
  return code
    ? `${time} batch ${batch.id}: ${conditionText(batch)}`
    : `${time} batch ${batch.id}: ${before} is over; downloads go on`;
}

export function itemLine(item: ItemView, now: number): string {
  const time = new Date(now).toISOString().slice(11, 19);
  const detail =
    item.state === 'done'
      ? ` -> ${item.outputPath}`
      : itemReason(item) && TERMINAL_STATES.includes(item.state)
        ? `: ${itemReason(item)}`
        : item.state === 'in_queue' && item.queuePosition !== null
          ? ` (position ${item.queuePosition})`
          : '';
  return `${time} item ${item.id} ${item.relativePath} ${item.state}${detail}`;
}

/** Redraws a block in place on a TTY (cursor up + clear), remembering how many lines it drew. */
export class LiveBlock {
  private lines = 0;
  constructor(private readonly out: NodeJS.WriteStream) {}
  draw(text: string): void {
    const width = this.out.columns || 100;
    const clipped = text.split('\n').map((l) => (l.length > width - 1 ? l.slice(0, width - 2) + '…' : l));
    let prefix = '';
    if (this.lines > 0) prefix = `\x1b[${this.lines}A`;
    this.out.write(prefix + clipped.map((l) => `\x1b[2K${l}`).join('\n') + '\n');
    this.lines = clipped.length;
  }
}
