// Checks a request against a model entry's JSON Schema with ajv (a maintained, complete JSON
// Schema validator: entries come from RunComfy's pages and from users, so we need the whole
// language, not the subset we would write ourselves), and words every problem our way: the
// field, the value, what is allowed. Fields the schema does not describe pass through, so a
// field RunComfy ships tomorrow can be sent today (`--set`, a prompts.csv column).
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { RE2JS } from 're2js';
import { showValue } from './show-value';

export type InputValidator = (input: Record<string, unknown>) => string[];

/** Longer patterns are refused: a user's schema is data, and compiling is not free either. */
const MAX_PATTERN_LENGTH = 1000;

/**
 * Schema patterns run on RE2 (re2js), whose matching time grows linearly with the text: entries
 * come from users, and a backtracking pattern such as `^(a+)+$` held the main process for
 * seconds on a 31-character prompt, doubling with each character. A pattern RE2 cannot run
 * (lookaround, backreferences) makes the schema refused, in words.
 */
const linearRegExp = Object.assign(
  (pattern: string) => {
    if (pattern.length > MAX_PATTERN_LENGTH)
      throw new Error(
        `a pattern of ${pattern.length} characters is longer than the ${MAX_PATTERN_LENGTH} checked; shorten it`,
      );
    let compiled: RE2JS;
    try {
      compiled = RE2JS.compile(pattern);
    } catch (error) {
      throw new Error(
        `the pattern ${JSON.stringify(pattern)} cannot be checked in linear time (${(error as Error).message}); ` +
          'write it without lookahead, lookbehind or backreferences',
        { cause: error },
      );
    }
    // ajv caches compiled patterns by their string form.
    return { test: (text: string) => compiled.test(text), toString: () => `re2:${pattern}` };
  },
  { code: 're2js' },
);

function newAjv() {
  // strict off: pasted schemas carry keywords of their own (title, x-order...) that are not
  // errors; the schema itself is still checked against the JSON Schema meta-schema.
  return new Ajv({ allErrors: true, strict: false, verbose: true, code: { regExp: linearRegExp } });
}
const ajv = newAjv();

/** Compiles `schema`; throws with ajv's own message when it is not a usable JSON Schema. */
export function compileInputSchema(schema: Record<string, unknown>): InputValidator {
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema);
  } catch (error) {
    throw new Error(`the input schema is not valid JSON Schema: ${(error as Error).message}`, {
      cause: error,
    });
  }
  return (input) => {
    if (validate(input)) return [];
    return wordErrors(validate.errors ?? [], input);
  };
}

/** `multi_prompt[2].duration` from `/multi_prompt/1/duration`, counting items from 1 like a user. */
function fieldOf(instancePath: string, extra?: string): string {
  const parts = instancePath
    .split('/')
    .slice(1)
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  if (parts.length === 0) return 'request';
  return parts.map((p, i) => (/^\d+$/.test(p) ? `[${Number(p) + 1}]` : i === 0 ? p : `.${p}`)).join('');
}

function rangeWords(schema: Record<string, unknown>): string | null {
  const whole = schema.type === 'integer';
  const min = schema.minimum ?? schema.exclusiveMinimum;
  const max = schema.maximum ?? schema.exclusiveMaximum;
  const noun = whole ? 'a whole number' : 'a number';
  if (typeof min === 'number' && typeof max === 'number') return `${noun} from ${min} to ${max}`;
  if (typeof min === 'number') return `${noun} of at least ${min}`;
  if (typeof max === 'number') return `${noun} of at most ${max}`;
  return null;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  null: 'null',
};

function allowedList(values: unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

function wordError(error: ErrorObject): { field: string; text: string } {
  const field = fieldOf(error.instancePath);
  const schema = (error.parentSchema ?? {}) as Record<string, unknown>;
  const got = `got ${showValue(error.data)}`;
  switch (error.keyword) {
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty;
      return {
        field: fieldOf(error.instancePath, missing),
        text: `${fieldOf(error.instancePath, missing)} is required but missing`,
      };
    }
    case 'additionalProperties': {
      const extra = (error.params as { additionalProperty: string }).additionalProperty;
      return {
        field: fieldOf(error.instancePath, extra),
        text: `${fieldOf(error.instancePath, extra)} is not accepted by this model; remove it`,
      };
    }
    case 'type': {
      const types = ([] as string[]).concat((error.params as { type: string | string[] }).type);
      const range = types.includes('integer') || types.includes('number') ? rangeWords(schema) : null;
      return {
        field,
        text: `${field} must be ${range ?? types.map((t) => TYPE_WORDS[t] ?? t).join(' or ')}, ${got}`,
      };
    }
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { field, text: `${field} must be ${rangeWords(schema) ?? error.message}, ${got}` };
    case 'enum':
      return {
        field,
        text: `${field} must be one of ${allowedList((error.params as { allowedValues: unknown[] }).allowedValues)}, ${got}`,
      };
    case 'const':
      return {
        field,
        text: `${field} must be ${JSON.stringify((error.params as { allowedValue: unknown }).allowedValue)}, ${got}`,
      };
    case 'minLength':
      return (error.params as { limit: number }).limit === 1
        ? { field, text: `${field} must not be empty` }
        : {
            field,
            text: `${field} must be at least ${(error.params as { limit: number }).limit} characters, ${got}`,
          };
    case 'maxLength':
      return {
        field,
        text: `${field} must be at most ${(error.params as { limit: number }).limit} characters, ${got}`,
      };
    case 'minItems':
    case 'maxItems': {
      const min = schema.minItems;
      const max = schema.maxItems;
      const bounds =
        typeof min === 'number' && typeof max === 'number'
          ? `${min} to ${max} items`
          : typeof max === 'number'
            ? `at most ${max} items`
            : `at least ${String(min)} items`;
      return { field, text: `${field} must have ${bounds}, ${got}` };
    }
    case 'pattern': {
      // The description says in words what the pattern says in regex, when the entry has one.
      const words =
        typeof schema.description === 'string'
          ? schema.description.charAt(0).toLowerCase() + schema.description.slice(1)
          : `text matching ${String((error.params as { pattern: string }).pattern)}`;
      return { field, text: `${field} must be ${words}, ${got}` };
    }
    case 'oneOf':
    case 'anyOf':
      return { field, text: `${field} does not have any of the allowed shapes, ${got}` };
    default:
      return { field, text: `${field} ${error.message ?? 'is not valid'}, ${got}` };
  }
}

/** One sentence per field: ajv reports several errors for one bad value under oneOf/anyOf. */
function wordErrors(errors: ErrorObject[], _input: unknown): string[] {
  // An error inside a branch of oneOf/anyOf is noise next to the branch's own error.
  const branchPaths = errors
    .filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf')
    .map((e) => e.schemaPath);
  const relevant = errors.filter(
    (e) => !branchPaths.some((p) => e.schemaPath.startsWith(`${p}/`) && e.schemaPath !== p),
  );
  const byField = new Map<string, string>();
  for (const error of relevant) {
    const { field, text } = wordError(error);
    if (!byField.has(field)) byField.set(field, text);
  }
  return [...byField.values()];
}

/** For tests and for the add-model dialog: ajv's message for a schema that does not compile. */
export function schemaProblem(schema: unknown): string | null {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema))
    return 'the input schema must be a JSON object';
  try {
    newAjv().compile(schema as Record<string, unknown>);
    return null;
  } catch (error) {
    return (error as Error).message;
  }
}
