// A real, playable mp4 from raw frames, in plain TypeScript: H.264 Constrained Baseline where
// every macroblock is I_PCM (its samples stored as they are, no transform, no prediction), in an
// ISO BMFF file with the index first. Every decoder reads I_PCM (it is part of every profile),
// so no codec library or ffmpeg is needed; the price is size (about 1.5 bytes a pixel a frame),
// fine for the simulator's short, small clips. Written from ITU-T H.264 (7.3: SPS, PPS, slice
// header, macroblock layer) and ISO/IEC 14496-12/-15 (the boxes, avcC).

/** One frame in YUV 4:2:0 (BT.601, limited range), `width` x `height`, both even. */
export interface Yuv420Frame {
  y: Uint8Array;
  u: Uint8Array;
  v: Uint8Array;
}

export interface Mp4Options {
  width: number;
  height: number;
  fps: number;
}

/** Writes bits most significant first; the Exp-Golomb codes of 9.1. */
class BitWriter {
  private readonly bytes: number[] = [];
  private current = 0;
  private count = 0;

  bits(value: number, n: number): this {
    for (let i = n - 1; i >= 0; i--) this.bit((value >>> i) & 1);
    return this;
  }

  bit(value: number): this {
    this.current = (this.current << 1) | value;
    if (++this.count === 8) {
      this.bytes.push(this.current);
      this.current = 0;
      this.count = 0;
    }
    return this;
  }

  /** ue(v): unsigned Exp-Golomb. */
  ue(value: number): this {
    const code = value + 1;
    const length = 32 - Math.clz32(code);
    return this.bits(0, length - 1).bits(code, length);
  }

  /** se(v): signed Exp-Golomb. */
  se(value: number): this {
    return this.ue(value <= 0 ? -2 * value : 2 * value - 1);
  }

  /** Zero bits up to the next byte boundary (pcm_alignment_zero_bit). */
  align(): this {
    while (this.count !== 0) this.bit(0);
    return this;
  }

  /** Whole bytes; the writer must be byte-aligned. */
  raw(data: Uint8Array): this {
    for (const byte of data) this.bytes.push(byte);
    return this;
  }

  /** rbsp_trailing_bits: a one, then zeros to the byte boundary. */
  trailing(): Uint8Array {
    this.bit(1).align();
    return Uint8Array.from(this.bytes);
  }
}

/** A NAL unit: its header byte, then the RBSP with emulation prevention (7.4.1). */
function nal(refIdc: number, type: number, rbsp: Uint8Array): Buffer {
  const out: number[] = [(refIdc << 5) | type];
  let zeros = 0;
  for (const byte of rbsp) {
    if (zeros >= 2 && byte <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(byte);
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return Buffer.from(out);
}

const PROFILE_BASELINE = 66;
/** constraint_set0 and constraint_set1: Constrained Baseline, which every decoder takes. */
const CONSTRAINTS = 0xc0;
/** Level 3.0: up to 1,620 macroblocks a frame, well above these clips. */
const LEVEL = 30;
const MB_TYPE_I_PCM = 25;

function sps(mbWidth: number, mbHeight: number, cropRight: number, cropBottom: number): Buffer {
  const w = new BitWriter()
    .bits(PROFILE_BASELINE, 8)
    .bits(CONSTRAINTS, 8)
    .bits(LEVEL, 8)
    .ue(0) // seq_parameter_set_id
    .ue(0) // log2_max_frame_num_minus4
    .ue(2) // pic_order_cnt_type 2: output order is decoding order
    .ue(1) // max_num_ref_frames
    .bit(0) // gaps_in_frame_num_value_allowed_flag
    .ue(mbWidth - 1)
    .ue(mbHeight - 1)
    .bit(1) // frame_mbs_only_flag
    .bit(1); // direct_8x8_inference_flag
  const crop = cropRight > 0 || cropBottom > 0;
  w.bit(crop ? 1 : 0);
  // In 4:2:0 the offsets count pairs of samples.
  if (crop)
    w.ue(0)
      .ue(cropRight / 2)
      .ue(0)
      .ue(cropBottom / 2);
  w.bit(0); // vui_parameters_present_flag
  return nal(3, 7, w.trailing());
}

function pps(): Buffer {
  const w = new BitWriter()
    .ue(0) // pic_parameter_set_id
    .ue(0) // seq_parameter_set_id
    .bit(0) // entropy_coding_mode_flag: CAVLC
    .bit(0) // bottom_field_pic_order_in_frame_present_flag
    .ue(0) // num_slice_groups_minus1
    .ue(0) // num_ref_idx_l0_default_active_minus1
    .ue(0) // num_ref_idx_l1_default_active_minus1
    .bit(0) // weighted_pred_flag
    .bits(0, 2) // weighted_bipred_idc
    .se(0) // pic_init_qp_minus26
    .se(0) // pic_init_qs_minus26
    .se(0) // chroma_qp_index_offset
    .bit(0) // deblocking_filter_control_present_flag
    .bit(0) // constrained_intra_pred_flag
    .bit(0); // redundant_pic_cnt_present_flag
  return nal(3, 8, w.trailing());
}

/** One IDR picture, one slice, every macroblock I_PCM. `frame` is padded to whole macroblocks. */
function idrSlice(frame: Yuv420Frame, mbWidth: number, mbHeight: number, idrPicId: number): Buffer {
  const stride = mbWidth * 16;
  const w = new BitWriter()
    .ue(0) // first_mb_in_slice
    .ue(7) // slice_type: I, and every slice of the picture is I
    .ue(0) // pic_parameter_set_id
    .bits(0, 4) // frame_num (log2_max_frame_num = 4)
    .ue(idrPicId)
    .bit(0) // no_output_of_prior_pics_flag
    .bit(0) // long_term_reference_flag
    .se(0); // slice_qp_delta
  const luma = new Uint8Array(256);
  const cb = new Uint8Array(64);
  const cr = new Uint8Array(64);
  for (let my = 0; my < mbHeight; my++) {
    for (let mx = 0; mx < mbWidth; mx++) {
      for (let row = 0; row < 16; row++)
        luma.set(
          frame.y.subarray((my * 16 + row) * stride + mx * 16, (my * 16 + row) * stride + mx * 16 + 16),
          row * 16,
        );
      for (let row = 0; row < 8; row++) {
        const at = (my * 8 + row) * (stride / 2) + mx * 8;
        cb.set(frame.u.subarray(at, at + 8), row * 8);
        cr.set(frame.v.subarray(at, at + 8), row * 8);
      }
      w.ue(MB_TYPE_I_PCM).align().raw(luma).raw(cb).raw(cr);
    }
  }
  return nal(3, 5, w.trailing());
}

/** A box: 32-bit size, four-character type, then its body. */
function box(type: string, ...body: Buffer[]): Buffer {
  const content = Buffer.concat(body);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(8 + content.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, content]);
}

/** A full box: a box whose body starts with a version byte and 24 bits of flags. */
function fullBox(type: string, version: number, flags: number, ...body: Buffer[]): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt32BE(((version & 0xff) << 24) | (flags & 0xffffff), 0);
  return box(type, head, ...body);
}

const u32 = (...values: number[]) => {
  const b = Buffer.alloc(4 * values.length);
  values.forEach((v, i) => b.writeUInt32BE(v >>> 0, i * 4));
  return b;
};
const u16 = (...values: number[]) => {
  const b = Buffer.alloc(2 * values.length);
  values.forEach((v, i) => b.writeUInt16BE(v & 0xffff, i * 2));
  return b;
};
/** The identity transform of mvhd and tkhd. */
const MATRIX = u32(0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000);

function moov(options: Mp4Options, samples: readonly number[], sps: Buffer, pps: Buffer, dataOffset: number) {
  const timescale = 1000;
  const delta = Math.round(timescale / options.fps);
  const duration = delta * samples.length;
  const { width, height } = options;
  const avcC = box(
    'avcC',
    Buffer.from([1, PROFILE_BASELINE, CONSTRAINTS, LEVEL, 0xff, 0xe1]),
    u16(sps.length),
    sps,
    Buffer.from([1]),
    u16(pps.length),
    pps,
  );
  const avc1 = box(
    'avc1',
    Buffer.alloc(6), // reserved
    u16(1), // data_reference_index
    Buffer.alloc(16), // pre_defined, reserved
    u16(width, height),
    u32(0x480000, 0x480000, 0), // 72 dpi, reserved
    u16(1), // frame_count
    Buffer.alloc(32), // compressorname
    u16(0x18, 0xffff), // depth, pre_defined
    avcC,
  );
  const stbl = box(
    'stbl',
    fullBox('stsd', 0, 0, u32(1), avc1),
    fullBox('stts', 0, 0, u32(1, samples.length, delta)),
    fullBox('stsc', 0, 0, u32(1, 1, samples.length, 1)),
    fullBox('stsz', 0, 0, u32(0, samples.length, ...samples)),
    fullBox('stco', 0, 0, u32(1, dataOffset)),
  );
  const minf = box(
    'minf',
    fullBox('vmhd', 0, 1, Buffer.alloc(8)),
    box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1))),
    stbl,
  );
  const mdia = box(
    'mdia',
    fullBox('mdhd', 0, 0, u32(0, 0, timescale, duration), u16(0x55c4, 0)), // language "und"
    fullBox(
      'hdlr',
      0,
      0,
      u32(0),
      Buffer.from('vide', 'latin1'),
      Buffer.alloc(12),
      Buffer.from('VideoHandler\0', 'latin1'),
    ),
    minf,
  );
  const tkhd = fullBox(
    'tkhd',
    0,
    3, // enabled, in movie
    u32(0, 0, 1, 0, duration, 0, 0),
    u16(0, 0, 0, 0), // layer, alternate_group, volume, reserved
    MATRIX,
    u32(width << 16, height << 16),
  );
  const mvhd = fullBox(
    'mvhd',
    0,
    0,
    u32(0, 0, timescale, duration, 0x10000),
    u16(0x100, 0),
    u32(0, 0),
    MATRIX,
    Buffer.alloc(24),
    u32(2), // next_track_ID
  );
  return box('moov', mvhd, box('trak', tkhd, mdia));
}

/** The frames as an mp4 (index first, so a player starts before the whole file is read). */
export function pcmMp4(frames: readonly Yuv420Frame[], options: Mp4Options): Buffer {
  const { width, height } = options;
  if (width % 2 || height % 2) throw new Error(`frame size must be even, got ${width}x${height}`);
  const mbWidth = Math.ceil(width / 16);
  const mbHeight = Math.ceil(height / 16);
  const spsNal = sps(mbWidth, mbHeight, mbWidth * 16 - width, mbHeight * 16 - height);
  const ppsNal = pps();
  const samples = frames.map((frame, i) => {
    const slice = idrSlice(
      padded(frame, width, height, mbWidth * 16, mbHeight * 16),
      mbWidth,
      mbHeight,
      i % 2,
    );
    return Buffer.concat([u32(slice.length), slice]); // 4-byte lengths (avcC lengthSizeMinusOne = 3)
  });
  const ftyp = box(
    'ftyp',
    Buffer.from('isom', 'latin1'),
    u32(0x200),
    Buffer.from('isomiso2avc1mp41', 'latin1'),
  );
  const sizes = samples.map((s) => s.length);
  // The chunk offset depends on moov's size, which does not depend on the offset's value.
  const size = moov(options, sizes, spsNal, ppsNal, 0).length;
  const header = Buffer.concat([ftyp, moov(options, sizes, spsNal, ppsNal, ftyp.length + size + 8)]);
  return Buffer.concat([header, box('mdat', ...samples)]);
}

/** The frame on a canvas of whole macroblocks, its last column and row repeated into the margin. */
function padded(frame: Yuv420Frame, width: number, height: number, codedWidth: number, codedHeight: number) {
  if (codedWidth === width && codedHeight === height) return frame;
  const plane = (source: Uint8Array, w: number, h: number, cw: number, ch: number) => {
    const out = new Uint8Array(cw * ch);
    for (let y = 0; y < ch; y++) {
      const from = Math.min(y, h - 1) * w;
      out.set(source.subarray(from, from + w), y * cw);
      out.fill(source[from + w - 1]!, y * cw + w, y * cw + cw);
    }
    return out;
  };
  return {
    y: plane(frame.y, width, height, codedWidth, codedHeight),
    u: plane(frame.u, width / 2, height / 2, codedWidth / 2, codedHeight / 2),
    v: plane(frame.v, width / 2, height / 2, codedWidth / 2, codedHeight / 2),
  };
}
