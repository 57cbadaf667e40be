// Caption sidecars: the text file next to an image (photo.jpg.txt, else photo.txt) read as its
// {caption}, UTF-8 or Windows "ANSI", up to 1 MiB, with a problem that names the file otherwise.
import { readFile } from 'node:fs/promises';
import { extname, join, posix, sep } from 'node:path';
import type { InputProblem } from '../core-api';

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
export async function readCaption(
  dirPath: string,
  imageName: string,
  siblings: Siblings,
  rootPath: string,
): Promise<{ caption: string | null; problem: InputProblem | null }> {
  // photo.jpg.txt is the more specific name (photo.jpg and photo.png may share photo.txt).
  const wanted = [`${imageName}.txt`, `${stemOf(imageName)}.txt`];
  let found: string | undefined;
  for (const name of wanted) if (!found && siblings.exact.has(name)) found = name;
  for (const name of wanted) found ??= siblings.lower.get(name.toLowerCase());
  if (!found) return { caption: null, problem: null };
  const path = join(dirPath, found);
  const label = posix.relative(rootPath.split(sep).join('/'), path.split(sep).join('/')) || found;
  try {
    const bytes = await readFile(path);
    if (bytes.length > MAX_CAPTION_BYTES)
      return {
        caption: null,
        problem: {
          code: 'caption_too_large',
          message: `${label} is ${bytes.length} bytes; a caption file is read up to 1 MiB. Shorten it`,
          file: label,
          row: null,
          field: 'caption',
        },
      };
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
    };
  } catch (error) {
    return {
      caption: null,
      problem: {
        code: 'caption_unreadable',
        message: `${label} could not be read: ${error instanceof Error ? error.message : String(error)}`,
        file: label,
        row: null,
        field: 'caption',
      },
    };
  }
}
