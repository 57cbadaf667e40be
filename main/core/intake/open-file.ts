// A file opened for reading through its descriptor (the callback API under promises): the
// scan opens, stats, reads and closes every file once, and a FileHandle (an object with its
// own close promise and GC finaliser) cost that about twice the CPU per file.
import * as fs from 'node:fs';
import { promisify } from 'node:util';

const openFd = promisify(fs.open);
const fstat = promisify(fs.fstat);
const readFd = promisify(fs.read);
const closeFd = promisify(fs.close);

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
