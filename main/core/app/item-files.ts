// Which file of an item the desktop may show or open: the paths come from the database, never
// from the window, and only a video file that is on disk is ever opened (a database row must
// never make the OS run a program). Errors say what is missing and what to do.
import { existsSync, statSync } from 'node:fs';
import { extname } from 'node:path';
import { actionFor, type ItemView } from '../domain';
import { AppError } from './errors';

const VIDEO_EXTENSIONS = new Set(['.mp4', '.m4v', '.mov', '.webm']);

/** The item's video, or else its image, whichever is still on disk, to show in its folder. */
export function fileToShow(item: ItemView): string {
  const target = [item.outputPath, item.sourcePath].find((p): p is string => !!p && existsSync(p));
  if (!target)
    throw new AppError(
      'not_found',
      `Neither the video nor the image of item ${item.id} (${item.relativePath}) is on disk any more; it may have been moved or deleted.`,
    );
  return target;
}

/** The item's finished video, to open in the system's player. */
export function videoToOpen(item: ItemView): string {
  if (actionFor(item.state) !== 'open' || !item.outputPath)
    throw new AppError(
      'conflict',
      `Item ${item.id} (${item.relativePath}) has no video yet: it is ${item.state}.`,
    );
  if (!VIDEO_EXTENSIONS.has(extname(item.outputPath).toLowerCase()))
    throw new AppError(
      'conflict',
      `Item ${item.id}'s output "${item.outputPath}" is not a video file; it was not opened.`,
    );
  if (!existsSync(item.outputPath) || !statSync(item.outputPath).isFile())
    throw new AppError(
      'not_found',
      `The video of item ${item.id} is no longer at ${item.outputPath}; it may have been moved or deleted. Retry the item to generate it again.`,
    );
  return item.outputPath;
}
