// The catalog and the account, as the simulator serves them: `GET /v1/models` (paged, with
// search, category, kind and include_schema), `GET /v1/models/categories`, `GET
// /v1/models/{model_id}`, `GET /prod/v2/balance` (on RunComfy's core API host in reality; here
// on the same server), and `POST /_simulator/credit`, the simulator's own admin call that tops
// up (or sets) a key's credit, so a test or a person at `npm run simulator` can end a
// "no balance" pause. Shapes: runcomfy-api.md and catalog-entries.ts.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { catalogEntry, SIMULATED_CATEGORIES } from './catalog-entries';
import { answer, apiError, authorize, send, transportFault, unauthorized, type Reply } from './replies';
import type { SimulatorState } from './state';
import { DEMO_API_KEY } from './types';

/**
 * The key, or null once the request was answered (a fault, a refused key). Only the per-model
 * entry takes seeded `model` faults, as it always has: the list, the categories and the balance
 * take none, so a client reading them never shifts a seeded run's sequence of faults.
 */
function authorized(
  sim: SimulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  faults: 'model' | 'none' = 'none',
): string | null {
  const fault = faults === 'model' ? sim.faults.requestFault('model') : null;
  if (fault === 'reset-before-body') {
    req.socket.destroy();
    return null;
  }
  req.resume();
  if (fault === '429' || fault === '5xx') {
    send(res, transportFault(sim, fault));
    return null;
  }
  const key = authorize(sim, req);
  if (!key) {
    answer(res, unauthorized(sim), fault);
    return null;
  }
  return key;
}

function wholeNumber(value: string | null, fallback: number): number | null {
  if (value === null) return fallback;
  const n = Number(value);
  return Number.isInteger(n) && n >= 0 ? n : null;
}

export function listModels(
  sim: SimulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  query: URLSearchParams,
): void {
  if (!authorized(sim, req, res)) return;
  const limit = wholeNumber(query.get('limit'), 100);
  const offset = wholeNumber(query.get('offset'), 0);
  if (limit === null || limit < 1 || limit > 500 || offset === null) {
    send(
      res,
      apiError(sim, 422, 422001, 'limit must be a whole number from 1 to 500 and offset 0 or more', [
        { loc: ['query', 'limit'], msg: 'Input should be from 1 to 500', type: 'value_error' },
      ]),
    );
    return;
  }
  const search = query.get('search')?.trim().toLowerCase() ?? '';
  const category = query.get('category');
  const kind = query.get('kind');
  const withSchema = query.get('include_schema') === 'true';
  const matching = [...sim.models.values()].filter(
    (m) =>
      (!search || `${m.modelId} ${m.displayName}`.toLowerCase().includes(search)) &&
      (!category || SIMULATED_CATEGORIES.includes(category)) &&
      (!kind || kind === 'model'),
  );
  send(res, {
    status: 200,
    body: {
      models: matching
        .slice(offset, offset + limit)
        .map((m) => catalogEntry(m, withSchema, sim.options.catalogPrices)),
      total: matching.length,
      limit,
      offset,
    },
  });
}

export function listCategories(sim: SimulatorState, req: IncomingMessage, res: ServerResponse): void {
  if (!authorized(sim, req, res)) return;
  send(res, { status: 200, body: { categories: SIMULATED_CATEGORIES } });
}

export function modelEntry(
  sim: SimulatorState,
  req: IncomingMessage,
  res: ServerResponse,
  modelId: string,
): void {
  if (!authorized(sim, req, res, 'model')) return;
  const model = sim.models.get(modelId);
  const reply: Reply = model
    ? {
        status: 200,
        body: {
          ...catalogEntry(model, true, sim.options.catalogPrices),
          pricing: {
            currency: 'USD',
            unit: 'second',
            without_audio_usd: model.usdPerSecond.silent,
            with_audio_usd: model.usdPerSecond.audio,
          },
        },
      }
    : apiError(sim, 400, 400001, `Unknown model_id '${modelId}'`);
  send(res, reply);
}

/** The account's balance: credit less what was charged (jobs queued are not charged yet). */
export function balance(sim: SimulatorState, req: IncomingMessage, res: ServerResponse): void {
  const key = authorized(sim, req, res);
  if (!key) return;
  const usd = sim.book.balanceUsd(key);
  send(res, {
    status: 200,
    body: { balance_usd: usd, balance_microdollars: Math.round(usd * 1e6), currency: 'USD' },
  });
}

/**
 * `POST /_simulator/credit` with `{"add_usd": 20}` (a top-up) or `{"credit_usd": 50}` (the
 * key's whole credit), and `"key"` (default the demo key). Not a RunComfy endpoint.
 */
export async function setCredit(
  sim: SimulatorState,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  let body: { key?: unknown; add_usd?: unknown; credit_usd?: unknown } = {};
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as typeof body;
  } catch {
    body = {};
  }
  const key = typeof body.key === 'string' ? body.key : DEMO_API_KEY;
  const amount = (value: unknown) => (typeof value === 'number' && Number.isFinite(value) ? value : null);
  const add = amount(body.add_usd);
  const total = amount(body.credit_usd);
  if ((add === null) === (total === null)) {
    send(res, {
      status: 422,
      body: { detail: 'Send {"add_usd": <usd>} to top up, or {"credit_usd": <usd>} to set the credit' },
    });
    return;
  }
  sim.book.setCredit(key, total ?? sim.book.creditUsd(key) + add!);
  send(res, {
    status: 200,
    body: { credit_usd: sim.book.creditUsd(key), balance_usd: sim.book.balanceUsd(key) },
  });
}
