// Seeded fault injection: which request misbehaves, and how. Every decision comes from one
// seeded PRNG in request order, so a run with the same seed and the same client is repeatable.
import type { Random } from '../util/clock';
import type { FaultRates, FaultTarget } from './types';

export type RequestFault = 'reset-before-body' | '429' | '5xx' | 'hang' | 'reset-after-body';
export type DownloadFault = 'truncated' | 'slow';

export const ALL_TARGETS: readonly FaultTarget[] = [
  'submit',
  'status',
  'result',
  'cancel',
  'model',
  'download',
];

export class FaultPlan {
  private rates: FaultRates;
  private targets: Set<FaultTarget>;

  constructor(
    private readonly random: Random,
    rates: FaultRates | undefined,
    targets: readonly FaultTarget[] | undefined,
  ) {
    this.rates = { ...rates };
    this.targets = new Set(targets ?? ALL_TARGETS);
  }

  /** Replaces the rates; the targets too when given (else the current ones stay). */
  set(rates: FaultRates, targets?: readonly FaultTarget[]): void {
    this.rates = { ...rates };
    if (targets) this.targets = new Set(targets);
  }

  get current(): Readonly<FaultRates> {
    return this.rates;
  }

  private hit(rate: number | undefined): boolean {
    // Draw only for configured faults, so adding a zero rate does not shift the sequence.
    return rate !== undefined && rate > 0 && this.random() < rate;
  }

  /** The fault for one API or download request, checked in the order a request meets them. */
  requestFault(target: FaultTarget): RequestFault | null {
    if (!this.targets.has(target)) return null;
    const r = this.rates;
    if (this.hit(r.resetBeforeBody)) return 'reset-before-body';
    if (this.hit(r.http429)) return '429';
    if (this.hit(r.http5xx)) return '5xx';
    if (this.hit(r.hang)) return 'hang';
    if (this.hit(r.resetAfterBody)) return 'reset-after-body';
    return null;
  }

  downloadFault(): DownloadFault | null {
    if (!this.targets.has('download')) return null;
    if (this.hit(this.rates.truncatedDownload)) return 'truncated';
    if (this.hit(this.rates.slowDownload)) return 'slow';
    return null;
  }

  /** Not tied to an endpoint: decided once per job when it is created. */
  generationFails(): boolean {
    return this.hit(this.rates.generationFailure);
  }

  /** A number in [0, 1) from the same stream (which 5xx status, how much of a download, ...). */
  draw(): number {
    return this.random();
  }
}
