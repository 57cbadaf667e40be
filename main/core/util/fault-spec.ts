// The text of a test-only fault switch (STILLMOTION_DB_FAULTS, STILLMOTION_FILE_FAULTS), parsed
// into what to fail, how often, with which seed, and where to log each fault injected. Only the
// night test and the fault tests set these; unset, nothing here runs.
import { appendFileSync } from 'node:fs';
import { seededRandom, type Random } from './clock';

export interface FaultSpec {
  /** Probability (0..1) that one operation fails. */
  rate: number;
  /** The error codes drawn from, one per failure. */
  codes: string[];
  /** Seeds the draws, so one spec fails the same operations in the same order. */
  seed: number;
  /** The first `skip` operations never fail (e.g. a batch being created, before any work). */
  skip: number;
  /** A file each injected fault is appended to as a JSON line (the soak's evidence). */
  log: string | null;
  /** Log every operation, failed or not (`trace=1`): which process touched which file when. */
  trace: boolean;
}

/**
 * `rate=0.01,seed=7,codes=SQLITE_FULL,SQLITE_IOERR,skip=200,log=faults.jsonl,trace=1`: keys and values split
 * on `=`, pairs on `,` (or whitespace); a value without a key (`SQLITE_IOERR`) continues the
 * list before it. `allowedCodes` are the codes that make sense where it is used; anything else
 * is refused with what was expected, since a typo would silently test nothing.
 */
export function parseFaultSpec(text: string, variable: string, allowedCodes: readonly string[]): FaultSpec {
  const values = new Map<string, string[]>();
  let key: string | null = null;
  for (const token of text.split(/[,\s]+/).filter(Boolean)) {
    const at = token.indexOf('=');
    if (at > 0) {
      key = token.slice(0, at);
      values.set(key, [token.slice(at + 1)]);
    } else if (key) values.get(key)!.push(token);
    else throw new Error(`${variable}: "${token}" has no key; expected key=value pairs such as rate=0.01`);
  }
  for (const name of values.keys())
    if (!['rate', 'codes', 'seed', 'skip', 'log', 'trace'].includes(name))
      throw new Error(`${variable}: unknown key "${name}"; expected rate, codes, seed, skip, log or trace`);
  const rate = Number(values.get('rate')?.[0] ?? 'NaN');
  if (!(rate >= 0 && rate <= 1))
    throw new Error(`${variable}: rate must be a number from 0 to 1, got "${values.get('rate')?.[0] ?? ''}"`);
  const codes = values.get('codes') ?? [...allowedCodes];
  for (const code of codes)
    if (!allowedCodes.includes(code))
      throw new Error(`${variable}: code "${code}" is not one of ${allowedCodes.join(', ')}`);
  const seed = Number(values.get('seed')?.[0] ?? '1');
  if (!Number.isInteger(seed))
    throw new Error(`${variable}: seed must be an integer, got "${values.get('seed')?.[0]}"`);
  const skip = Number(values.get('skip')?.[0] ?? '0');
  if (!(Number.isInteger(skip) && skip >= 0))
    throw new Error(
      `${variable}: skip must be a whole number of operations, got "${values.get('skip')?.[0]}"`,
    );
  return {
    rate,
    codes,
    seed,
    skip,
    log: values.get('log')?.join(',') ?? null,
    trace: values.get('trace')?.[0] === '1',
  };
}

/** Draws, per operation, whether it fails and with which code (null: it does not). */
export function faultDraw(spec: FaultSpec): () => string | null {
  const random: Random = seededRandom(spec.seed);
  let operations = 0;
  return () => {
    if (++operations <= spec.skip || spec.rate === 0 || random() >= spec.rate) return null;
    return spec.codes[Math.floor(random() * spec.codes.length)] ?? null;
  };
}

/** Appends one injected fault to the spec's log, if it has one (a failed append is ignored). */
export function logFault(spec: FaultSpec, record: Record<string, unknown>): void {
  if (!spec.log) return;
  try {
    appendFileSync(spec.log, JSON.stringify({ at: Date.now(), pid: process.pid, ...record }) + '\n');
  } catch {
    // The log is evidence for the soak, never a reason to change what the process does.
  }
}
