import fsp from 'node:fs/promises';
import { createFile, type ISOFile, MP4BoxBuffer } from 'mp4box';
import type { VideoInfo } from '../eligibility/video.ts';

/** Reading video headers from stored files: the edge that feeds the pure video checks in eligibility/video.ts. */

/** Thrown (with a Chinese reason) when a file is not a readable MP4. */
class VideoProblem extends Error {}

type ReadAt = (offset: number, length: number) => Promise<Buffer>;

/** Largest moov box read into memory; real ones are a few MB even for an hour of video. */
const MAX_MOOV_BYTES = 64 * 1024 * 1024;

/**
 * The ftyp and moov boxes of an ISO-BMFF file, found by walking the top-level boxes, so a
 * 500 MB video costs a few reads of its headers instead of reading its media data.
 */
async function headerBoxes(readAt: ReadAt, size: number): Promise<Buffer> {
  const kept: Buffer[] = [];
  let sawFtyp = false;
  let sawMoov = false;
  for (let offset = 0, boxes = 0; offset + 8 <= size && !(sawFtyp && sawMoov) && boxes < 10_000; boxes++) {
    const head = await readAt(offset, Math.min(16, size - offset));
    let boxSize = head.readUInt32BE(0);
    const type = head.toString('latin1', 4, 8);
    if (boxSize === 1) {
      if (head.length < 16) break;
      boxSize = Number(head.readBigUInt64BE(8));
    } else if (boxSize === 0) boxSize = size - offset;
    if (boxSize < 8 || !/^[\x20-\x7e]{4}$/.test(type)) {
      if (boxes === 0) throw new VideoProblem('不是 MP4 文件（无法识别文件结构）');
      break;
    }
    if (boxes === 0 && !['ftyp', 'free', 'skip', 'wide', 'moov', 'mdat', 'pnot'].includes(type))
      throw new VideoProblem('不是 MP4 文件（无法识别文件结构）');
    if (type === 'ftyp' || type === 'moov') {
      if (boxSize > MAX_MOOV_BYTES) throw new VideoProblem(`视频头信息过大（${type}）`);
      kept.push(await readAt(offset, Math.min(boxSize, size - offset)));
      sawFtyp ||= type === 'ftyp';
      sawMoov ||= type === 'moov';
    }
    offset += boxSize;
  }
  if (!sawMoov) throw new VideoProblem('缺少视频头信息（moov），文件不完整或录制未正常结束');
  return Buffer.concat(kept);
}

const VIDEO_CODECS: Record<string, string> = {
  avc1: 'h264',
  avc3: 'h264',
  hvc1: 'h265',
  hev1: 'h265',
  av01: 'av1',
  vp09: 'vp9',
  mp4v: 'mpeg4',
};
const AUDIO_CODECS: Record<string, string> = {
  'mp4a.40': 'aac',
  'mp4a.67': 'aac',
  'mp4a.69': 'mp3',
  'mp4a.6b': 'mp3',
  'ac-3': 'ac3',
  'ec-3': 'eac3',
  opus: 'opus',
};

const videoCodecOf = (codec: string) => VIDEO_CODECS[codec.split('.')[0].toLowerCase()] ?? codec.split('.')[0].toLowerCase();
function audioCodecOf(codec: string): string {
  const lower = codec.toLowerCase();
  const key = Object.keys(AUDIO_CODECS).find((k) => lower === k || lower.startsWith(`${k}.`));
  return key ? AUDIO_CODECS[key] : lower.split('.')[0];
}

type MoovBox = ISOFile['moov'];
type TrakBox = MoovBox['traks'][number];

interface TrackFacts {
  handler: string;
  codec: string;
  width: number;
  height: number;
  sampleRate: number | null;
  frames: number;
  seconds: number;
  bytes: number;
}

/**
 * What one track's boxes say. Read from the parsed box tree rather than mp4box's sample
 * lists, which it would build one object per frame (slow for a 45-minute lesson).
 */
function trackFacts(trak: TrakBox): TrackFacts {
  const stbl = trak.mdia.minf.stbl;
  const entry = stbl.stsd.entries[0];
  const counts = stbl.stts?.sample_counts ?? [];
  const frames = counts.reduce((sum, n) => sum + n, 0);
  const ticks = counts.reduce((sum, n, i) => sum + n * stbl.stts.sample_deltas[i], 0);
  const sizes = stbl.stsz ?? stbl.stz2;
  const bytes = stbl.stsz?.sample_size
    ? stbl.stsz.sample_size * stbl.stsz.sample_count
    : (sizes?.sample_sizes ?? []).reduce((sum, n) => sum + n, 0);
  return {
    handler: trak.mdia.hdlr.handler,
    codec: entry?.getCodec() ?? '',
    width: trak.tkhd.width / 65536 || (entry?.isVideo() ? entry.getWidth() : 0),
    height: trak.tkhd.height / 65536 || (entry?.isVideo() ? entry.getHeight() : 0),
    sampleRate: entry?.isAudio() ? entry.getSampleRate() : null,
    frames,
    seconds: trak.mdia.mdhd.timescale ? ticks / trak.mdia.mdhd.timescale : 0,
    bytes,
  };
}

function movieInfo(moov: MoovBox, brand: string | undefined): VideoInfo {
  const tracks = moov.traks.map(trackFacts);
  const video = tracks.find((t) => t.handler === 'vide');
  const audio = tracks.find((t) => t.handler === 'soun');
  const { duration, timescale } = moov.mvhd;
  const fragmented = moov.mvex?.mehd?.fragment_duration;
  const durationSec =
    duration && timescale
      ? duration / timescale
      : fragmented && timescale
        ? fragmented / timescale
        : Math.max(0, ...tracks.map((t) => t.seconds));
  const kbps = (t: TrackFacts | undefined) => (t && t.seconds > 0 && t.bytes > 0 ? (t.bytes * 8) / t.seconds / 1000 : null);
  return {
    container: brand?.trim() === 'qt' ? 'mov' : 'mp4',
    durationSec,
    width: video?.width ?? 0,
    height: video?.height ?? 0,
    videoCodec: video ? videoCodecOf(video.codec) : null,
    audioCodec: audio ? audioCodecOf(audio.codec) : null,
    frameRate: video && video.seconds > 0 ? video.frames / video.seconds : null,
    videoBitrateKbps: kbps(video),
    audioBitrateKbps: kbps(audio),
    audioSampleRateHz: audio?.sampleRate ?? null,
  };
}

/** Reads duration, picture size and codecs from an MP4 file on disk (or its bytes) with mp4box's box parser, no external program. */
export async function probeMp4(source: string | Buffer): Promise<VideoInfo> {
  let header: Buffer;
  if (typeof source === 'string') {
    const handle = await fsp.open(source, 'r');
    try {
      const { size } = await handle.stat();
      header = await headerBoxes(async (offset, length) => {
        const buf = Buffer.alloc(length);
        const { bytesRead } = await handle.read(buf, 0, length, offset);
        return buf.subarray(0, bytesRead);
      }, size);
    } finally {
      await handle.close();
    }
  } else {
    header = await headerBoxes(async (offset, length) => source.subarray(offset, offset + length), source.length);
  }
  const file = createFile();
  try {
    const copy = header.buffer.slice(header.byteOffset, header.byteOffset + header.length);
    if (file.checkBuffer(MP4BoxBuffer.fromArrayBuffer(copy, 0))) file.parse();
    if (!file.moov?.mvhd) throw new VideoProblem('无法解析视频头信息（moov）');
    return movieInfo(file.moov, file.ftyp?.major_brand);
  } catch (err) {
    if (err instanceof VideoProblem) throw err;
    throw new VideoProblem(`无法解析视频头信息（${(err as Error).message}）`);
  }
}
