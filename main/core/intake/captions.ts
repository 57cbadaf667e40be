// Caption sidecars: the text file next to an image (photo.jpg.txt, else photo.txt) read as its
// {caption}, UTF-8 or Windows "ANSI", up to 1 MiB, with a problem that names the file otherwise.
// The shots of a multi-shot video are read the same way from photo.jpg.shots.txt / photo.shots.txt.
import { extname, join, posix, sep } from 'node:path';
import type { InputProblem } from '../core-api';
import { readUpTo } from '../util/open-file';

const MAX_CAPTION_BYTES = 1024 * 1024;

/** A folder's file names, looked up exactly or ignoring case (shared by its images). */
export interface Siblings {
  exact: Set<string>;
  lower: Map<string, string>;
}

export function siblingsOf(names: string[]): Siblings {
  const lower = new Map<string, string>();
  for (const name of names) if (!lower.has(name.toLowerCase())) lower.set(name.toLowerCase(), name);
  return { exact: new Set(names), lower };
}
export function stemOf(name: string): string {
  const ext = extname(name);
  return ext ? name.slice(0, -ext.length) : name;
}
/** The sidecars read next to an image: its caption, and the shots of a multi-shot video. */
export const SIDECARS = {
  caption: { ending: '.txt', field: 'caption', what: 'a caption file' },
  shots: { ending: '.shots.txt', field: 'shots', what: 'a shots file' },
} as const;

export async function readCaption(
  dirPath: string,
  imageName: string,
  siblings: Siblings,
  rootPath: string,
  kind: keyof typeof SIDECARS = 'caption',
): Promise<{ caption: string | null; problem: InputProblem | null; file: string | null }> {
  const { ending, field, what } = SIDECARS[kind];
  // photo.jpg.txt is the more specific name (photo.jpg and photo.png may share photo.txt).
  const wanted = [`${imageName}${ending}`, `${stemOf(imageName)}${ending}`];
  let found: string | undefined;
  for (const name of wanted) if (!found && siblings.exact.has(name)) found = name;
  for (const name of wanted) found ??= siblings.lower.get(name.toLowerCase());
  if (!found) return { caption: null, problem: null, file: null };
  const path = join(dirPath, found);
  const label = posix.relative(rootPath.split(sep).join('/'), path.split(sep).join('/')) || found;
  try {
    const read = await readUpTo(path, MAX_CAPTION_BYTES);
    if ('tooLarge' in read)
      return {
        caption: null,
        file: label,
        problem: {
          code: `${field}_too_large`,
          message: `${label} is ${read.tooLarge} bytes; ${what} is read up to 1 MiB. Shorten it`,
          file: label,
          row: null,
          field,
        },
      };
    const { bytes } = read;
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      text = bytes.toString('latin1'); // Windows "ANSI" text files
    }
    return {
      caption: text
        .replace(/^\ufeff/, '')
        .replace(/\r\n?/g, '\n')
        .trim(),
      problem: null,
      file: label,
    };
  } catch (error) {
    return {
      caption: null,
      file: label,
      problem: {
        code: `${field}_unreadable`,
        message: `${label} could not be read: ${error instanceof Error ? error.message : String(error)}`,
        file: label,
        row: null,
        field,
      },
    };
  }
}
