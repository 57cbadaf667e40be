// Takes: several videos of the same image and request, to pick the best in the morning (Kling
// 3.0 has no seed, so each generation differs). Take 1 is the request as it always was; take
// k > 1 is the same request with its own fingerprint, so "already generated" counts takes: a
// single video made last week stands for take 1 of a 3-take batch, and takes 2 and 3 are new.
// The take number is never sent (RunComfy would refuse or ignore an unknown field): it lives
// only in the fingerprint and the output name.
import { createHash } from 'node:crypto';

export const MIN_TAKES = 1;
export const MAX_TAKES = 10;

/** The takes of a batch; settings from before takes existed have none, which is one. */
export const takesOf = (settings: { takes?: number }): number => settings.takes ?? 1;

/** The words for a take count out of range (null when it is fine). */
export function takesProblem(takes: number): string | null {
  if (Number.isInteger(takes) && takes >= MIN_TAKES && takes <= MAX_TAKES) return null;
  return `takes must be a whole number from ${MIN_TAKES} to ${MAX_TAKES} (videos per image), got ${takes}`;
}

/** The fingerprint of take `take` of a request whose own fingerprint is `base`. */
export function takeFingerprint(base: string, take: number): string {
  if (take === 1) return base;
  return createHash('sha256').update(`${base}:take:${take}`).digest('hex');
}

/**
 * Whether `planned` is the fingerprint of some take of the request fingerprinted `base`: the
 * submit-time check re-hashes the request from the images as they are now, and a take's
 * fingerprint must still match when the images did not change.
 */
export function isTakeOf(planned: string, base: string): boolean {
  for (let take = MIN_TAKES; take <= MAX_TAKES; take++)
    if (takeFingerprint(base, take) === planned) return true;
  return false;
}

/**
 * The output name template for `takes` takes: unchanged for one take or when it already says
 * `{take}`; else `-take{take}` goes before its ".mp4" (or at its end), so `{name}.mp4` becomes
 * `{name}-take{take}.mp4` and no two takes share a name.
 */
export function nameTemplateForTakes(template: string, takes: number): string {
  if (takes <= 1 || /\{\s*take\s*\}/i.test(template)) return template;
  const extension = /\.mp4\s*$/i.exec(template);
  return extension
    ? `${template.slice(0, extension.index)}-take{take}${template.slice(extension.index)}`
    : `${template}-take{take}`;
}
