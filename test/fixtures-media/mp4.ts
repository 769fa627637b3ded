/**
 * Tiny but structurally real MP4 files for tests: ftyp, moov (mvhd, one H.264 video track
 * and optionally one AAC audio track with full sample tables) and an mdat. The sample
 * tables describe `seconds × fps` frames of `frameBytes` each, so duration, frame rate and
 * bitrate read back exactly; the mdat itself is only a few bytes (no decoder ever reads it).
 */

export interface Mp4Spec {
  seconds: number;
  width: number;
  height: number;
  fps?: number;
  /** Bytes per video frame (sets the video bitrate: frameBytes × 8 × fps). */
  frameBytes?: number;
  /** 'avc1' (H.264) or 'hvc1' (H.265). */
  videoCodec?: 'avc1' | 'hvc1';
  /** Audio track sample rate; no audio track when omitted. */
  audioSampleRate?: 48000 | 44100;
  /** Bytes per 1024-sample AAC frame. */
  audioFrameBytes?: number;
  /** Major brand of the ftyp box. */
  brand?: string;
}

const u8 = (n: number) => Buffer.from([n & 0xff]);
const u16 = (n: number) => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const zeros = (n: number) => Buffer.alloc(n);
const ascii = (s: string) => Buffer.from(s, 'latin1');

function box(type: string, ...payload: Buffer[]): Buffer {
  const body = Buffer.concat(payload);
  return Buffer.concat([u32(8 + body.length), ascii(type), body]);
}
const fullBox = (type: string, version: number, flags: number, ...payload: Buffer[]) =>
  box(type, u8(version), u8(flags >> 16), u16(flags & 0xffff), ...payload);

const MATRIX = Buffer.concat([u32(0x00010000), u32(0), u32(0), u32(0), u32(0x00010000), u32(0), u32(0), u32(0), u32(0x40000000)]);

function mvhd(timescale: number, duration: number): Buffer {
  return fullBox(
    'mvhd',
    0,
    0,
    u32(0),
    u32(0),
    u32(timescale),
    u32(duration),
    u32(0x00010000),
    u16(0x0100),
    zeros(10),
    MATRIX,
    zeros(24),
    u32(3),
  );
}

function tkhd(id: number, duration: number, width: number, height: number, audio: boolean): Buffer {
  return fullBox(
    'tkhd',
    0,
    3,
    u32(0),
    u32(0),
    u32(id),
    zeros(4),
    u32(duration),
    zeros(8),
    u16(0),
    u16(0),
    u16(audio ? 0x0100 : 0),
    zeros(2),
    MATRIX,
    u32(width * 65536),
    u32(height * 65536),
  );
}

const mdhd = (timescale: number, duration: number) =>
  fullBox('mdhd', 0, 0, u32(0), u32(0), u32(timescale), u32(duration), u16(0x55c4), u16(0));
const hdlr = (type: string, name: string) => fullBox('hdlr', 0, 0, u32(0), ascii(type), zeros(12), ascii(`${name}\0`));
const dinf = () => box('dinf', fullBox('dref', 0, 0, u32(1), fullBox('url ', 0, 1)));

function stbl(sampleEntry: Buffer, samples: number, delta: number, sampleBytes: number, chunkOffset: number): Buffer {
  return box(
    'stbl',
    fullBox('stsd', 0, 0, u32(1), sampleEntry),
    fullBox('stts', 0, 0, u32(1), u32(samples), u32(delta)),
    fullBox('stsc', 0, 0, u32(1), u32(1), u32(samples), u32(1)),
    fullBox('stsz', 0, 0, u32(sampleBytes), u32(samples)),
    fullBox('stco', 0, 0, u32(1), u32(chunkOffset)),
  );
}

function visualEntry(codec: 'avc1' | 'hvc1', width: number, height: number): Buffer {
  const head = Buffer.concat([
    zeros(6),
    u16(1),
    zeros(16),
    u16(width),
    u16(height),
    u32(0x00480000),
    u32(0x00480000),
    zeros(4),
    u16(1),
    zeros(32),
    u16(0x0018),
    u16(0xffff),
  ]);
  if (codec === 'avc1') {
    // High profile, level 4.0, one SPS and one PPS (content irrelevant for probing).
    const sps = Buffer.from([0x67, 0x64, 0x00, 0x28, 0xac]);
    const pps = Buffer.from([0x68, 0xee, 0x3c, 0x80]);
    const avcC = box(
      'avcC',
      Buffer.from([1, 0x64, 0x00, 0x28, 0xff, 0xe1]),
      u16(sps.length),
      sps,
      u8(1),
      u16(pps.length),
      pps,
      Buffer.from([0xfd, 0xf8, 0xf8, 0]),
    );
    return box('avc1', head, avcC);
  }
  // HEVCDecoderConfigurationRecord, Main profile, no parameter-set arrays.
  const hvcC = box(
    'hvcC',
    Buffer.from([1, 0x01, 0x60, 0, 0, 0, 0x90, 0, 0, 0, 0, 0, 0x5d, 0xf0, 0, 0xfc, 0xfd, 0xf8, 0xf8, 0, 0, 0x0f, 0]),
  );
  return box('hvc1', head, hvcC);
}

/** AAC-LC, stereo: ES descriptor with a 2-byte AudioSpecificConfig. */
function mp4aEntry(sampleRate: number): Buffer {
  const frequencyIndex = sampleRate === 48000 ? 3 : 4;
  const asc = Buffer.from([(2 << 3) | (frequencyIndex >> 1), ((frequencyIndex & 1) << 7) | (2 << 3)]);
  const descriptor = (tag: number, ...body: Buffer[]) => {
    const b = Buffer.concat(body);
    return Buffer.concat([u8(tag), u8(b.length), b]);
  };
  const decoderSpecific = descriptor(0x05, asc);
  const decoderConfig = descriptor(0x04, u8(0x40), u8(0x15), zeros(3), u32(128000), u32(128000), decoderSpecific);
  const es = descriptor(0x03, u16(1), u8(0), decoderConfig, descriptor(0x06, u8(0x02)));
  const esds = fullBox('esds', 0, 0, es);
  return box('mp4a', zeros(6), u16(1), zeros(8), u16(2), u16(16), zeros(4), u32(sampleRate * 65536), esds);
}

export function makeMp4(spec: Mp4Spec): Buffer {
  const fps = spec.fps ?? 25;
  const movieTimescale = 1000;
  const videoTimescale = fps * 100;
  const frames = Math.round(spec.seconds * fps);
  const ftyp = box('ftyp', ascii(spec.brand ?? 'isom'), u32(512), ascii('isomiso2avc1mp41'));
  const videoTrak = box(
    'trak',
    tkhd(1, spec.seconds * movieTimescale, spec.width, spec.height, false),
    box(
      'mdia',
      mdhd(videoTimescale, frames * 100),
      hdlr('vide', 'VideoHandler'),
      box(
        'minf',
        fullBox('vmhd', 0, 1, zeros(8)),
        dinf(),
        stbl(visualEntry(spec.videoCodec ?? 'avc1', spec.width, spec.height), frames, 100, spec.frameBytes ?? 1000, 0),
      ),
    ),
  );
  const traks = [videoTrak];
  if (spec.audioSampleRate) {
    const rate = spec.audioSampleRate;
    const aacFrames = Math.round((spec.seconds * rate) / 1024);
    traks.push(
      box(
        'trak',
        tkhd(2, spec.seconds * movieTimescale, 0, 0, true),
        box(
          'mdia',
          mdhd(rate, aacFrames * 1024),
          hdlr('soun', 'SoundHandler'),
          box('minf', fullBox('smhd', 0, 0, zeros(4)), dinf(), stbl(mp4aEntry(rate), aacFrames, 1024, spec.audioFrameBytes ?? 384, 0)),
        ),
      ),
    );
  }
  const moov = box('moov', mvhd(movieTimescale, spec.seconds * movieTimescale), ...traks);
  return Buffer.concat([ftyp, moov, box('mdat', zeros(16))]);
}
