import { formatRate } from '../similarity/rate-format.ts';
import type { Column, TableSheet } from '../exports/workbook.ts';

/**
 * A recommendation package for the next level (推荐包): the entries chosen to go on, laid out as the notices
 * ask (学段+学校+教师姓名 / 参赛项目 / 作品名称 / files), with the 推荐汇总表 in the notice's columns and a 评审结果
 * sheet holding what this level found (形式审查, 重复率, 最终得分, 奖项). The next level imports it as it is:
 * 来源编号 keeps each entry's identity, so importing the same package twice adds nothing.
 */

export const SUMMARY_FILE = '推荐汇总表.xlsx';
export const SUMMARY_SHEET = '推荐汇总表';
export const RESULTS_SHEET = '评审结果';

export interface PackageEntry {
  code: string;
  title: string;
  category: string;
  group: string | null;
  authors: { name: string; unit: string | null; county: string | null; phone: string | null }[];
  /** 通过 / 有警告 / 未通过 / 未检查, with the organizer's decision when one was made. */
  check: string;
  /** Highest 重复率 of its documents in the latest scan (0–1); null when not scanned. */
  rate: number | null;
  score: number | null;
  band: string | null;
  files: { path: string; sha256: string; size: number }[];
}

/** Characters a folder name cannot hold on Windows, and path separators. */
const cleanSegment = (text: string): string =>
  text
    .replace(/[\\/:*?"<>|]|\p{Cc}/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '')
    .slice(0, 80) || '未命名';

const joined = (values: (string | null)[]) => [...new Set(values.filter((v): v is string => !!v))].join('、');

/** Each entry's folder in the package (`学段+学校+教师姓名/参赛项目/作品名称`), distinct even for equal titles. */
export function entryFolders(entries: readonly PackageEntry[]): string[] {
  const used = new Set<string>();
  return entries.map((e) => {
    const teacher = cleanSegment(
      [e.group, e.authors[0]?.unit, e.authors.map((a) => a.name).join('、')].filter(Boolean).join('+') || e.code,
    );
    let folder = `${teacher}/${cleanSegment(e.category)}/${cleanSegment(e.title)}`;
    if (used.has(folder)) folder = `${folder}（${e.code}）`;
    used.add(folder);
    return folder;
  });
}

const SUMMARY_COLUMNS: Column[] = [
  { header: '序号', width: 6 },
  { header: '来源编号', width: 14 },
  { header: '作品名称', width: 36, wrap: true },
  { header: '参赛项目', width: 24, wrap: true },
  { header: '组别', width: 10 },
  { header: '作者', width: 18, wrap: true },
  { header: '单位', width: 26, wrap: true },
  { header: '区县', width: 12 },
  { header: '联系电话', width: 14 },
  { header: '推荐单位', width: 16 },
  { header: '文件夹', width: 40, wrap: true },
];

const RESULT_COLUMNS: Column[] = [
  { header: '来源编号', width: 14 },
  { header: '作品名称', width: 36, wrap: true },
  { header: '形式审查', width: 16, wrap: true },
  { header: '重复率', width: 10 },
  { header: '最终得分', width: 10, numFmt: '0.00' },
  { header: '奖项', width: 12 },
];

const percent = (rate: number | null) => (rate === null ? '未查重' : formatRate(rate));

/** The two sheets of the package's 推荐汇总表.xlsx. */
export function packageSheets(entries: readonly PackageEntry[], folders: readonly string[], recommender: string): TableSheet[] {
  return [
    {
      name: SUMMARY_SHEET,
      columns: SUMMARY_COLUMNS,
      rows: entries.map((e, i) => [
        i + 1,
        e.code,
        e.title,
        e.category,
        e.group,
        e.authors.map((a) => a.name).join('、'),
        joined(e.authors.map((a) => a.unit)),
        joined(e.authors.map((a) => a.county)),
        e.authors[0]?.phone ?? null,
        recommender,
        folders[i],
      ]),
    },
    {
      name: RESULTS_SHEET,
      columns: RESULT_COLUMNS,
      rows: entries.map((e) => [e.code, e.title, e.check, percent(e.rate), e.score, e.band ?? '未获奖']),
      notes: [`共 ${entries.length} 件，由${recommender}推荐。重复率为最近一次查重中该作品文档的最高值。`],
    },
  ];
}
