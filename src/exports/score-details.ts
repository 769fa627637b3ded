import type { AwardReview, ContestAwards, PanelAdvisory } from '../awards/contest.ts';
import { criterionHeader } from '../judging/score-sheet.ts';
import type { Icc } from '../scoring/reliability.ts';
import { commonGroupLabel } from './award-list.ts';
import { csvBuffer } from './csv.ts';
import { tablesWorkbook, type Cell, type Column, type TableSheet } from './workbook.ts';

/** 评分明细: per entry, per expert, per criterion; comments (评语) only when asked for. */

export interface DetailOptions {
  comments: boolean;
}

export const EXPERT_SHEET = '专家评分概况';
export const RELIABILITY_SHEET = '评审信度';

const round2 = (x: number) => Math.round(x * 100) / 100;
const iccText = (icc: Icc, which: 'single' | 'average') => (icc.ok ? round2(icc[which]) : null);

function reviewsByCode(awards: ContestAwards): Map<string, AwardReview[]> {
  const map = new Map<string, AwardReview[]>();
  for (const r of awards.reviews) map.set(r.code, [...(map.get(r.code) ?? []), r]);
  return map;
}

/** One sheet per category: a row per submitted review (or one row for an entry without any). */
function categorySheets(awards: ContestAwards, options: DetailOptions): TableSheet[] {
  const reviews = reviewsByCode(awards);
  return awards.categories.map((c) => {
    const columns: Column[] = [
      { header: '编号', width: 14 },
      { header: '作品名称', width: 36, wrap: true },
      { header: c.groupLabel, width: 10 },
      { header: '专家', width: 12 },
      ...c.criteria.map((k) => ({ header: criterionHeader(k), width: 12 })),
      { header: '合计', width: 9 },
      { header: '标准化分（参考）', width: 11, numFmt: '0.00' },
      { header: '最终得分', width: 10, numFmt: '0.00' },
      { header: '计分说明', width: 30, wrap: true },
      { header: '奖项', width: 10 },
      ...(options.comments ? [{ header: '评语', width: 50, wrap: true }] : []),
    ];
    const rows = awards.groups
      .filter((g) => g.categoryKey === c.key)
      .flatMap((g) => g.entries)
      .flatMap((e) => {
        const common = [e.score, e.methodNote, e.band ?? (e.pending ? '边界并列待定' : '')];
        const list = reviews.get(e.code) ?? [];
        if (list.length === 0)
          return [
            [
              e.code,
              e.title,
              e.group,
              '（尚无评审）',
              ...c.criteria.map(() => null),
              null,
              null,
              ...common,
              ...(options.comments ? [''] : []),
            ],
          ];
        return list.map((r): Cell[] => [
          e.code,
          e.title,
          e.group,
          r.expert,
          ...c.criteria.map((k) => r.scores[k.key]),
          r.total,
          r.normalized,
          ...common,
          ...(options.comments ? [r.comment] : []),
        ]);
      });
    return { name: c.name, columns, rows };
  });
}

function expertSheet(panels: PanelAdvisory[]): TableSheet {
  return {
    name: EXPERT_SHEET,
    columns: [
      { header: '评审组', width: 24, wrap: true },
      { header: '专家', width: 12 },
      { header: '评审件数', width: 9 },
      { header: '平均分', width: 9, numFmt: '0.00' },
      { header: '标准差', width: 9, numFmt: '0.00' },
      { header: '偏离程度（标准差倍数）', width: 12, numFmt: '0.00' },
      { header: '提示', width: 40, wrap: true },
    ],
    rows: panels.flatMap((p) =>
      p.experts.map((x): Cell[] => [
        p.panel,
        x.name,
        x.reviews,
        round2(x.mean),
        round2(x.sd),
        x.deviation === null ? null : round2(x.deviation),
        [x.flagged && x.deviation !== null ? (x.deviation > 0 ? '评分明显偏宽' : '评分明显偏严') : '', x.note ?? '']
          .filter(Boolean)
          .join('；'),
      ]),
    ),
    notes: ['偏离程度 = （该专家平均分 − 各专家平均分的均值）÷ 各专家平均分的标准差；超过 1 倍时提示。标准化分仅供参考，不参与最终得分。'],
  };
}

function reliabilitySheet(panels: PanelAdvisory[]): TableSheet {
  return {
    name: RELIABILITY_SHEET,
    columns: [
      { header: '评审组', width: 24, wrap: true },
      { header: '作品数', width: 8 },
      { header: '专家数', width: 8 },
      { header: '评分份数', width: 9 },
      { header: 'ICC(1,1)', width: 10, numFmt: '0.00' },
      { header: 'ICC(1,k)', width: 10, numFmt: '0.00' },
      { header: 'ICC(2,1)', width: 10, numFmt: '0.00' },
      { header: 'ICC(2,k)', width: 10, numFmt: '0.00' },
      { header: '说明', width: 40, wrap: true },
    ],
    rows: panels.map((p): Cell[] => {
      const { oneWay, twoWay } = p.reliability;
      return [
        p.panel,
        p.reliability.targets,
        p.reliability.raters,
        p.reliability.ratings,
        iccText(oneWay, 'single'),
        iccText(oneWay, 'average'),
        iccText(twoWay, 'single'),
        iccText(twoWay, 'average'),
        [oneWay.ok ? '' : `单向模型：${oneWay.reason}`, twoWay.ok ? '' : `双向模型：${twoWay.reason}`].filter(Boolean).join('；'),
      ];
    }),
    notes: ['ICC(1,k) 为按各作品实际评审份数取平均后最终得分的信度；一般 0.75 以上为良好，0.5 以下说明评审意见分歧较大。'],
  };
}

export async function scoreDetailWorkbook(awards: ContestAwards, options: DetailOptions): Promise<Buffer> {
  const sheets = [...categorySheets(awards, options), expertSheet(awards.panels), reliabilitySheet(awards.panels)];
  return tablesWorkbook(sheets, `${awards.contest.name}评分明细`);
}

/** Score details as one long CSV: a row per entry, expert and criterion. */
export function scoreDetailCsv(awards: ContestAwards, options: DetailOptions): Buffer {
  const header = [
    '类别',
    '编号',
    '作品名称',
    commonGroupLabel(awards),
    '专家',
    '评分项',
    '满分',
    '得分',
    ...(options.comments ? ['评语'] : []),
  ];
  const byCode = new Map(
    awards.groups.flatMap((g) => g.entries.map((e) => [e.code, { e, category: g.category, key: g.categoryKey }] as const)),
  );
  const criteria = new Map(awards.categories.map((c) => [c.key, c.criteria]));
  const rows = awards.reviews.flatMap((r) => {
    const entry = byCode.get(r.code);
    const rubric = entry && criteria.get(entry.key);
    if (!entry || !rubric) throw new Error(`Review of ${r.code} belongs to no scored category`);
    const { e, category } = entry;
    return rubric.map((k): Cell[] => [
      category,
      e.code,
      e.title,
      e.group,
      r.expert,
      k.name,
      k.max,
      r.scores[k.key],
      ...(options.comments ? [r.comment] : []),
    ]);
  });
  return csvBuffer(header, rows);
}
