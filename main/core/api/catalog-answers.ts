// What RunComfy's catalog and account answers say, read tolerantly: the list's and the
// balance's shapes are not documented (runcomfy-api.md, "The catalog and the account"), so each
// reader accepts the shapes RunComfy's own integrations read and the usual wrappers (`data`),
// and answers null for anything it cannot read with confidence: a figure shown to a person
// about money is never a guess.

/** RunComfy's core API host, where the account's balance lives (one wallet for every product). */
export const RUNCOMFY_CORE_API = 'https://api.runcomfy.net';
const RUNCOMFY_MODEL_API_HOST = 'model-api.runcomfy.net';

/**
 * Where the balance is asked: the core API host beside RunComfy's model API, and the same
 * server for anything else (the simulator, a proxy in front of both).
 */
export function accountBaseUrl(modelApiBase: string): string {
  const base = modelApiBase.replace(/\/+$/, '');
  try {
    return new URL(base).hostname === RUNCOMFY_MODEL_API_HOST ? RUNCOMFY_CORE_API : base;
  } catch {
    return base;
  }
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The object itself, or what a `data` wrapper holds. */
function unwrap(value: unknown): Json | null {
  if (!isObject(value)) return null;
  return isObject(value.data) ? value.data : value;
}

/** A number, or a number written as text ("0.084"); null otherwise. */
export function numberOf(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value);
  return null;
}

export interface ModelListPage {
  /** The page's entries (objects only; anything else in the list is dropped). */
  models: Json[];
  /** The unpaged count, when the answer says it. */
  total: number | null;
}

/** One page of `GET /v1/models`: `{models, total}` (RunComfy's MCP server reads this), a bare list, or a wrapper. */
export function readModelList(body: unknown): ModelListPage | null {
  const holder = Array.isArray(body) ? { models: body } : unwrap(body);
  if (!holder) return null;
  const list = ['models', 'items', 'results', 'data'].map((key) => holder[key]).find(Array.isArray);
  if (!list) return null;
  const total = numberOf(holder.total ?? holder.count);
  return {
    models: list.filter(isObject),
    total: total !== null && Number.isInteger(total) && total >= 0 ? total : null,
  };
}

/** `GET /v1/models/{model_id}`: the entry, bare or wrapped (`data`, `model`); null without an id. */
export function readModelEntry(body: unknown): Json | null {
  const outer = unwrap(body);
  const entry = outer && isObject(outer.model) ? outer.model : outer;
  return entry && typeof (entry.model_id ?? entry.id) === 'string' ? entry : null;
}

/** `GET /v1/models/categories`: `{categories: [...]}`, names as text or as objects with a name. */
export function readCategories(body: unknown): string[] | null {
  const holder = Array.isArray(body) ? { categories: body } : unwrap(body);
  const list = holder && ['categories', 'items'].map((key) => holder[key]).find(Array.isArray);
  if (!list) return null;
  return list
    .map((c) => (typeof c === 'string' ? c : isObject(c) ? (c.slug ?? c.name ?? c.id) : null))
    .filter((c): c is string => typeof c === 'string' && c.length > 0);
}

/**
 * `GET /prod/v2/balance`: `{balance_usd, balance_microdollars, currency: "USD"}` as RunComfy's
 * integrations read it. Null when neither figure reads, the currency is not USD, or the two
 * figures disagree by a cent or more. A negative balance (owed) is a balance.
 */
export function readBalance(body: unknown): { usd: number } | null {
  const holder = unwrap(body);
  if (!holder) return null;
  if (holder.currency !== undefined && String(holder.currency).toUpperCase() !== 'USD') return null;
  const usd = typeof holder.balance_usd === 'boolean' ? null : numberOf(holder.balance_usd);
  const micro =
    typeof holder.balance_microdollars === 'boolean' ? null : numberOf(holder.balance_microdollars);
  const fromMicro = micro !== null && Number.isInteger(micro) ? micro / 1e6 : null;
  if (usd !== null && fromMicro !== null && Math.abs(usd - fromMicro) >= 0.01) return null;
  const value = fromMicro ?? usd;
  return value === null ? null : { usd: value };
}
