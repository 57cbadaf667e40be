// Shared fixtures for the engine, client and database tests: temp folders, tiny images the
// simulator accepts (it sniffs the PNG signature), planned items as the intake would make them.
import { randomBytes } from 'node:crypto';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SETTINGS, type BatchSettings, type PlannedItem } from '../../../../main/core/domain';
import { requestFingerprint } from '../../../../main/core/intake/requests';

export const STANDARD_USD_PER_SECOND = 0.084;

export function tempDir(prefix = 'sm-engine-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** `count` distinct small "images" (PNG signature + random bytes) under `dir`/images. */
export function makeImages(
  dir: string,
  count: number,
): { path: string; relativePath: string; hash: string }[] {
  const root = join(dir, 'images');
  mkdirSync(root, { recursive: true });
  return Array.from({ length: count }, (_, index) => {
    const relativePath = `img-${String(index).padStart(4, '0')}.png`;
    const bytes = Buffer.concat([PNG_SIGNATURE, randomBytes(64)]);
    const path = join(root, relativePath);
    writeFileSync(path, bytes);
    return { path, relativePath, hash: createHash('sha256').update(bytes).digest('hex') };
  });
}

export function settingsFor(outputDir: string, overrides: Partial<BatchSettings> = {}): BatchSettings {
  return { ...DEFAULT_SETTINGS, outputDir, ...overrides };
}

export function plannedItems(
  images: { path: string; relativePath: string; hash: string }[],
  settings: BatchSettings,
): PlannedItem[] {
  return images.map((image) => {
    const name = image.relativePath.replace(/\.[^.]+$/, '');
    const prompt = `A slow dolly shot of ${name}`;
    const request = {
      prompt,
      start_image_url: `image-ref:${image.path}`,
      duration: settings.duration,
      generate_audio: settings.generateAudio,
      cfg_scale: settings.cfgScale,
    };
    return {
      sourcePath: image.path,
      rootPath: image.path.slice(0, image.path.length - image.relativePath.length - 1),
      relativePath: image.relativePath,
      imageHash: image.hash,
      renderedPrompt: prompt,
      request,
      // The intake's own fingerprint: the engine re-checks it at submit (every image's hash).
      requestFingerprint: requestFingerprint(settings.modelId, request, { [image.path]: image.hash }),
      estimatedCostUsd: Math.round(STANDARD_USD_PER_SECOND * settings.duration * 1e6) / 1e6,
      outputRelativePath: `${name}.mp4`,
      notes: [],
      verdict: null,
    };
  });
}

/** Every temporary download file (".name.mp4.part-<id>[-<attempt>]") left anywhere under `dir`. */
export function partFiles(dir: string): string[] {
  const found: string[] = [];
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (/\.part-\d+(-[0-9a-f]+)?$/.test(entry.name)) found.push(path);
    }
  };
  walk(dir);
  return found;
}

/** Resolves when `condition` holds (checked every few real ms); fails after `timeoutMs`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
