// A request in the model's own words. The app thinks in roles (the start image, the prompt, the
// duration); each catalog entry says which field carries each role for its model, so the same
// batch settings become `start_image_url` for Kling 3.0, `img_url` for Wan and
// `first_frame_image_url` for Seedance. Fields beyond the roles come from the settings form,
// `--set field=value` and prompts.csv columns named like the field, and are sent as given.
import type { ModelInputValue } from '../domain';
import { fieldSchema, type ModelSpec, type RoleName } from '../catalog/catalog';
import { showValue } from '../catalog/show-value';
import { storedUserValue } from './request-placeholders';

export interface RoleValues {
  prompt: string;
  startImage: string;
  endImage?: string;
  negativePrompt?: string;
  duration: number;
  audio: boolean;
  guidance: number;
  /** Multi-shot segments, already rendered. */
  multiShot?: { prompt: string; duration: number }[];
  /** Reference elements in the model's own inner field names (plan-elements.ts). */
  elements?: Record<string, unknown>[];
}

/**
 * The request with every role the model has, then the extra fields. The start image is put
 * first among the image fields: materializeRequest checks the first image reference it meets
 * against the scanned start image's hash.
 */
export function buildRequest(
  model: ModelSpec,
  values: RoleValues,
  extra: Record<string, ModelInputValue>,
): Record<string, unknown> {
  const request: Record<string, unknown> = {};
  const put = (role: RoleName, value: unknown) => {
    const field = model.roles[role];
    if (field !== undefined && value !== undefined) request[field] = value;
  };
  put('startImage', values.startImage);
  // The user's text is stored apart from image placeholders (request-placeholders.ts).
  put('prompt', storedUserValue(values.prompt));
  // Always explicit where the model has the field: the API's defaults are not the app's.
  if (model.roles.duration)
    put(
      'duration',
      fieldSchema(model, model.roles.duration)?.type === 'string' ? String(values.duration) : values.duration,
    );
  put('audio', values.audio);
  put('guidance', values.guidance);
  if (values.negativePrompt !== undefined && values.negativePrompt.trim() !== '')
    put('negativePrompt', storedUserValue(values.negativePrompt));
  put('endImage', values.endImage);
  put('multiShot', storedUserValue(values.multiShot));
  put('elements', values.elements);
  for (const [field, value] of Object.entries(extra)) request[field] = storedUserValue(value);
  return request;
}

/** The role a field carries for this model, if any (such fields are not set directly). */
export function roleOfField(model: ModelSpec, field: string): RoleName | undefined {
  return (Object.entries(model.roles) as [RoleName, string][]).find(([, name]) => name === field)?.[0];
}

/**
 * Text for a field the entry does not describe, read as JSON where it reads as a number,
 * true/false, null, a list or an object, else kept as text (write "5" with quotes to send text).
 * The same rule for `--set` and for prompts.csv `field:<name>` columns.
 */
export function valueAsGiven(text: string): ModelInputValue {
  try {
    return JSON.parse(text) as ModelInputValue;
  } catch {
    return text;
  }
}

const YES = ['true', 'yes', 'y', '1', 'on'];
const NO = ['false', 'no', 'n', '0', 'off'];

/**
 * A value typed as text (a prompts.csv cell, a --set value) turned into the type the field's
 * schema asks for. Fields the schema does not describe keep the value as given.
 * Returns the value, or the words of what is wrong.
 */
export function coerceFieldValue(
  model: ModelSpec,
  field: string,
  value: ModelInputValue,
): { ok: true; value: ModelInputValue } | { ok: false; message: string } {
  const schema = fieldSchema(model, field);
  const type = schema?.type;
  if (typeof value === 'string') {
    const text = value.trim();
    if (type === 'integer' || type === 'number') {
      // "0,7" is how a spreadsheet in a comma-decimal locale writes 0.7.
      const n = /^-?\d*[.,]?\d+$/.test(text) ? Number(text.replace(',', '.')) : NaN;
      if (!Number.isFinite(n) || (type === 'integer' && !Number.isInteger(n)))
        return {
          ok: false,
          message: `${field} must be ${type === 'integer' ? 'a whole number' : 'a number'}, got ${showValue(value)}`,
        };
      return { ok: true, value: n };
    }
    if (type === 'boolean') {
      if (YES.includes(text.toLowerCase())) return { ok: true, value: true };
      if (NO.includes(text.toLowerCase())) return { ok: true, value: false };
      return {
        ok: false,
        message: `${field} must be yes or no (or true/false, 1/0), got ${showValue(value)}`,
      };
    }
    if (type === 'array' || type === 'object') {
      try {
        return { ok: true, value: JSON.parse(text) as ModelInputValue };
      } catch {
        return {
          ok: false,
          message: `${field} must be written as JSON (a ${type}), got ${showValue(value)}`,
        };
      }
    }
    return { ok: true, value };
  }
  // Numbers and booleans for a text field (a duration the model takes as "5").
  if (type === 'string' && (typeof value === 'number' || typeof value === 'boolean'))
    return { ok: true, value: String(value) };
  return { ok: true, value };
}

/**
 * Fields a prompts.csv row sets directly: a column named like a field of the model's schema
 * (compared without case, since columns are read in lower case), or `field:<name>` for a field
 * the entry does not list yet. Role fields and our own columns (prompt, duration...) are not
 * read here.
 */
export function csvFieldValues(
  model: ModelSpec,
  values: Record<string, string>,
  ownColumns: readonly string[],
): { field: string; column: string; value: string }[] {
  const properties = Object.keys((model.inputSchema.properties ?? {}) as Record<string, unknown>);
  const out: { field: string; column: string; value: string }[] = [];
  for (const [column, value] of Object.entries(values)) {
    if (value === '' || ownColumns.includes(column)) continue;
    const explicit = column.startsWith('field:') ? column.slice('field:'.length).trim() : null;
    const field = explicit || properties.find((p) => p.toLowerCase() === column);
    if (!field || roleOfField(model, field)) continue;
    out.push({ field, column, value });
  }
  return out;
}

export interface ImageFactsForModel {
  format: string;
  width: number;
  height: number;
  bytes: number;
}

/** A problem with an image under this model's own limits (formats, size, shape), or null. */
export function modelImageProblem(
  model: ModelSpec,
  image: ImageFactsForModel,
  sentByUrl: boolean,
): string | null {
  const limits = model.limits;
  if (!limits) return null;
  if (limits.imageFormats && !limits.imageFormats.includes(image.format as 'jpeg'))
    return `${model.displayName} accepts ${limits.imageFormats.join(', ')} images, not ${image.format}; convert it`;
  const short = Math.min(image.width, image.height);
  if (limits.minImageSide && short < limits.minImageSide)
    return (
      `too small for ${model.displayName}: ${image.width}x${image.height} px, it needs at least ` +
      `${limits.minImageSide} px on the short side. Use a larger version of the image`
    );
  if (limits.aspectRatio) {
    const ratio = image.width / image.height;
    if (ratio < limits.aspectRatio.min - 1e-9 || ratio > limits.aspectRatio.max + 1e-9)
      return (
        `aspect ratio ${ratio.toFixed(2)} (${image.width}x${image.height}) is outside what ${model.displayName} ` +
        `accepts (width/height from ${limits.aspectRatio.min} to ${limits.aspectRatio.max}); crop it`
      );
  }
  // Images sent inline are re-encoded to fit; an image sent by URL goes as it is.
  if (sentByUrl && limits.maxImageBytes && image.bytes > limits.maxImageBytes)
    return (
      `too large for ${model.displayName} by URL: ${image.bytes} bytes, over its ${limits.maxImageBytes}-byte limit. ` +
      'Shrink it, or clear the URL prefix so the app sends a resized copy'
    );
  return null;
}
