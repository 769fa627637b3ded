import { Decimal } from 'decimal.js';
import type { AwardEntry, AwardGroup, ContestAwards } from '../awards/contest.ts';
import { csvBuffer } from './csv.ts';
import { tablesWorkbook, type Cell, type Column, type TableSheet } from './workbook.ts';

/** 获奖名单: one sheet per category plus the 汇总 summary; the same rows as CSV. */

/** Where the figures come from: a live computation, or a published (frozen) version. */
export interface ExportSource {
  version: number;
  publishedAt: string;
  sha256: string;
}

export const SUMMARY_SHEET = '汇总';

export const awardListColumns = (groupLabel: string): Column[] => [
  { header: '序号', width: 6 },
  { header: '编号', width: 14 },
  { header: '作品名称', width: 40, wrap: true },
  { header: '作者', width: 20, wrap: true },
  { header: '单位', width: 30, wrap: true },
  { header: '区县', width: 12, wrap: true },
  { header: groupLabel, width: 10 },
  { header: '最终得分', width: 10, numFmt: '0.00' },
  { header: '奖项', width: 14, wrap: true },
];

export const SUMMARY_COLUMNS: Column[] = [
  { header: '类别', width: 26, wrap: true },
  { header: '组别', width: 12 },
  { header: '有效作品数', width: 11 },
  { header: '计算基数', width: 10 },
  { header: '奖项', width: 12 },
  { header: '比例', width: 8 },
  { header: '名额', width: 8 },
  { header: '获奖数', width: 8 },
  { header: '名额计算', width: 48, wrap: true },
];

const percent = (ratio: number) => `${new Decimal(ratio).times(100).toString()}%`;

/** What the 奖项 column says: the final band, or that a 边界并列 is still undecided. */
function awardText(e: AwardEntry): string {
  if (e.band !== null) return e.band;
  if (!e.heldByTie) throw new Error(`Entry ${e.code} is listed with neither a band nor a tie holding it`);
  return `待定（边界并列：${e.heldByTie.upperBand}/${e.heldByTie.lowerBand ?? '未获奖'}）`;
}

/** A group's listed entries (awarded or held by a tie), by band from the best down, then by rank. */
function listedEntries(g: AwardGroup): AwardEntry[] {
  const bandIndex = new Map(g.bands.map((b, i) => [b.name, i]));
  // Held entries sit between the band they may reach and the next one.
  const order = (e: AwardEntry): number => {
    const index = bandIndex.get(e.band ?? e.heldByTie?.upperBand ?? '');
    if (index === undefined) throw new Error(`Entry ${e.code} is listed under no band of its group`);
    return e.band !== null ? index : index + 0.5;
  };
  // Bands are given to ranked entries only.
  const rank = (e: AwardEntry): number => {
    if (e.rank === null) throw new Error(`Entry ${e.code} is listed without a rank`);
    return e.rank;
  };
  return g.entries.filter((e) => e.band !== null || e.pending).sort((a, b) => order(a) - order(b) || rank(a) - rank(b));
}

export interface AwardListSheet {
  category: string;
  groupLabel: string;
  /** 序号, 编号, 作品名称, 作者, 单位, 区县, group, 最终得分, 奖项. */
  rows: [number, string, string, string, string, string, string | null, number | null, string][];
}

/** The award list per category, in category order; groups of a category follow each other. */
export function awardListSheets(awards: ContestAwards): AwardListSheet[] {
  return awards.categories.map((c) => {
    const entries = awards.groups.filter((g) => g.categoryKey === c.key).flatMap(listedEntries);
    return {
      category: c.name,
      groupLabel: c.groupLabel,
      rows: entries.map((e, i) => [
        i + 1,
        e.code,
        e.title,
        e.authors.map((a) => a.name).join('、'),
        e.unit,
        e.county,
        e.group,
        e.score,
        awardText(e),
      ]),
    };
  });
}

function summaryRows(awards: ContestAwards): Cell[][] {
  return awards.groups.flatMap((g) =>
    g.bands.map((b): Cell[] => [g.category, g.group, g.valid, g.denominator, b.name, percent(b.ratio), b.cap, b.count, b.derivation]),
  );
}

/** Explanations under the summary: method, source, and every decision or open problem, so nothing is silent. */
function summaryNotes(awards: ContestAwards, source: ExportSource | null): string[] {
  const overrides = awards.groups.flatMap((g) =>
    g.entries.flatMap(({ code, computedBand, pending, override }) => {
      if (!override) return [];
      const from = computedBand ?? (pending ? '边界并列待定' : '未获奖');
      return [`调整：${g.category} 作品 ${code} 由“${from}”调整为“${override.band ?? '不获奖'}”，理由：${override.reason}`];
    }),
  );
  return [
    `计分方法：${awards.scoring.note}`,
    source
      ? `数据来源：第 ${source.version} 版公示（${source.publishedAt}），SHA-256 ${source.sha256}`
      : '数据来源：当前评审数据实时计算（尚未公示）',
    ...awards.groups.map((g) => `${g.category}${g.group ? `·${g.group}` : ''}：${g.derivation}`),
    ...overrides,
    ...awards.released.map((r) => `放行：${r.message}，理由：${r.overrideReason}`),
    ...awards.blockers.map((b) => `未解决：${b.message}`),
  ];
}

export const QUOTA_SHEET = '推优';

export const QUOTA_COLUMNS: Column[] = [
  { header: '名额类别', width: 20, wrap: true },
  { header: '区县/单位', width: 20, wrap: true },
  { header: '名额', width: 8 },
  { header: '名次', width: 6 },
  { header: '编号', width: 14 },
  { header: '作品名称', width: 40, wrap: true },
  { header: '作者', width: 20, wrap: true },
  { header: '最终得分', width: 10, numFmt: '0.00' },
  { header: '结果', width: 16, wrap: true },
];

/** Every candidate under each quota, unit by unit in rank order, with its outcome. */
function quotaRows(awards: ContestAwards): Cell[][] {
  const byCode = new Map(awards.groups.flatMap((g) => g.entries.map((e) => [e.code, e] as const)));
  return awards.quotas.flatMap((q) =>
    q.units.flatMap((u) =>
      u.assignments.map((a): Cell[] => {
        const e = byCode.get(a.entryId);
        if (!e) throw new Error(`Quota ${q.name} names entry ${a.entryId}, which is in no group`);
        const result = a.band ?? (a.pending ? '待定（边界并列）' : '未推优');
        return [
          q.name,
          u.unit,
          u.quota,
          a.rank,
          e.code,
          e.title,
          e.authors.map((x) => x.name).join('、'),
          a.score,
          a.override ? `${result}（调整：${a.override.reason}）` : result,
        ];
      }),
    ),
  );
}

/** 获奖名单 workbook: 汇总 first, then one sheet per category, then 推优 when the rule set has quotas. */
export async function awardListWorkbook(awards: ContestAwards, source: ExportSource | null = null): Promise<Buffer> {
  const sheets: TableSheet[] = [
    { name: SUMMARY_SHEET, columns: SUMMARY_COLUMNS, rows: summaryRows(awards), notes: summaryNotes(awards, source) },
    ...awardListSheets(awards).map((s) => ({ name: s.category, columns: awardListColumns(s.groupLabel), rows: s.rows })),
    ...(awards.quotas.length
      ? [
          {
            name: QUOTA_SHEET,
            columns: QUOTA_COLUMNS,
            rows: quotaRows(awards),
            notes: awards.quotas.flatMap((q) => [
              ...q.units.map((u) => u.derivation),
              ...(q.exempt.length ? [`${q.name}：不占用名额的作品 ${q.exempt.join('、')}`] : []),
            ]),
          },
        ]
      : []),
  ];
  return tablesWorkbook(sheets, `${awards.contest.name}获奖名单`);
}

/** The group column's header: the categories' common label (学段 …), else 组别. */
export function commonGroupLabel(awards: ContestAwards): string {
  const labels = new Set(awards.categories.map((c) => c.groupLabel));
  return labels.size === 1 ? [...labels][0] : '组别';
}

/** The award list as one CSV: a 类别 column, then the columns of the category sheets; scores with 2 decimals. */
export function awardListCsv(awards: ContestAwards): Buffer {
  const header = ['类别', ...awardListColumns(commonGroupLabel(awards)).map((c) => c.header)];
  const rows = awardListSheets(awards).flatMap((s) =>
    s.rows.map((r): Cell[] => [s.category, ...r.slice(0, 7), r[7] === null ? null : r[7].toFixed(2), r[8]]),
  );
  return csvBuffer(header, rows);
}
