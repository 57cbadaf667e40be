// One image of a planned item (start, end or element image) checked against the model's catalog
// limits under the batch's fit mode: sent as it is, fitted (cropped, padded, upscaled; fit.ts),
// or refused with the file, the value and what was expected. Returns the placeholder to put in
// the request and the size the model will receive.
import type { ModelSpec } from '../catalog/catalog';
import {
  decideFit,
  fitNote,
  fittedImageRef,
  outsideLimits,
  outsideWords,
  tooSmallWords,
  type FitMode,
} from './fit';
import { assessImage, type SendMode } from './limits';
import { modelImageProblem } from './model-request';
import { isSendableFormat, type ImageFormat } from './probe-result';
import { reject } from './plan-settings';
import type { PlanNote } from '../domain';
import { formatReason } from '@common/reasons';

export interface ImageToPlan {
  sourcePath: string;
  format: ImageFormat;
  width: number;
  height: number;
  bytes: number;
}

export interface PlannedImage {
  ref: string;
  /** The size the model receives (after any fit). */
  width: number;
  height: number;
}

export function planImage(
  model: ModelSpec,
  image: ImageToPlan,
  options: {
    fit: FitMode;
    mode: SendMode;
    /** How the image is named in a note or error ("end frame x.end.jpg"); empty for the start image. */
    label: string;
    /** Where it was named (" (prompts.csv, row 3, column end_image)"), or "". */
    where: string;
    notes: PlanNote[];
  },
): PlannedImage {
  const { label, where } = options;
  const prefix = label ? `${label}: ` : '';
  const sized = assessImage(image, options.mode);
  if (sized.kind === 'reject')
    reject(sized.code, prefix || where ? `${prefix}${formatReason(sized.why)}${where}` : sized.why);
  const decision = decideFit(image.width, image.height, model.limits, options.fit);
  // A fitted frame is re-encoded at the size its own note names, so the scan's note (resized,
  // converted, turned upright) would only contradict it.
  if (sized.kind === 'fit' && decision.kind !== 'fit')
    options.notes.push(label ? `${label} ${formatReason(sized.why)}` : sized.why);
  if (decision.kind === 'too-small') {
    const words = tooSmallWords(image.width, image.height, decision, model.limits, model.displayName);
    reject('too_small', prefix || where ? `${prefix}${formatReason(words)}${where}` : words);
  }
  if (decision.kind === 'outside')
    reject(
      decision.what === 'small' ? 'too_small' : 'bad_aspect_ratio',
      // The start image's refusal is a reason (the window's language); a labelled one stays words.
      prefix || where
        ? `${prefix}${formatReason(outsideWords(image.width, image.height, model.limits, model.displayName))}${where}`
        : outsideWords(image.width, image.height, model.limits, model.displayName),
    );
  if (decision.kind === 'fit') {
    if (options.mode === 'url')
      reject(
        decision.reshaped ? 'bad_aspect_ratio' : 'too_small',
        `${prefix}${formatReason(outsideLimits(image.width, image.height, model.limits, model.displayName))}; ` +
          'images sent by URL go as they are, so it cannot be fitted: clear the URL prefix to have it fitted and ' +
          `sent inline, or use another image${where}`,
      );
    const note = fitNote(image.width, image.height, decision, model.displayName);
    // An element's or end frame's note names it first, in English; the start image's is a reason.
    options.notes.push(prefix ? `${prefix}${formatReason(note)}` : note);
    const { width, height } = decision.spec;
    const problem = modelImageProblem(model, { ...image, format: 'jpeg', width, height }, false);
    if (problem) reject('image_not_accepted', `${prefix}${problem}${where}`);
    return { ref: fittedImageRef(image.sourcePath, decision.spec), width, height };
  }
  // Inline, a format Kling does not take goes as JPEG (requests.ts converts it).
  const sent =
    options.mode === 'url' || isSendableFormat(image.format) ? image : { ...image, format: 'jpeg' as const };
  const problem = modelImageProblem(model, sent, options.mode === 'url');
  if (problem) reject('image_not_accepted', `${prefix}${problem}${where}`);
  return { ref: fittedImageRef(image.sourcePath, null), width: image.width, height: image.height };
}
