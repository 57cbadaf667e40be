// The bytes of one job's output video, produced lazily so that a 256 MB output is never held in
// memory: the embedded sample mp4 (or the job's own clip of its image, motion.ts), then one
// trailing `free` box (ignored by every mp4 reader, so
// the file stays playable) made of zeros and, at its very end, a fixed-length tag carrying the
// request id. The tag makes every job's file different (a test can tell two downloads apart),
// and putting it LAST means all jobs of one size share every byte before it, so their sha256
// is computed once per size and finished per job from a copied hash state.
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';
import { SAMPLE_MP4 } from './sample-video';

/** Length of the per-job tag at the end of the file; request ids are at most 128 characters. */
const TAG_BYTES = 192;
const CHUNK_BYTES = 64 * 1024;
const ZEROS = Buffer.alloc(CHUNK_BYTES);

export interface OutputLayout {
  /** The playable video at the start of the file. */
  base: Buffer;
  /** Total file size in bytes. */
  size: number;
  /** Header of the trailing free box (8 bytes, or 16 with a 64-bit size). */
  freeHeader: Buffer;
  /** Zero bytes between the free header and the tag. */
  zeroBytes: number;
}

/** The layout for a requested size; sizes below the minimum give the minimum. */
export function outputLayout(requestedBytes: number | undefined, base: Buffer = SAMPLE_MP4): OutputLayout {
  const minimum = base.length + 8 + TAG_BYTES;
  let size = Math.max(minimum, Math.floor(requestedBytes ?? 0));
  let freeSize = size - base.length;
  let freeHeader: Buffer;
  if (freeSize <= 0xffffffff) {
    freeHeader = Buffer.alloc(8);
    freeHeader.writeUInt32BE(freeSize, 0);
    freeHeader.write('free', 4, 'latin1');
  } else {
    // ISO BMFF: size 1 means a 64-bit "largesize" follows the type.
    freeSize = Math.max(freeSize, 16 + TAG_BYTES);
    size = base.length + freeSize;
    freeHeader = Buffer.alloc(16);
    freeHeader.writeUInt32BE(1, 0);
    freeHeader.write('free', 4, 'latin1');
    freeHeader.writeBigUInt64BE(BigInt(freeSize), 8);
  }
  return { base, size, freeHeader, zeroBytes: size - base.length - freeHeader.length - TAG_BYTES };
}

function tagFor(requestId: string): Buffer {
  const tag = Buffer.alloc(TAG_BYTES, 0x20);
  tag.write(`\nstillmotion-simulator output; request_id=${requestId}\n`.slice(0, TAG_BYTES), 0, 'latin1');
  return tag;
}

type Segment = { length: number; bytes: Buffer | null }; // null: zeros

function segments(layout: OutputLayout, requestId: string): Segment[] {
  return [
    { length: layout.base.length, bytes: layout.base },
    { length: layout.freeHeader.length, bytes: layout.freeHeader },
    { length: layout.zeroBytes, bytes: null },
    { length: TAG_BYTES, bytes: tagFor(requestId) },
  ];
}

/** Yields the bytes [start, end] (inclusive) of the job's file in chunks of at most 64 KiB. */
export function* outputChunks(
  layout: OutputLayout,
  requestId: string,
  start = 0,
  end = layout.size - 1,
): Generator<Buffer> {
  let offset = 0;
  for (const segment of segments(layout, requestId)) {
    const segStart = offset;
    const segEnd = offset + segment.length; // exclusive
    offset = segEnd;
    if (segEnd <= start || segStart > end) continue;
    let from = Math.max(start, segStart) - segStart;
    const to = Math.min(end + 1, segEnd) - segStart; // exclusive
    while (from < to) {
      const n = Math.min(CHUNK_BYTES, to - from);
      // Fresh buffers: a consumer may hold or mutate a chunk, and the shared ones must not change.
      yield segment.bytes ? Buffer.from(segment.bytes.subarray(from, from + n)) : Buffer.alloc(n);
      from += n;
    }
  }
}

/** The whole file in memory: only for small outputs and tests. */
export function outputBuffer(layout: OutputLayout, requestId: string): Buffer {
  return Buffer.concat([...outputChunks(layout, requestId)]);
}

/**
 * sha256 of each job's exact bytes. The shared prefix (everything but the tag) is hashed once
 * per layout; each job then costs one Hash.copy() and a 192-byte update.
 */
export class OutputHasher {
  private readonly prefixes = new Map<number, Hash>();

  sha256(layout: OutputLayout, requestId: string): string {
    // A job's own clip is hashed whole: it shares no prefix with any other job.
    if (layout.base !== SAMPLE_MP4) {
      const hash = createHash('sha256');
      for (const chunk of outputChunks(layout, requestId)) hash.update(chunk);
      return hash.digest('hex');
    }
    let prefix = this.prefixes.get(layout.size);
    if (!prefix) {
      prefix = createHash('sha256');
      prefix.update(SAMPLE_MP4);
      prefix.update(layout.freeHeader);
      let left = layout.zeroBytes;
      while (left > 0) {
        const n = Math.min(CHUNK_BYTES, left);
        prefix.update(ZEROS.subarray(0, n));
        left -= n;
      }
      this.prefixes.set(layout.size, prefix);
    }
    return prefix.copy().update(tagFor(requestId)).digest('hex');
  }
}
