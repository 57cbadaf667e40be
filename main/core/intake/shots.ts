// Multi-shot videos (Kling 3.0's `multi_prompt`): a video told in shots, each with its own
// prompt template and length. Written the same way in a prompts.csv `shots` column and in
// `--shots`: "3s: a slow pan over {name} | 2s: close on the sign". The lengths must add up
// to the video's duration, and a multi-shot video has no end frame: RunComfy refuses both,
// so the plan does first, in words.
import type { Shot } from '../domain';
import { fieldSchema, type ModelSpec } from '../catalog/catalog';

/** The segments of "3s: a | 2s: b", split at "|" outside braces ({caption|default} keeps its bar). */
function segments(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of text) {
    if (char === '{') depth += 1;
    else if (char === '}') depth = Math.max(0, depth - 1);
    if (char === '|' && depth === 0) {
      out.push(current);
      current = '';
    } else current += char;
  }
  out.push(current);
  return out;
}

/** Reads "3s: ... | 2s: ..."; throws an Error that names the shot and says how to write it. */
export function parseShots(text: string, label: string): Shot[] {
  return segments(text).map((segment, i) => {
    const match = /^\s*(\d+)\s*s?\s*:\s*([\s\S]*?)\s*$/i.exec(segment);
    if (!match || match[2] === '')
      throw new Error(
        `${label}: shot ${i + 1} "${segment.trim()}" must be "<seconds>s: <prompt>", ` +
          'e.g. "3s: a slow pan over {name} | 2s: close on the sign"',
      );
    return { duration: Number(match[1]), prompt: match[2]! };
  });
}

/** What is wrong with these shots for this model and duration, in words, or null. */
export function shotsProblem(shots: readonly Shot[], duration: number, model: ModelSpec): string | null {
  const field = model.roles.multiShot;
  if (!field)
    return `${model.displayName} has no multi-shot field; write one prompt, or choose a model with multi-shot (e.g. Kling 3.0)`;
  const schema = fieldSchema(model, field) as
    | {
        minItems?: number;
        maxItems?: number;
        items?: { properties?: { duration?: { minimum?: number; maximum?: number } } };
      }
    | undefined;
  const most = schema?.maxItems ?? 6;
  const least = schema?.minItems ?? 1;
  if (shots.length < least || shots.length > most)
    return `${model.displayName} takes ${least} to ${most} shots, got ${shots.length}`;
  const rule = schema?.items?.properties?.duration ?? {};
  const min = rule.minimum ?? 1;
  const max = rule.maximum ?? Infinity;
  const bad = shots.findIndex((s) => !Number.isInteger(s.duration) || s.duration < min || s.duration > max);
  if (bad >= 0)
    return (
      `shot ${bad + 1} is ${shots[bad]!.duration} s; each shot of ${model.displayName} lasts ` +
      `${min} to ${max === Infinity ? 'any number of' : max} seconds`
    );
  const sum = shots.reduce((total, s) => total + s.duration, 0);
  if (sum !== duration)
    return (
      `the shots add up to ${sum} s (${shots.map((s) => `${s.duration} s`).join(' + ')}) but the video is ` +
      `${duration} s; make them add up to ${duration} s or set the duration to ${sum}`
    );
  return null;
}
