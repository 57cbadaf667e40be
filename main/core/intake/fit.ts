// Fitting an image to a model's shape and size limits instead of refusing it: centre-crop or pad
// (with a blurred fill of itself) to the nearest aspect ratio the model accepts, and upscale an
// image under its minimum side with Lanczos. The plan decides the target from the model's catalog
// limits (pure, no file reads, no sharp: the CLI's flag parsing loads it) and writes it into the
// image placeholder; materializeRequest applies it at submit time (fit-apply.ts). Same bytes + same target = same output bytes, so a retried submit
// sends what the first did and the fingerprint (which includes the target) stays stable.
import type { ModelEntryLimits } from '../catalog/entry';
import { IMAGE_REF_PREFIX } from '../catalog/catalog';
import { FIT_LONG_SIDE } from './limits';
import { reason, type Reason } from '@common/reasons';

export const FIT_MODES = ['crop', 'pad', 'refuse'] as const;
export type FitMode = (typeof FIT_MODES)[number];
/**
 * Crop by default: most images outside a model's range are only slightly outside it (a 21:9
 * panorama, a tall phone screenshot), and a thin centre crop gives a clean frame, while a pad
 * puts blurred bars into the picture that the model then animates as part of the scene. The
 * preview shows the fitted frame before anything is paid, and pad is one click away.
 */
export const DEFAULT_FIT_MODE: FitMode = 'crop';

export const fitModeOf = (settings: { fit?: FitMode }): FitMode => settings.fit ?? DEFAULT_FIT_MODE;

/** How an image is changed to fit: the mode and the exact pixel size sent. */
export interface FitSpec {
  mode: 'crop' | 'pad';
  width: number;
  height: number;
}

export type FitDecision =
  | { kind: 'as-is' }
  | { kind: 'fit'; spec: FitSpec; upscaled: boolean; reshaped: boolean }
  | { kind: 'outside'; what: 'small' | 'shape' | 'both' }
  /** Enlarging it to the model's minimum would take more than MAX_UPSCALE: refused in every mode. */
  | { kind: 'too-small'; factor: number; floor: number };

/**
 * The most an image is enlarged to reach a model's minimum side. Beyond it (a 64 px icon blown up
 * 4.7x) the video is a blur that is paid for all the same, so it is refused, naming the smallest
 * size taken; up to it the preview warns that it may look soft.
 */
export const MAX_UPSCALE = 2;

const ratioWords = (w: number, h: number) => (w >= h ? `${(w / h).toFixed(2)}:1` : `1:${(h / w).toFixed(2)}`);

/**
 * What a `width` x `height` image needs under `limits` with `mode`. Pure: the plan calls it for
 * every image on every keystroke. The result always lies within the limits (checked by tests over
 * many sizes), rounding included.
 */
export function decideFit(
  width: number,
  height: number,
  limits: ModelEntryLimits | undefined,
  mode: FitMode,
): FitDecision {
  const min = limits?.aspectRatio?.min ?? 0;
  const max = limits?.aspectRatio?.max ?? Infinity;
  const minSide = limits?.minImageSide ?? 0;
  const ratio = width / height;
  const reshape = ratio < min - 1e-9 || ratio > max + 1e-9;
  const small = Math.min(width, height) < minSide;
  if (!reshape && !small) return { kind: 'as-is' };
  if (mode === 'refuse')
    return { kind: 'outside', what: reshape && small ? 'both' : reshape ? 'shape' : 'small' };
  // The frame at the source's scale: crop takes a centre part, pad grows the canvas.
  let w = width;
  let h = height;
  if (ratio > max) {
    if (mode === 'crop') w = Math.floor(height * max);
    else h = Math.ceil(width / max);
  } else if (ratio < min) {
    // Too tall: keep the width, cut the height to width / min (the tallest shape allowed).
    if (mode === 'crop') h = Math.floor(width / min);
    else w = Math.ceil(height * min);
  }
  const enlarge = Math.min(w, h) < minSide ? minSide / Math.min(w, h) : 1;
  if (enlarge > MAX_UPSCALE + 1e-9)
    return { kind: 'too-small', factor: enlarge, floor: Math.ceil(minSide / MAX_UPSCALE) };
  // A frame over the long-side limit is sent at that limit: the size the note names is the size
  // sent (the ratio range keeps the short side far above any model's minimum there).
  const longSide = Math.max(w, h) * enlarge;
  const scale = longSide > FIT_LONG_SIDE ? FIT_LONG_SIDE / Math.max(w, h) : enlarge;
  let outW = Math.max(1, Math.round(w * scale));
  let outH = Math.max(1, Math.round(h * scale));
  if (Math.min(outW, outH) < minSide) {
    if (outW < outH) outW = minSide;
    else outH = minSide;
  }
  // Rounding can nudge a ratio at the very edge of the range outside it: widen the short way.
  if (outW / outH > max + 1e-9) outH = Math.ceil(outW / max);
  if (outW / outH < min - 1e-9) outW = Math.ceil(outH * min);
  return {
    kind: 'fit',
    spec: { mode, width: outW, height: outH },
    upscaled: scale > 1,
    reshaped: reshape,
  };
}

/** Why an image too small to enlarge that far is refused, with the smallest size taken (a reason). */
export function tooSmallWords(
  width: number,
  height: number,
  decision: Extract<FitDecision, { kind: 'too-small' }>,
  limits: ModelEntryLimits | undefined,
  modelName: string,
): Reason {
  return reason('plan_too_small_to_enlarge', {
    size: `${width}x${height}`,
    model: modelName,
    min: limits?.minImageSide ?? 0,
    factor: decision.factor.toFixed(1),
    floor: decision.floor,
    most: MAX_UPSCALE,
  });
}

/**
 * The note shown with an item whose image is fitted (a warning when it is upscaled), as a
 * reason: the window shows it in its language, the database and the CLI in English.
 */
export function fitNote(
  width: number,
  height: number,
  decision: Extract<FitDecision, { kind: 'fit' }>,
  modelName: string,
): Reason {
  const { spec } = decision;
  const how = !decision.reshaped
    ? reason('plan_fit_upscaled')
    : spec.mode === 'crop'
      ? reason('plan_fit_cropped')
      : reason('plan_fit_padded');
  return reason('plan_fit_note', {
    how,
    from: `${width}x${height}`,
    to: `${spec.width}x${spec.height}`,
    shape: decision.reshaped
      ? reason('plan_fit_reshaped', {
          ratio: ratioWords(width, height),
          model: modelName,
          sent: ratioWords(spec.width, spec.height),
        })
      : '',
    upscale: decision.upscaled ? reason('plan_fit_soft', { model: modelName }) : '',
  });
}

/** What is outside the limits: the short side, the aspect ratio, or both (a reason). */
export function outsideLimits(
  width: number,
  height: number,
  limits: ModelEntryLimits | undefined,
  modelName: string,
): Reason {
  const size = `${width}x${height}`;
  const minSide = limits?.minImageSide;
  const small =
    minSide && Math.min(width, height) < minSide
      ? reason('plan_outside_small', { size, model: modelName, min: minSide })
      : null;
  const range = limits?.aspectRatio;
  const shape =
    range && (width / height < range.min - 1e-9 || width / height > range.max + 1e-9)
      ? reason('plan_outside_ratio', {
          ratio: ratioWords(width, height),
          size,
          model: modelName,
          min: range.min,
          max: range.max,
        })
      : null;
  // Called only for an image decideFit found outside the limits: one of the two holds.
  return small && shape ? reason('plan_outside_both', { small, shape }) : (small ?? shape)!;
}

/** Why an image outside the limits is refused under fit mode "refuse", with what to do. */
export function outsideWords(
  width: number,
  height: number,
  limits: ModelEntryLimits | undefined,
  modelName: string,
): Reason {
  return reason('plan_outside_refused', { what: outsideLimits(width, height, limits, modelName) });
}

const FIT_REF = /^fit:(crop|pad):(\d+)x(\d+):/;

/** The placeholder of an image sent fitted: `image-ref:fit:<mode>:<W>x<H>:<absolute path>`. */
export function fittedImageRef(absolutePath: string, spec: FitSpec | null): string {
  return spec
    ? `${IMAGE_REF_PREFIX}fit:${spec.mode}:${spec.width}x${spec.height}:${absolutePath}`
    : `${IMAGE_REF_PREFIX}${absolutePath}`;
}

/**
 * The path and fit of a placeholder. An absolute path never starts with "fit:" (POSIX paths
 * start with "/", Windows ones with a one-letter drive or "\\"), so the two cannot be confused.
 */
export function parseImageRef(ref: string): { path: string; fit: FitSpec | null } {
  const rest = ref.slice(IMAGE_REF_PREFIX.length);
  const match = FIT_REF.exec(rest);
  if (!match) return { path: rest, fit: null };
  return {
    path: rest.slice(match[0].length),
    fit: { mode: match[1] as 'crop' | 'pad', width: Number(match[2]), height: Number(match[3]) },
  };
}

/** How the fit enters the fingerprint: the same picture fitted another way is another request. */
export const fitFingerprintPart = (spec: FitSpec) => `;fit=${spec.mode},${spec.width}x${spec.height}`;
