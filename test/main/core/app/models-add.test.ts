// Settings → Models → Add, through the handler map: the entry is saved in the data folder's
// models/ (where the next start loads it), joins the running catalog, and nothing is paid.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../../main/core/catalog';
import { createTestApp, type TestApp } from '../../../harness/test-app';
import { batchSettings, call, tempDir, value, writeImage } from './helpers';

let app: TestApp;
let dir: { path: string; remove(): void };
beforeAll(async () => {
  dir = tempDir('sm-models-add-');
  app = await createTestApp({ rootDir: dir.path });
});
afterAll(async () => {
  await app?.close();
  dir?.remove();
});

describe('command:models.add', () => {
  it('asks for the start image field, then saves the entry with the price the catalog gives; nothing is submitted', async () => {
    const id = 'wan-ai/wan-2-5/image-to-video';
    // The simulator's catalog knows this id; an entry saved under it overrides the shipped one.
    expect(await value(app.handlers, 'command:models.add', { id })).toMatchObject({
      status: 'needsStartImageField',
    });
    const added = await value(app.handlers, 'command:models.add', { id, startImageField: 'img_url' });
    expect(added).toMatchObject({
      status: 'added',
      model: { id, origin: 'user', status: 'partly-known', price: { per: 'second', usd: 0.05 } },
    });
    const file = join(app.dataDir, 'models', 'wan-ai_wan-2-5_image-to-video.json');
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ id, roles: { startImage: 'img_url' } });
    const list = await value(app.handlers, 'query:models.list', {});
    expect(list.find((m) => m.id === id)?.origin).toBe('user');
    // The next start reads it back from the data folder.
    expect((await loadCatalog({ dataDir: app.dataDir })).get(id).origin).toBe('user');
    expect(app.simulator.ledger.submits).toEqual([]);
  });

  it("refuses a pasted schema that does not parse, with the parser's message, and saves nothing", async () => {
    const answer = await call(app.handlers, 'command:models.add', {
      id: 'acme/motion-9/image-to-video',
      schema: '{"type": "object", "properties": {"image": ',
    });
    expect(answer.ok).toBe(false);
    expect(!answer.ok && answer.error).toMatchObject({
      code: 'invalid_request',
      message: expect.stringMatching(/^The input schema is not valid JSON: /),
    });
    expect(existsSync(join(app.dataDir, 'models', 'acme_motion-9_image-to-video.json'))).toBe(false);
  });
});

describe('query:models.problems', () => {
  it('lists the entry files of the data folder that could not be used, with file, line and field', async () => {
    const root = tempDir('sm-models-problems-');
    const models = join(root.path, 'data', 'models');
    mkdirSync(models, { recursive: true });
    writeFileSync(
      join(models, 'typo.json'),
      '{\n  "id": "acme/x/image-to-video",\n  "task": "text-to-video"\n}\n',
    );
    const broken = await createTestApp({ rootDir: root.path });
    try {
      const problems = await value(broken.handlers, 'query:models.problems', {});
      expect(problems).toContainEqual({
        file: join(models, 'typo.json'),
        line: 3,
        field: 'task',
        message: 'task: must be "image-to-video" (the only task the app runs)',
      });
      // The shipped models still loaded.
      expect((await value(broken.handlers, 'query:models.list', {})).length).toBeGreaterThan(20);
    } finally {
      await broken.close();
      root.remove();
    }
  });
});

describe('a budget cap on a model whose price is unknown', () => {
  it('is refused when set on a running batch, since the engine could not keep it', async () => {
    const inputs = join(dir.path, 'veo-input');
    await writeImage(join(inputs, 'a.jpg'));
    const { scanId } = await value(app.handlers, 'command:scan.start', { paths: [inputs] });
    await app.core.scans.whenFinished(scanId);
    const settings = {
      ...batchSettings(join(dir.path, 'veo-out')),
      modelId: 'google-deepmind/veo-3/image-to-video',
    };
    const capped = await call(app.handlers, 'command:batch.create', {
      scanId,
      settings: { ...settings, budgetUsd: 5 },
      force: false,
    });
    expect(capped.ok).toBe(false);
    const { batchId } = await value(app.handlers, 'command:batch.create', { scanId, settings, force: false });
    const later = await call(app.handlers, 'command:batch.setBudget', { batchId, budgetUsd: 5 });
    expect(later.ok).toBe(false);
    expect(!later.ok && later.error).toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(/^The price of Veo 3 is unknown, so a budget cap cannot be kept/),
    });
    expect((await value(app.handlers, 'query:batch.get', { batchId })).settings.budgetUsd).toBeNull();
  });
});
