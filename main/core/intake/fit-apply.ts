// Applies a planned fit (fit.ts) to an image's bytes with sharp: the exact bytes sent for a
// cropped, padded or upscaled image. Deterministic, so a retried submit sends the same picture.
import sharp from 'sharp';
import type { FitSpec } from './fit';
import { MAX_PIXELS } from './limits';

/**
 * The image as it will be sent: exactly `spec.width` x `spec.height`, JPEG. Crop: scaled to cover
 * the frame and cut around the centre. Pad: scaled to fit inside, over a blurred, slightly darker
 * copy of itself that covers the frame. Lanczos (sharp's lanczos3) for every resize. EXIF
 * rotation is applied first; transparency is flattened onto white.
 */
export async function applyFit(
  input: Buffer | { data: Buffer; width: number; height: number },
  spec: FitSpec,
): Promise<Buffer> {
  const open = () =>
    Buffer.isBuffer(input)
      ? sharp(input, { limitInputPixels: MAX_PIXELS, failOn: 'truncated' }).rotate()
      : sharp(input.data, { raw: { width: input.width, height: input.height, channels: 3 } });
  const { width, height } = spec;
  if (spec.mode === 'crop')
    return open()
      .resize(width, height, { fit: 'cover', position: 'centre', kernel: 'lanczos3' })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 90, chromaSubsampling: '4:2:0' })
      .toBuffer();
  const sigma = Math.max(4, Math.round(Math.min(width, height) / 25));
  const background = await open()
    .resize(width, height, { fit: 'cover', position: 'centre', kernel: 'lanczos3' })
    .flatten({ background: '#ffffff' })
    .blur(sigma)
    .modulate({ brightness: 0.85 })
    .png()
    .toBuffer();
  const foreground = await open()
    .resize(width, height, { fit: 'inside', kernel: 'lanczos3' })
    .flatten({ background: '#ffffff' })
    .png()
    .toBuffer();
  return sharp(background)
    .composite([{ input: foreground, gravity: 'centre' }])
    .jpeg({ quality: 90, chromaSubsampling: '4:2:0' })
    .toBuffer();
}
