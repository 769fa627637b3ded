import type { Db } from '../db/connect.ts';
import type { ContestAwards } from '../awards/contest.ts';
import { contestAwards } from '../awards/store/contest.ts';
import { getSnapshot } from '../awards/store/publication.ts';
import { awardListCsv, awardListWorkbook, type ExportSource } from './award-list.ts';
import { scoreDetailCsv, scoreDetailWorkbook } from './score-details.ts';

export interface ExportOptions {
  /** 'list' = 获奖名单, 'details' = 评分明细. */
  kind: 'list' | 'details';
  format: 'xlsx' | 'csv';
  /** Include 评语 in the score details. */
  comments?: boolean;
  /** A published version, exported exactly as frozen; omitted = the live computation. */
  version?: number;
}

export interface ExportFile {
  /** Suggested file name, in Chinese. */
  fileName: string;
  contentType: string;
  body: Buffer;
}

const CONTENT_TYPES = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
} as const;

/** Characters Windows refuses in file names. */
const safeFileName = (name: string) => name.replace(/[\\/:*?"<>|\r\n]+/g, ' ').trim();

/** The file the CLI writes and the web page sends: award list or score details, live or from a publication. */
export async function exportAwards(db: Db, contestId: number, options: ExportOptions): Promise<ExportFile> {
  let awards: ContestAwards;
  let source: ExportSource | null = null;
  if (options.version === undefined) {
    awards = await contestAwards(db, contestId);
  } else {
    const published = await getSnapshot(db, contestId, options.version);
    if (!published) throw new Error(`竞赛 ${contestId} 没有第 ${options.version} 版公示`);
    if (!published.intact) throw new Error(`第 ${options.version} 版公示的存档与其校验码不符，已拒绝导出`);
    awards = published.snapshot.awards;
    source = { version: published.version, publishedAt: published.publishedAt, sha256: published.sha256 };
  }
  const details = { comments: options.comments ?? false };
  const body =
    options.kind === 'list'
      ? options.format === 'xlsx'
        ? await awardListWorkbook(awards, source)
        : awardListCsv(awards)
      : options.format === 'xlsx'
        ? await scoreDetailWorkbook(awards, details)
        : scoreDetailCsv(awards, details);
  const what = options.kind === 'list' ? '获奖名单' : '评分明细';
  const which = source ? `（第${source.version}版公示）` : '';
  return {
    fileName: safeFileName(`${awards.contest.name}${what}${which}.${options.format}`),
    contentType: CONTENT_TYPES[options.format],
    body,
  };
}
