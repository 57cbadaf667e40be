// What a model's catalog entry says about the creative controls: how it takes reference elements
// (how many, each with how many reference images, under which inner field names) and how long
// each shot of a multi-shot video may be. Read from the entry's roles and JSON Schema, never
// assumed from Kling, so the form, the CLI and the plan follow the same numbers.
import type { ModelEntry } from './entry';

/** How a model takes elements, read from its schema. */
export interface ElementShape {
  field: string;
  maxElements: number;
  frontalField: string;
  referencesField: string | null;
  maxReferences: number;
}

type Schema = {
  type?: string;
  maxItems?: number;
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
};

/**
 * The model's elements field, or null when it has none. The element object's frontal field is
 * the required text field of the image variant (the schema may also offer a video variant), its
 * references field the list of text in the same variant.
 */
export function elementShape(model: ModelEntry): ElementShape | null {
  const field = model.roles.elements;
  if (!field) return null;
  const top = (model.inputSchema.properties ?? {}) as Record<string, Schema>;
  const schema = top[field] ?? {};
  const items = schema.items ?? {};
  const variants = items.anyOf ?? items.oneOf ?? [items];
  for (const variant of variants) {
    const properties = variant.properties ?? {};
    const frontalField = (variant.required ?? []).find(
      (name) => properties[name]?.type === 'string' && /image/i.test(name),
    );
    if (!frontalField) continue;
    const referencesEntry = Object.entries(properties).find(
      ([, p]) => p.type === 'array' && p.items?.type === 'string',
    );
    return {
      field,
      maxElements: schema.maxItems ?? Infinity,
      frontalField,
      referencesField: referencesEntry?.[0] ?? null,
      maxReferences: referencesEntry ? (referencesEntry[1].maxItems ?? Infinity) : 0,
    };
  }
  return null;
}

/** A multi-shot model's shots: how many, and the seconds each may last (null without the role). */
export interface ShotRule {
  minShots: number;
  maxShots: number;
  minSeconds: number;
  maxSeconds: number | null;
}

export function shotRule(model: ModelEntry): ShotRule | null {
  const field = model.roles.multiShot;
  if (!field) return null;
  const properties = (model.inputSchema.properties ?? {}) as Record<string, Schema>;
  const schema = (properties[field] ?? {}) as Schema & { minItems?: number };
  const duration = (schema.items?.properties?.duration ?? {}) as { minimum?: number; maximum?: number };
  return {
    minShots: schema.minItems ?? 1,
    maxShots: schema.maxItems ?? 6,
    minSeconds: duration.minimum ?? 1,
    maxSeconds: duration.maximum ?? null,
  };
}
