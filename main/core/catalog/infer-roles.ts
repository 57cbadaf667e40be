// Which request field carries each role (prompt, start image, duration...) for a model RunComfy's
// catalog describes. The shipped entry's roles come first where the live schema still has their
// field (they settle what a schema leaves ambiguous); otherwise the names seen on RunComfy's pages
// (role-field-names.json), the image format RunComfy marks image fields with, and what the field
// is called and typed. Multi-shot and elements are never guessed: their inner shape must be
// known, so only a shipped entry names them.
import type { ModelEntry, RoleName } from './entry';
import roleFieldNames from './role-field-names.json';

type Json = Record<string, unknown>;
type Roles = ModelEntry['roles'];

/** Names a role may point at (the entry's own rule for a field name). */
const USABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const IMAGE_WORDS = /image|img|frame|photo|picture/i;
const END_WORDS = /(^|_)(end|last|tail|final)(_|$)/i;

export type InferredRoles =
  | {
      ok: true;
      roles: Roles;
      /** False when the start image was picked among several candidates. */
      sure: boolean;
    }
  | { ok: false; why: string; candidates: string[] };

function typeOf(schema: Json | undefined): unknown {
  return schema?.type;
}

function words(name: string, schema: Json | undefined): string {
  return `${name} ${typeof schema?.title === 'string' ? schema.title : ''}`;
}

export function inferRoles(schema: Json, imageFields: readonly string[], hints?: Roles): InferredRoles {
  const properties = (schema.properties ?? {}) as Record<string, Json>;
  const names = Object.keys(properties).filter((name) => USABLE_NAME.test(name));
  const required = new Set(Array.isArray(schema.required) ? (schema.required as string[]) : []);
  const has = (name: string | undefined): name is string => name !== undefined && names.includes(name);
  const isText = (name: string) =>
    typeOf(properties[name]) === 'string' || typeOf(properties[name]) === undefined;
  const firstOf = (candidates: readonly string[]) => candidates.find((name) => has(name));
  const hinted = (role: RoleName) => (has(hints?.[role]) ? hints![role] : undefined);

  const imageLike = names.filter(
    (name) => imageFields.includes(name) || (isText(name) && IMAGE_WORDS.test(words(name, properties[name]))),
  );
  const endLike = imageLike.filter((name) => END_WORDS.test(name));

  let sure = true;
  let startImage = hinted('startImage') ?? firstOf(roleFieldNames.startImage);
  if (!startImage) {
    const candidates = imageLike.filter((name) => !endLike.includes(name));
    const requiredOnes = candidates.filter((name) => required.has(name));
    if (candidates.length === 1) startImage = candidates[0];
    else if (requiredOnes.length === 1) {
      startImage = requiredOnes[0];
      sure = false;
    } else
      return {
        ok: false,
        why:
          candidates.length === 0
            ? 'its schema has no field that takes an image'
            : `its schema has several image fields (${candidates.join(', ')}) and none is marked as the start image`,
        candidates: candidates.length > 0 ? candidates : names.filter(isText),
      };
  }

  const roles: Roles = {
    prompt:
      hinted('prompt') ??
      firstOf(['prompt']) ??
      names.find((n) => isText(n) && /prompt|text/i.test(n) && !/negative/i.test(n)) ??
      'prompt',
    startImage: startImage!,
  };
  const put = (role: Exclude<RoleName, 'prompt' | 'startImage'>, field: string | undefined) => {
    if (field !== undefined && field !== roles.startImage) roles[role] = field;
  };
  put('endImage', hinted('endImage') ?? firstOf(roleFieldNames.endImage) ?? endLike[0]);
  put(
    'negativePrompt',
    hinted('negativePrompt') ??
      firstOf(roleFieldNames.negativePrompt) ??
      names.find((n) => isText(n) && /negative/i.test(n)),
  );
  const numeric = (name: string) => {
    const type = typeOf(properties[name]);
    return type === 'integer' || type === 'number' || Array.isArray(properties[name]?.enum);
  };
  put('duration', hinted('duration') ?? roleFieldNames.duration.find((n) => has(n) && numeric(n)));
  put(
    'audio',
    hinted('audio') ??
      [...roleFieldNames.audio, ...names.filter((n) => /audio|sound/i.test(n))].find(
        (n) => has(n) && typeOf(properties[n]) === 'boolean',
      ),
  );
  put('guidance', hinted('guidance') ?? roleFieldNames.guidance.find((n) => has(n) && numeric(n)));
  put('multiShot', hinted('multiShot'));
  put('elements', hinted('elements'));
  return { ok: true, roles, sure };
}
