// Files opened through their descriptor (the fs callback API under promises), for the intake's
// reads and a download's writes: both open, use and close a file per image or video, and a
// FileHandle (an object with its own close promise and GC finaliser) cost that about twice the
// CPU per file.
import * as fs from 'node:fs';
import { promisify } from 'node:util';

const openFd = promisify(fs.open);
const fstat = promisify(fs.fstat);
const readFd = promisify(fs.read);
const closeFd = promisify(fs.close);
const writeFd = promisify(fs.write);
const fsyncFd = promisify(fs.fsync);

/** The part of FileHandle the intake uses (so either can be read through it). */
export interface ReadableFile {
  stat(): Promise<fs.Stats>;
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
  close(): Promise<void>;
}

export async function openForReading(path: string): Promise<ReadableFile> {
  const fd = await openFd(path, 'r');
  return {
    stat: () => fstat(fd),
    read: (buffer, offset, length, position) => readFd(fd, buffer, offset, length, position),
    close: () => closeFd(fd),
  };
}

/** An open file as a download writes it: what it uses of a FileHandle (which also fits). */
export interface WritableFile {
  write(buffer: Uint8Array, offset?: number, length?: number): Promise<{ bytesWritten: number }>;
  sync(): Promise<void>;
  close(): Promise<void>;
}

/** Never through a symbolic link (a link planted in a shared folder must not redirect a write). */
const NO_FOLLOW = fs.constants.O_NOFOLLOW ?? 0;

/**
 * How a file is opened for writing. `create`: a new file, failing if anything (a file, a
 * link) has that name. `append`: an existing file, written at its end. `w`: create or
 * truncate. `r`: read-only (to fsync a directory). None of them follows a symbolic link.
 */
export type WriteMode = 'r' | 'w' | 'a' | 'create' | 'append';

const WRITE_FLAGS: Record<WriteMode, number> = {
  r: fs.constants.O_RDONLY,
  w: fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | NO_FOLLOW,
  a: fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_APPEND | NO_FOLLOW,
  create: fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | NO_FOLLOW,
  append: fs.constants.O_WRONLY | fs.constants.O_APPEND | NO_FOLLOW,
};

export async function openForWriting(path: string, mode: WriteMode): Promise<WritableFile> {
  const fd = await openFd(path, WRITE_FLAGS[mode], 0o644);
  return {
    write: (buffer, offset = 0, length = buffer.length - offset) => writeFd(fd, buffer, offset, length, null),
    sync: () => fsyncFd(fd),
    close: () => closeFd(fd),
  };
}

/**
 * A whole small file, or its size when it holds more than `max` bytes: a caption or a
 * prompts.csv of gigabytes is refused by its size, never read into memory first (a file that
 * grows while it is read is cut at `max` + 1 bytes and refused the same way).
 */
export async function readUpTo(path: string, max: number): Promise<{ bytes: Buffer } | { tooLarge: number }> {
  const file = await openForReading(path);
  try {
    const size = (await file.stat()).size;
    if (size > max) return { tooLarge: size };
    const buffer = Buffer.alloc(max + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await file.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > max) return { tooLarge: length };
    }
    return { bytes: buffer.subarray(0, length) };
  } finally {
    await file.close();
  }
}
