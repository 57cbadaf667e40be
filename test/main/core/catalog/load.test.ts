import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  costCeilingUsd,
  createCatalog,
  describeCatalogProblem,
  loadCatalog,
  parseEntryText,
  pollingPriorMs,
  SHIPPED_ENTRIES,
} from '../../../../main/core/catalog';

const dirs: string[] = [];
function dataDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'sm-models-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'models'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, 'models', name), text);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const newModel = {
  id: 'acme/motion-1/image-to-video',
  displayName: 'Acme Motion 1',
  aliases: ['acme'],
  task: 'image-to-video',
  status: 'partly-known',
  roles: { prompt: 'text', startImage: 'picture', duration: 'seconds' },
  inputSchema: {
    type: 'object',
    required: ['text', 'picture'],
    properties: {
      text: { type: 'string' },
      picture: { type: 'string' },
      seconds: { type: 'integer', enum: [4, 8] },
    },
  },
  price: { per: 'video', usd: 0.25 },
};

describe('loading entries', () => {
  it('adds a user entry and lets a user entry override a shipped one', async () => {
    const standard = SHIPPED_ENTRIES[0]!;
    const corrected = { ...standard, price: { per: 'second', usd: 0.1, withAudioUsd: 0.15 } };
    const catalog = await loadCatalog({
      dataDir: dataDir({
        'acme.json': JSON.stringify(newModel, null, 2),
        'kling-fix.json': JSON.stringify(corrected, null, 2),
      }),
    });
    expect(catalog.problems).toEqual([]);
    expect(catalog.get('acme')).toMatchObject({ id: newModel.id, origin: 'user' });
    expect(catalog.get(standard.id)).toMatchObject({ origin: 'user', price: { usd: 0.1 } });
    expect(catalog.list()).toHaveLength(SHIPPED_ENTRIES.length + 1);
  });

  it('reports a malformed file with file, line and field, and loads the rest', async () => {
    const badField = JSON.stringify(
      { ...newModel, id: 'acme/two/image-to-video', aliases: [], price: { per: 'minute' } },
      null,
      2,
    );
    const dir = dataDir({
      'a-syntax.json': '{\n  "id": "x",\n  "displayName": \n}',
      'b-field.json': badField,
      'c-good.json': JSON.stringify(newModel),
      'd-schema.json': JSON.stringify(
        {
          ...newModel,
          id: 'acme/three/image-to-video',
          aliases: [],
          inputSchema: { type: 'object', properties: { text: { type: 'strng' } } },
        },
        null,
        2,
      ),
      'e-missing.json': JSON.stringify({ ...newModel, roles: { prompt: 'text' } }, null, 2),
    });
    const catalog = await loadCatalog({ dataDir: dir });
    expect(catalog.find('acme')?.id).toBe(newModel.id);
    const words = catalog.problems.map(describeCatalogProblem);
    expect(words).toHaveLength(4);
    expect(words[0]).toBe(
      `${join(dir, 'models', 'a-syntax.json')}, line 4: not valid JSON: ValueExpected (fix the JSON syntax)`,
    );
    const perLine = badField.split('\n').findIndex((l) => l.includes('"minute"')) + 1;
    expect(catalog.problems[1]).toMatchObject({
      file: join(dir, 'models', 'b-field.json'),
      line: perLine,
      field: 'price.per',
    });
    expect(catalog.problems[1]!.message).toMatch(/"per": "second" \| "video"/);
    expect(catalog.problems[2]).toMatchObject({ field: 'inputSchema' });
    expect(catalog.problems[2]!.message).toMatch(
      /properties\/text\/type must be equal to one of the allowed values/,
    );
    expect(catalog.problems[3]).toMatchObject({
      field: 'roles.startImage',
      message: 'roles.startImage is required but missing',
    });
  });

  it('refuses an entry whose text role is not text in its own schema', () => {
    const parsed = parseEntryText(
      JSON.stringify({
        ...newModel,
        inputSchema: { type: 'object', properties: { picture: { type: 'integer' } } },
      }),
      'x.json',
    );
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.problems[0]!.message).toMatch(
      /roles.startImage names "picture", whose schema type is "integer"/,
    );
  });
});

describe('facts for the engine', () => {
  it('gives the polling prior from the entry, or a conservative default for an unknown model', () => {
    const catalog = createCatalog();
    expect(pollingPriorMs(catalog, 'kling/kling-3.0/standard/image-to-video', 5)).toBe(90_000);
    expect(pollingPriorMs(catalog, 'kling/kling-3.0/pro/image-to-video', 5)).toBe(180_000);
    expect(pollingPriorMs(catalog, 'gone/model', 10)).toBe(180_000);
  });

  it('reserves the higher of estimate and highest cost seen; refuses an unknown price with nothing seen', () => {
    const model = { displayName: 'Wan 2.5' };
    expect(costCeilingUsd(model, 0.42, null)).toEqual({ ok: true, usd: 0.42 });
    expect(costCeilingUsd(model, 0.42, 0.63)).toEqual({ ok: true, usd: 0.63 });
    expect(costCeilingUsd(model, null, 0.5)).toEqual({ ok: true, usd: 0.5 });
    const refused = costCeilingUsd(model, null, null);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.reason).toMatch(/price of Wan 2.5 is unknown.*remove the budget cap/);
  });
});
