// The sha256 of a file, read as a stream: never the whole file in memory, whatever its size.
// Used where a file is hashed on its own (a thumbnail's cache key, a sidecar's image hashes);
// the scan hashes as it reads and the download as it writes, without a second pass.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** sha256 hex of the file at `path`; rejects as the read does (missing, unreadable, aborted). */
export async function hashFile(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  const stream = createReadStream(path, { highWaterMark: 1024 * 1024, signal });
  for await (const chunk of stream) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
