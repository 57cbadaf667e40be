// The BMP header as the probe (dimensions, for the checks) and the decoder (pixels, for resizing)
// read it: one reader, so they cannot disagree about an image's size or row order.
import { describe, expect, it } from 'vitest';
import { bmpLayout, decodeBmp } from '../../../../main/core/intake/bmp';
import { bufferByteSource, probeImage } from '../../../../main/core/intake/probe';

/**
 * An OS/2 1.x BMP (12-byte BITMAPCOREHEADER), 24-bit. Its width and height are unsigned 16-bit
 * and its rows always bottom-up, so a height over 32767 must not read as negative (top-down).
 * Stored row r (bottom first) is filled with the byte r % 256, so the decoded order shows.
 */
function os2Bmp(width: number, height: number): Buffer {
  const rowBytes = Math.floor((24 * width + 31) / 32) * 4;
  const dataOffset = 14 + 12;
  const file = Buffer.alloc(dataOffset + rowBytes * height);
  file.write('BM', 0, 'latin1');
  file.writeUInt32LE(file.length, 2);
  file.writeUInt32LE(dataOffset, 10);
  file.writeUInt32LE(12, 14);
  file.writeUInt16LE(width, 18);
  file.writeUInt16LE(height, 20);
  file.writeUInt16LE(1, 22); // planes
  file.writeUInt16LE(24, 24);
  for (let r = 0; r < height; r++)
    file.fill(r % 256, dataOffset + r * rowBytes, dataOffset + r * rowBytes + width * 3);
  return file;
}

describe('BMP header', () => {
  it('an OS/2 BMP taller than 32767 px: probe and decoder agree on its height, bottom-up', async () => {
    const file = os2Bmp(2, 40_000);
    expect(await probeImage(bufferByteSource(file))).toMatchObject({
      ok: true,
      format: 'bmp',
      width: 2,
      height: 40_000,
    });
    expect(bmpLayout(file)).toMatchObject({ width: 2, height: 40_000, topDown: false });
    const decoded = decodeBmp(file);
    expect([decoded.width, decoded.height]).toEqual([2, 40_000]);
    // The top row of the picture is the last row stored.
    expect(decoded.data[0]).toBe((40_000 - 1) % 256);
    expect(decoded.data[decoded.data.length - 1]).toBe(0);
  });
});
