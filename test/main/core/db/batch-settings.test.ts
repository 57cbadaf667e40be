// A batch's settings as stored and read back: every field the contract knows survives the
// round trip (the fit mode and reference elements too), and a budget change keeps them.
// Before one schema served both, the database's own copy lacked `fit` and `elements`, so a
// re-run of a `pad` batch was paid again under new fingerprints and an elements batch refused.
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { closeDatabase, openDatabase, type Db } from '../../../../main/core/db/connection';
import { JobStore } from '../../../../main/core/db/store';
import { createEngine } from '../../../../main/core/engine';
import { makeImages, plannedItems, settingsFor, tempDir } from '../engine/helpers';

let dir: ReturnType<typeof tempDir>;
let db: Db;
beforeEach(() => {
  dir = tempDir('sm-settings-');
  db = openDatabase(join(dir.path, 'jobs.sqlite'));
});
afterEach(() => {
  if (db.open) closeDatabase(db);
  dir.remove();
});

const creative = (outputDir: string, imagesDir: string) =>
  settingsFor(outputDir, {
    fit: 'pad',
    elements: [{ frontal: join(imagesDir, 'owl.png'), references: [join(imagesDir, 'owl-side.png')] }],
    takes: 2,
    loop: false,
    shots: [{ prompt: 'wide on {name}', duration: 5 }],
    sidecars: false,
    modelInputs: { aspect_ratio: '16:9' },
  });

it('reads back every setting it stored, the fit mode and the elements included', () => {
  const store = new JobStore(db);
  const settings = creative(join(dir.path, 'out'), join(dir.path, 'refs'));
  const batchId = store.batches.createBatch(
    settings,
    plannedItems(makeImages(dir.path, 1), settings),
    'b',
    1000,
  );
  expect(store.batches.getBatch(batchId)!.settings).toEqual(settings);
});

it('keeps the fit mode and the elements when the budget changes', async () => {
  const settings = creative(join(dir.path, 'out'), join(dir.path, 'refs'));
  const engine = createEngine({ db, owner: 'settings-test', apiKey: null });
  const batchId = engine.createBatch(settings, plannedItems(makeImages(dir.path, 1), settings), 'b');
  engine.commands.setBudget(batchId, 4.5);
  expect(engine.getBatch(batchId)!.settings).toEqual({ ...settings, budgetUsd: 4.5 });
  await engine.close();
});
