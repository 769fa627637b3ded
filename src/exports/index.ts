import type { Db } from '../db/connect.ts';
import type { ContestAwards } from '../awards/contest.ts';
import { contestAwards } from '../awards/store/contest.ts';
import { getSnapshot } from '../awards/store/publication.ts';
import { awardListCsv, awardListWorkbook, type ExportSource } from './award-list.ts';
import { scoreDetailCsv, scoreDetailWorkbook } from './score-details.ts';
import { officialListDocx } from './official-docx.ts';
import { officialAwardList, officialListWorkbook } from './official-list.ts';
import { TERMS } from '../util/terms.ts';

export interface ExportOptions {
  /**
   * 'list' = 获奖名单 as an official attachment (.xlsx or .docx: no codes, no scores); 'workbook' = the organizer's
   * 评奖工作簿 (codes, scores, derivations; .xlsx or .csv); 'details' = 评分明细 (.xlsx or .csv).
   */
  kind: 'list' | 'workbook' | 'details';
  format: ExportFormat;
  /** Include 评语 in the score details. */
  comments?: boolean;
  /** A published version, exported exactly as frozen; omitted = the live computation. */
  version?: number;
}

export type ExportFormat = 'xlsx' | 'csv' | 'docx';

/** The formats each kind of export comes in. */
export const EXPORT_FORMATS: Record<ExportOptions['kind'], readonly ExportFormat[]> = {
  list: ['xlsx', 'docx'],
  workbook: ['xlsx', 'csv'],
  details: ['xlsx', 'csv'],
};

/** What each kind of export is called (the glossary's names). */
export const EXPORT_NAMES: Record<ExportOptions['kind'], string> = {
  list: TERMS.awardList,
  workbook: TERMS.awardWorkbook,
  details: TERMS.scoreDetails,
};

export interface ExportFile {
  /** Suggested file name, in Chinese. */
  fileName: string;
  contentType: string;
  body: Buffer;
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};

/** Characters Windows refuses in file names. */
const safeFileName = (name: string) => name.replace(/[\\/:*?"<>|\r\n]+/g, ' ').trim();

async function render(awards: ContestAwards, source: ExportSource | null, options: ExportOptions): Promise<Buffer> {
  const details = { comments: options.comments ?? false };
  switch (`${options.kind}.${options.format}`) {
    case 'list.xlsx':
      return officialListWorkbook(officialAwardList(awards));
    case 'list.docx':
      return officialListDocx(officialAwardList(awards));
    case 'workbook.xlsx':
      return awardListWorkbook(awards, source);
    case 'workbook.csv':
      return awardListCsv(awards);
    case 'details.xlsx':
      return scoreDetailWorkbook(awards, details);
    case 'details.csv':
      return scoreDetailCsv(awards, details);
    default:
      throw new Error(
        `${EXPORT_NAMES[options.kind]}可导出为 ${EXPORT_FORMATS[options.kind].map((f) => `.${f}`).join('、')}，不支持 .${options.format}`,
      );
  }
}

/** The file the CLI writes and the web page sends: the 获奖名单, the 评奖工作簿 or the 评分明细, live or from a publication. */
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
  const body = await render(awards, source, options);
  const what = EXPORT_NAMES[options.kind];
  const which = source ? `（第${source.version}版公示）` : '';
  return {
    fileName: safeFileName(`${awards.contest.name}${what}${which}.${options.format}`),
    contentType: CONTENT_TYPES[options.format],
    body,
  };
}
