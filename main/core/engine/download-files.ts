// A finished video's files without ever losing or clobbering one: names within the 255-byte
// limit that stay inside the output folder, temporary names beside the target, a free final
// name, placing by hard link (never over another file), reading a file's hash and mp4 header
// back, and what a file error says. The transfer itself is download-transfer.ts.
import { createHash } from 'node:crypto';
import { createReadStream, lstatSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { lstat, unlink } from 'node:fs/promises';
import { openForWriting, type WritableFile, type WriteMode } from '../util/open-file';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** The file-system calls a download makes, injectable so a test can make them fail. */
export interface FileOps {
  write(handle: WritableFile, chunk: Uint8Array): Promise<void>;
  open(path: string, mode: WriteMode): Promise<WritableFile>;
  mkdir(path: string, recursive: boolean): Promise<void>;
  link(existingPath: string, newPath: string): Promise<void>;
  rename(oldPath: string, newPath: string): Promise<void>;
}

export const nodeFileOps: FileOps = {
  async write(handle, chunk) {
    let offset = 0;
    while (offset < chunk.length) {
      const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset);
      offset += bytesWritten;
    }
  },
  open: openForWriting,
  async mkdir(path, recursive) {
    await fs.mkdir(path, { recursive });
  },
  link: (existingPath, newPath) => fs.link(existingPath, newPath),
  rename: (oldPath, newPath) => fs.rename(oldPath, newPath),
};

const DISK_FULL_CODES = new Set(['ENOSPC', 'EDQUOT']);

export function isDiskFull(error: unknown): boolean {
  return DISK_FULL_CODES.has((error as { code?: string })?.code ?? '');
}

/** Videos are fetched only over https, or from the API's own origin (the simulator, a proxy). */
export function isAllowedDownloadUrl(url: string, apiOrigin: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' || parsed.origin === apiOrigin;
  } catch {
    return false;
  }
}

/** outputDir joined with the item's relative output path, refused if it would leave outputDir. */
export function resolveOutputPath(outputDir: string, outputRelativePath: string): string {
  const root = resolve(outputDir);
  const target = resolve(root, outputRelativePath);
  const inside = relative(root, target);
  if (!inside || inside.startsWith('..' + sep) || inside === '..' || isAbsolute(inside))
    throw new Error(
      `The output path '${outputRelativePath}' would be written outside the output folder ${root}; ` +
        `change the output name template so it stays inside, then retry.`,
    );
  return target;
}

/** Most file systems (ext4, APFS, NTFS) allow 255 bytes (UTF-8) or fewer per path segment. */
const MAX_SEGMENT_BYTES = 255;

/** The longest prefix of `text` within `maxBytes` of UTF-8, cut between code points. */
function truncateUtf8(text: string, maxBytes: number): string {
  let bytes = 0;
  let out = '';
  for (const char of text) {
    const size = Buffer.byteLength(char);
    if (bytes + size > maxBytes) break;
    bytes += size;
    out += char;
  }
  return out;
}

/** `dir/<stem shortened as needed><suffix>`: a name the intake cut to 255 bytes stays valid with a suffix. */
function withSuffix(dir: string, stem: string, suffix: string, prefix = ''): string {
  const room = MAX_SEGMENT_BYTES - Buffer.byteLength(prefix + suffix);
  return join(dir, `${prefix}${truncateUtf8(stem, room)}${suffix}`);
}

/**
 * `.name.mp4.part-<item>-<attempt tag>` beside the target: the tag (temp-files.ts) names the
 * request and the writer, so only that writer continues it. Without a tag: the form older
 * releases used (and found after a restart), `.name.mp4.part-<item>`.
 */
export function partPathFor(target: string, itemId: number, tag?: string): string {
  return withSuffix(dirname(target), basename(target), `.part-${itemId}${tag ? `-${tag}` : ''}`, '.');
}

export function isPartFileName(name: string): boolean {
  return /^\..+\.part-\d+(-[0-9a-f]+)?$/.test(name);
}

/** `dir/.<name><suffix>` within the 255-byte segment limit (the name shortened as needed). */
export function hiddenPathBeside(path: string, suffix: string): string {
  return withSuffix(dirname(path), basename(path), suffix, '.');
}

/** `dir/<stem><extension>` within the 255-byte segment limit (the stem shortened as needed). */
export function withExtension(dir: string, stem: string, extension: string): string {
  return withSuffix(dir, stem, extension);
}

/** Whether anything has that name, a link included (a dangling link is a name taken too). */
function nameTaken(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** "name.mp4", else "name (2).mp4", "name (3).mp4" ... whichever does not exist yet. */
export function freeName(target: string, taken: (path: string) => boolean = nameTaken): string {
  if (!taken(target)) return target;
  const extension = extname(target);
  const stem = basename(target, extension);
  for (let n = 2; ; n++) {
    const candidate = withSuffix(dirname(target), stem, ` (${n})${extension}`);
    if (!taken(candidate)) return candidate;
  }
}

/**
 * Puts the finished temporary file at `finalPath` without overwriting anything: a hard link
 * fails if the name exists (atomic), then the temporary name is removed. File systems without
 * hard links (FAT, some network shares) fall back to a checked rename.
 */
export async function placeFile(
  partPath: string,
  finalPath: string,
  fileOps: FileOps = nodeFileOps,
): Promise<'placed' | 'exists'> {
  try {
    await fileOps.link(partPath, finalPath);
    return 'placed';
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'EEXIST') return 'exists';
    if (code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EXDEV' && code !== 'ENOSYS') throw error;
  }
  // lstat, not exists: a dangling link of that name is a name taken, never written through.
  if (
    await lstat(finalPath).then(
      () => true,
      () => false,
    )
  )
    return 'exists';
  await fileOps.rename(partPath, finalPath);
  return 'placed';
}

export async function removeIfExists(path: string): Promise<void> {
  try {
    await unlink(path);
  } catch (error) {
    if ((error as { code?: string }).code !== 'ENOENT') throw error;
  }
}

/** Makes a rename or link durable: the directory entry itself is fsync'd where the OS allows it. */
export async function syncDirectory(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  let handle: WritableFile | null = null;
  try {
    handle = await openForWriting(dir, 'r');
    await handle.sync();
  } catch {
    // Some file systems refuse to fsync a directory; the file's own fsync already happened.
  } finally {
    await handle?.close();
  }
}

export interface PartInfo {
  bytes: number;
  sha256: string;
  /** Starts with an ISO-BMFF `ftyp` box, as every mp4 does. */
  isMp4: boolean;
}

export async function inspectFile(path: string): Promise<PartInfo> {
  const hash = createHash('sha256');
  let bytes = 0;
  let head = Buffer.alloc(0);
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    if (head.length < 12) head = Buffer.concat([head, chunk.subarray(0, 12 - head.length)]);
    hash.update(chunk);
    bytes += chunk.length;
  }
  return { bytes, sha256: hash.digest('hex'), isMp4: isMp4Head(head) };
}

/** Starts with an ISO-BMFF `ftyp` box, as every mp4 does. */
export function isMp4Head(head: Buffer): boolean {
  return head.length >= 8 && head.toString('latin1', 4, 8) === 'ftyp';
}

export function describeError(error: unknown): string {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    current = (current as { cause?: unknown }).cause;
  }
  const message = error instanceof Error ? error.message : String(error);
  // Node's own messages already begin with their code ("ETIMEDOUT: connection timed out"):
  // said once, not twice.
  return codes.length && !message.startsWith(codes[0]!) ? `${codes[0]}: ${message}` : message;
}
