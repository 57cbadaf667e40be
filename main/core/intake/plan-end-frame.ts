// The end frame of one planned item: from its prompts.csv `end_image` cell, from a file paired
// by name (end-frames.ts), or the start image itself when the batch loops. Checked like a start
// image, and against the start's shape: a video has one aspect ratio, so an end frame of
// another shape is refused with both ratios named. A frame paired by name for a model without
// an end-frame field is left out with a note (the start image still goes). Split from plan.ts.
import type { ScannedImage } from '../core-api';
import type { PlanNote } from '../domain';
import type { ModelSpec } from '../catalog/catalog';
import { pathRefusalReason } from './contained-path';
import type { FitMode } from './fit';
import type { SendMode } from './limits';
import { planImage, type PlannedImage } from './plan-image';
import { cellWhere, reject } from './plan-settings';
import { formatReason, reason, type ReasonParam } from '@common/reasons';

/** Relative difference in width/height above which start and end are not the same shape. */
const SHAPE_TOLERANCE = 0.01;

const shape = (width: number, height: number) => `${width}x${height} (${(width / height).toFixed(2)}:1)`;

export interface EndFrameChoice {
  /** The placeholder for the request's end-image field, if the item has an end frame. */
  endImage?: string;
  /** Its path and content hash for the fingerprint, when it is a file of its own. */
  hash?: { path: string; sha256: string };
  /** The end frame is the start image (loop). */
  loop: boolean;
}

export function endFrameFor(
  image: ScannedImage,
  model: ModelSpec,
  options: {
    loop: boolean;
    mode: SendMode;
    fit: FitMode;
    /** The start image as planned (its placeholder and the size sent). */
    start: PlannedImage;
    endImageModels: ReasonParam;
    notes: PlanNote[];
  },
): EndFrameChoice {
  const csv = image.csvRow;
  const end = image.endImage;
  const endField = model.roles.endImage;
  const fromCsv = csv !== null && (csv.values.end_image ?? '') !== '';
  const at = fromCsv ? cellWhere(csv, 'end_image') : '';
  const where = at === '' ? '' : formatReason(at);
  const label = fromCsv ? 'end_image' : `end frame ${end?.ok ? (end.relativePath ?? end.sourcePath) : ''}`;
  if (fromCsv) {
    if (!endField)
      reject(
        'end_image_unsupported',
        reason('plan_end_image_column_unsupported', {
          model: model.displayName,
          models: options.endImageModels,
          where: at,
        }),
      );
    if (!end)
      reject(
        'end_image_missing',
        reason('plan_end_image_unchecked', { value: csv.values.end_image ?? '', where: at }),
      );
    if (!end!.ok && end!.refused)
      reject(
        'path_outside_folder',
        pathRefusalReason(end!.refused, {
          column: 'end_image',
          value: csv.values.end_image ?? '',
          where: at,
          root: image.rootPath,
        }),
      );
    if (!end!.ok) reject('end_image_unusable', `${end!.reason}${where}`);
  } else if (end?.ok && !endField) {
    // The pair was found by its name, not asked for in a cell: the start image is still what the
    // user wants animated, so it goes alone, and the note says the end frame stayed behind.
    options.notes.push(
      reason('plan_end_frame_ignored', {
        end: end.relativePath ?? end.sourcePath,
        file: image.relativePath,
        model: model.displayName,
        models: options.endImageModels,
      }),
    );
    return { loop: false };
  }
  if (end?.ok) {
    const planned = planImage(model, end, {
      fit: options.fit,
      mode: options.mode,
      label,
      where,
      notes: options.notes,
    });
    // Compared as sent: a fitted start and a fitted end are both at the model's nearest shape.
    const { start } = options;
    const startRatio = start.width / start.height;
    if (Math.abs(planned.width / planned.height - startRatio) / startRatio > SHAPE_TOLERANCE)
      reject(
        'end_image_shape_mismatch',
        `The ${label} is ${shape(planned.width, planned.height)} and its start image ${image.relativePath} is ` +
          `${shape(start.width, start.height)}${planned.width !== end.width || start.width !== image.width ? ' as sent (after fitting)' : ''}; ` +
          `a video has one shape, so crop the end frame to the start's ${startRatio.toFixed(2)}:1${where}`,
      );
    return {
      endImage: planned.ref,
      hash: { path: end.sourcePath, sha256: end.sha256 },
      loop: false,
    };
  }
  if (options.loop && endField) return { endImage: options.start.ref, loop: true };
  const required = endField
    ? ((model.inputSchema.required as string[] | undefined) ?? []).includes(endField)
    : false;
  if (required)
    reject(
      'end_image_required',
      reason('plan_end_image_required', { model: model.displayName, file: image.relativePath }),
    );
  return { loop: false };
}
