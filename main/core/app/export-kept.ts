// "Export kept": copies the videos the user kept into a folder of their choice, for delivery.
// Copies, never moves: the originals stay where the batch wrote them (the database, the
// "already generated" check and the report all point at them). Never overwrites: a name that
// is taken gets the engine's own " (2)" rule, so an export next to earlier exports or other
// files keeps every file, and the copy itself is exclusive (COPYFILE_EXCL) so a file that
// appears between the check and the copy is not overwritten either.
import { constants, existsSync } from 'node:fs';
import { copyFile, mkdir, unlink } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { ItemView } from '../domain';
import { freeName } from '../engine/download-files';

export interface ExportKeptResult {
  folder: string;
  /** Videos copied. */
  copied: number;
  /** Of those, copied under another name because the folder already had the name. */
  renamed: { file: string; savedAs: string }[];
  /** Kept videos that could not be copied, each with the reason in words. */
  failed: { file: string; reason: string }[];
}

/** Tries the next free name a few times if another writer takes one between check and copy. */
const NAME_RACE_ATTEMPTS = 5;

async function copyExclusive(source: string, wanted: string): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const target = freeName(wanted);
    try {
      await copyFile(source, target, constants.COPYFILE_EXCL);
      return target;
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== 'EEXIST' || attempt >= NAME_RACE_ATTEMPTS) {
        // A copy that failed half-way (disk full) must not leave half a video behind.
        if (code !== 'EEXIST') await unlink(target).catch(() => {});
        throw error;
      }
    }
  }
}

function reasonOf(error: unknown): string {
  const code = (error as { code?: string }).code;
  if (code === 'ENOSPC') return 'the destination drive is full; free some space and export again';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return 'the destination folder cannot be written to; choose another folder';
  return error instanceof Error ? error.message : String(error);
}

export async function exportKept(items: readonly ItemView[], folder: string): Promise<ExportKeptResult> {
  const result: ExportKeptResult = { folder, copied: 0, renamed: [], failed: [] };
  await mkdir(folder, { recursive: true });
  for (const item of items) {
    if (!item.outputPath || !existsSync(item.outputPath)) {
      result.failed.push({
        file: item.relativePath,
        reason: `its video is no longer at ${item.outputPath ?? '(no path)'}; it may have been moved or deleted`,
      });
      continue;
    }
    const wanted = join(folder, basename(item.outputPath));
    try {
      const savedAs = await copyExclusive(item.outputPath, wanted);
      result.copied++;
      if (savedAs !== wanted) result.renamed.push({ file: item.relativePath, savedAs: basename(savedAs) });
    } catch (error) {
      result.failed.push({ file: item.relativePath, reason: reasonOf(error) });
    }
  }
  return result;
}
