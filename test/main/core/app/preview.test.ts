// The preview rows the app ships (query:scan.preview over the real intake) say what each request
// will carry: a prompts.csv row's own prompt and negative prompt, or the batch's, never a mix.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../harness/test-app';
import { batchSettings, tempDir, value, writeImage } from './helpers';

let app: TestApp;
let dir: { path: string; remove(): void };
let inputDir: string;
let outputDir: string;

beforeAll(async () => {
  dir = tempDir('sm-preview-');
  inputDir = join(dir.path, 'shoot');
  outputDir = join(dir.path, 'videos');
  mkdirSync(outputDir, { recursive: true });
  await writeImage(join(inputDir, 'own.jpg'));
  await writeImage(join(inputDir, 'prompt-only.jpg'));
  await writeImage(join(inputDir, 'no-row.jpg'));
  writeFileSync(
    join(inputDir, 'prompts.csv'),
    'file,prompt,negative_prompt\n' + 'own.jpg,A boat at dawn,blurry\n' + 'prompt-only.jpg,A hill at noon,\n',
  );
  app = await createTestApp({ rootDir: dir.path, pickInputs: [inputDir], pickOutputDir: outputDir });
});

afterAll(async () => {
  await app?.close();
  dir?.remove();
});

describe('query:scan.preview', () => {
  it("shows each row's negative prompt: the CSV's where it has one, else the batch's", async () => {
    const { scanId } = await value(app.handlers, 'command:scan.start', { paths: [inputDir] });
    await app.core.scans.whenFinished(scanId);
    const settings = batchSettings(outputDir, { negativePrompt: 'dark' });
    const preview = await value(app.handlers, 'query:scan.preview', {
      scanId,
      settings,
      offset: 0,
      limit: 10,
    });
    const byFile = Object.fromEntries(preview.items.map((row) => [row.relativePath, row]));
    expect(byFile['own.jpg']).toMatchObject({
      renderedPrompt: 'A boat at dawn',
      settings: { negativePrompt: 'blurry' },
    });
    expect(byFile['prompt-only.jpg']).toMatchObject({
      renderedPrompt: 'A hill at noon',
      settings: { negativePrompt: 'dark' },
    });
    expect(byFile['no-row.jpg']).toMatchObject({
      renderedPrompt: 'A slow dolly shot of no-row',
      settings: { negativePrompt: 'dark' },
    });
  });
});
