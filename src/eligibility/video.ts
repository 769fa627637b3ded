import type { CategoryRules, Material, VideoLimits } from '../rules/schema.ts';
import { videoLimitsFor } from '../rules/schema.ts';
import type { CheckResult, CheckStatus, EntryFile, Finding } from './types.ts';
import { combine, formatDuration } from './types.ts';

/** What the MP4 headers say about a video. */
export interface VideoInfo {
  /** 'mp4', or 'mov' for QuickTime files (brand `qt  `). */
  container: string;
  durationSec: number;
  width: number;
  height: number;
  /** 'h264', 'h265', 'av1' … or the sample entry's own name; null without a video track. */
  videoCodec: string | null;
  audioCodec: string | null;
  frameRate: number | null;
  videoBitrateKbps: number | null;
  audioBitrateKbps: number | null;
  audioSampleRateHz: number | null;
}

/** Names written in rule sets (H.264, AVC, HEVC, AAC …) in the form videoCodecOf/audioCodecOf give. */
export function normalizeCodec(name: string): string {
  const key = name.toLowerCase().replace(/[\s.\-/]/g, '');
  return ({ avc: 'h264', h264avc: 'h264', hevc: 'h265', h265hevc: 'h265' } as Record<string, string>)[key] ?? key;
}

const VIDEO_EXTS = new Set(['mp4', 'm4v', 'mov', 'avi', 'wmv', 'flv', 'mkv', 'mpg', 'mpeg', '3gp', 'webm', 'rmvb', 'vob']);

/** Formats every current browser plays in a <video> element (MP4/MOV with H.264, WebM). */
const PLAYABLE = new Set(['mp4', 'm4v', 'mov', 'webm']);
export const playsInBrowser = (f: Pick<EntryFile, 'ext'>): boolean => PLAYABLE.has(f.ext.toLowerCase());

/** Whether the rules of videos apply to this file. */
export const isVideoFile = (f: Pick<EntryFile, 'ext'>): boolean => VIDEO_EXTS.has(f.ext.toLowerCase());

type Limits = Omit<VideoLimits, 'recommended'>;

const GROUPS = {
  'video-duration': ['minMinutes', 'maxMinutes', 'maxTotalMinutes'],
  'video-picture': ['resolution', 'aspect', 'frameRate'],
  'video-encoding': ['containers', 'videoCodecs', 'audioCodecs', 'minBitrateKbps', 'audioBitrateKbps', 'audioSampleRateHz'],
} as const satisfies Record<string, (keyof Limits)[]>;
type Group = keyof typeof GROUPS;

const CODEC_NAMES: Record<string, string> = { h264: 'H.264', h265: 'H.265', aac: 'AAC', mp3: 'MP3' };
const showCodec = (c: string | null) => (c ? (CODEC_NAMES[c] ?? c.toUpperCase()) : '无');

function gcd(a: number, b: number): number {
  return b ? gcd(b, a % b) : a;
}
const showAspect = (w: number, h: number) => {
  const g = gcd(w, h) || 1;
  const [a, b] = [w / g, h / g];
  return a > 64 ? `${(w / h).toFixed(2)}:1` : `${a}:${b}`;
};

/** Problems of one video against hard limits (要求) or recommended values (建议). */
function problems(group: Group, info: VideoInfo, l: Limits, hard: boolean): string[] {
  const verb = hard ? '要求' : '建议';
  const out: string[] = [];
  if (group === 'video-duration') {
    const d = formatDuration(info.durationSec);
    if (l.maxMinutes !== undefined && info.durationSec > l.maxMinutes * 60 + 0.5)
      out.push(hard ? `时长 ${d}，超过 ${l.maxMinutes} 分钟的限制` : `时长 ${d}，超过建议的 ${l.maxMinutes} 分钟`);
    if (l.minMinutes !== undefined && info.durationSec < l.minMinutes * 60 - 0.5)
      out.push(hard ? `时长 ${d}，短于 ${l.minMinutes} 分钟的要求` : `时长 ${d}，短于建议的 ${l.minMinutes} 分钟`);
  } else if (group === 'video-picture') {
    const r = l.resolution;
    if (r) {
      const fits =
        r.mode === 'exact' ? info.width === r.width && info.height === r.height : info.width >= r.width && info.height >= r.height;
      if (!fits) out.push(`分辨率 ${info.width}×${info.height}，${verb}${r.mode === 'exact' ? ' ' : '不低于 '}${r.width}×${r.height}`);
    }
    if (l.aspect) {
      const [a, b] = l.aspect.split(':').map(Number);
      if (!info.height || Math.abs(info.width / info.height - a / b) / (a / b) > 0.01)
        out.push(`画面比例 ${info.height ? showAspect(info.width, info.height) : '未知'}，${verb} ${l.aspect}`);
    }
    if (l.frameRate !== undefined && (info.frameRate === null || Math.abs(info.frameRate - l.frameRate) > 0.5))
      out.push(`帧率 ${info.frameRate === null ? '未知' : `${+info.frameRate.toFixed(2)} 帧/秒`}，${verb} ${l.frameRate} 帧/秒`);
  } else {
    if (l.containers?.length && !l.containers.map((c) => c.toLowerCase()).includes(info.container))
      out.push(`格式为 ${info.container.toUpperCase()}，${verb} ${l.containers.map((c) => c.toUpperCase()).join('、')}`);
    if (l.videoCodecs?.length && !l.videoCodecs.map(normalizeCodec).includes(info.videoCodec ?? ''))
      out.push(`视频编码 ${showCodec(info.videoCodec)}，${verb} ${l.videoCodecs.map((c) => showCodec(normalizeCodec(c))).join('、')}`);
    if (l.audioCodecs?.length && !l.audioCodecs.map(normalizeCodec).includes(info.audioCodec ?? '')) {
      const wanted = l.audioCodecs.map((c) => showCodec(normalizeCodec(c))).join('、');
      out.push(info.audioCodec ? `音频编码 ${showCodec(info.audioCodec)}，${verb} ${wanted}` : `没有音轨，${verb} ${wanted} 音频`);
    }
    if (l.minBitrateKbps !== undefined && (info.videoBitrateKbps ?? 0) < l.minBitrateKbps)
      out.push(`视频码率 ${Math.round(info.videoBitrateKbps ?? 0)} kbps，${verb}不低于 ${l.minBitrateKbps} kbps`);
    // Nominal audio bitrates vary a little with VBR encoders.
    if (l.audioBitrateKbps !== undefined && info.audioCodec && (info.audioBitrateKbps ?? 0) < l.audioBitrateKbps * 0.95)
      out.push(`音频码率 ${Math.round(info.audioBitrateKbps ?? 0)} kbps，${verb} ${l.audioBitrateKbps} kbps`);
    if (l.audioSampleRateHz !== undefined && info.audioCodec && info.audioSampleRateHz !== l.audioSampleRateHz)
      out.push(`音频采样率 ${info.audioSampleRateHz ?? '未知'} Hz，${verb} ${l.audioSampleRateHz} Hz`);
  }
  return out;
}

function passSummary(group: Group, info: VideoInfo): string {
  if (group === 'video-duration') return `时长 ${formatDuration(info.durationSec)}`;
  if (group === 'video-picture') {
    const rate = info.frameRate ? `，${+info.frameRate.toFixed(2)} 帧/秒` : '';
    return `${info.width}×${info.height}，${showAspect(info.width, info.height)}${rate}`;
  }
  return `${info.container.toUpperCase()}，视频 ${showCodec(info.videoCodec)}，音频 ${showCodec(info.audioCodec)}`;
}

const asks = (l: Limits | undefined, group: Group) => !!l && GROUPS[group].some((k) => l[k] !== undefined);

/**
 * Duration, picture and encoding of the material's videos against the category's and the
 * material's limits (时长不超过10分钟、1920×1080、16:9、H.264/AAC …); recommended values
 * (建议) give warnings. `infoOf` gives each video's headers, or why they could not be read.
 */
export function checkVideos(
  category: CategoryRules,
  m: Material,
  files: EntryFile[],
  infoOf: (f: EntryFile) => VideoInfo | string | undefined,
): CheckResult[] {
  const limits = videoLimitsFor(category, m);
  const videos = files.filter(isVideoFile);
  if (!limits || videos.length === 0) return [];
  const groups = (Object.keys(GROUPS) as Group[]).filter((g) => asks(limits, g) || asks(limits.recommended, g));
  // An unreadable video fails the encoding check (or the first one asked) and leaves the others to a person.
  const failsUnreadable = groups.includes('video-encoding') ? 'video-encoding' : groups[0];
  return groups.map((group): CheckResult => {
    const findings: Finding[] = [];
    const passes: string[] = [];
    let totalSec = 0;
    for (const f of videos) {
      const info = infoOf(f);
      if (info === undefined || typeof info === 'string') {
        const status: CheckStatus = group === failsUnreadable ? 'fail' : 'warn';
        findings.push({
          status,
          message: `${f.name}：无法读取视频信息（${info ?? '未找到文件'}）${status === 'warn' ? '，请人工核对' : ''}`,
        });
        continue;
      }
      totalSec += info.durationSec;
      const hard = problems(group, info, limits, true);
      const soft = limits.recommended ? problems(group, info, limits.recommended, false) : [];
      if (hard.length) findings.push({ status: 'fail', message: `${f.name}：${hard.join('，')}` });
      if (soft.length) findings.push({ status: 'warn', message: `${f.name}：${soft.join('，')}` });
      if (!hard.length && !soft.length) passes.push(`${f.name}：${passSummary(group, info)}`);
    }
    if (group === 'video-duration' && limits.maxTotalMinutes !== undefined && totalSec > limits.maxTotalMinutes * 60 + 0.5)
      findings.push({
        status: 'fail',
        message: `${videos.length} 个视频共 ${formatDuration(totalSec)}，超过总计 ${limits.maxTotalMinutes} 分钟的限制`,
      });
    return combine(`${group}:${m.kind}`, findings, passes.join('；'));
  });
}

/**
 * What a reviewer or organizer sees beside a playing video when the rule set limits its duration
 * or picture: the measured values and the limits they are held against. Null when the rule set
 * sets neither.
 */
export function videoSummary(
  info: VideoInfo | string | undefined,
  limits: VideoLimits | undefined,
): { measured: string; limits: string } | null {
  if (!limits || !(asks(limits, 'video-duration') || asks(limits, 'video-picture'))) return null;
  const wanted: string[] = [];
  if (limits.minMinutes !== undefined && limits.maxMinutes !== undefined)
    wanted.push(`时长 ${limits.minMinutes}–${limits.maxMinutes} 分钟`);
  else if (limits.maxMinutes !== undefined) wanted.push(`时长不超过 ${limits.maxMinutes} 分钟`);
  else if (limits.minMinutes !== undefined) wanted.push(`时长不少于 ${limits.minMinutes} 分钟`);
  if (limits.maxTotalMinutes !== undefined) wanted.push(`同类视频合计不超过 ${limits.maxTotalMinutes} 分钟`);
  const r = limits.resolution;
  if (r) wanted.push(`分辨率${r.mode === 'exact' ? ' ' : '不低于 '}${r.width}×${r.height}`);
  if (limits.aspect) wanted.push(`画面比例 ${limits.aspect}`);
  if (limits.frameRate !== undefined) wanted.push(`${limits.frameRate} 帧/秒`);
  const measured =
    info === undefined || typeof info === 'string'
      ? `无法读取视频信息（${info ?? '未找到文件'}）`
      : [
          `时长 ${formatDuration(info.durationSec)}`,
          info.width ? `${info.width}×${info.height}` : '',
          info.frameRate ? `${+info.frameRate.toFixed(2)} 帧/秒` : '',
        ]
          .filter(Boolean)
          .join('，');
  return { measured, limits: wanted.join('，') };
}
