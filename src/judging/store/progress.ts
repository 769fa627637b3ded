import ExcelJS from 'exceljs';
import type { Db } from '../../db/connect.ts';
import { contestAwards } from '../../awards/store/contest.ts';
import { sortedByText } from '../../util/collate.ts';

/** The organizer's live view of judging: who has done what, what is missing, where reviewers disagree. */

export interface ExpertProgress {
  expertId: number;
  name: string;
  unit: string | null;
  phone: string | null;
  assigned: number;
  /** Started but not submitted (including returned reviews). */
  drafted: number;
  submitted: number;
  /** Codes of entries still owed. */
  owed: string[];
}

export interface PanelProgress {
  panelId: number;
  name: string;
  assigned: number;
  submitted: number;
  experts: ExpertProgress[];
}

export interface FlaggedEntry {
  entryId: number;
  code: string;
  title: string;
  reviewCount: number;
  missingReviews: number;
  spread: number | null;
  discrepancy: boolean;
}

export interface JudgingProgress {
  assigned: number;
  submitted: number;
  panels: PanelProgress[];
  /** Entries with fewer submitted reviews than the rule set requires. */
  missing: FlaggedEntry[];
  /** Entries whose review totals spread more than the rule set allows (further review or arbitration). */
  discrepancies: FlaggedEntry[];
  spreadNote: string;
}

export async function judgingProgress(db: Db, contestId: number): Promise<JudgingProgress> {
  const rows = await db
    .selectFrom('assignments')
    .innerJoin('users', 'users.id', 'assignments.expert_id')
    .innerJoin('entries', 'entries.id', 'assignments.entry_id')
    .leftJoin('reviews', 'reviews.assignment_id', 'assignments.id')
    .select([
      'assignments.expert_id',
      'users.display_name',
      'users.unit',
      'users.phone',
      'entries.code',
      'entries.category_id',
      'entries.group_name',
      'reviews.status',
      'reviews.version',
    ])
    .where('assignments.contest_id', '=', contestId)
    .where('assignments.status', '=', 'active')
    .orderBy('entries.code')
    .execute();
  const panels = await db.selectFrom('panels').selectAll().where('contest_id', '=', contestId).orderBy('id').execute();
  const members = panels.length
    ? await db
        .selectFrom('panel_members')
        .selectAll()
        .where(
          'panel_id',
          'in',
          panels.map((p) => p.id),
        )
        .execute()
    : [];

  const byExpert = new Map<number, ExpertProgress>();
  for (const r of rows) {
    const x = byExpert.get(r.expert_id) ?? {
      expertId: r.expert_id,
      name: r.display_name,
      unit: r.unit,
      phone: r.phone,
      assigned: 0,
      drafted: 0,
      submitted: 0,
      owed: [],
    };
    x.assigned++;
    if (r.status === 'submitted') x.submitted++;
    else {
      if ((r.version ?? 0) > 0) x.drafted++;
      x.owed.push(r.code);
    }
    byExpert.set(r.expert_id, x);
  }
  const panelProgress: PanelProgress[] = panels.map((p) => {
    const experts = sortedByText(
      members.map((m) => (m.panel_id === p.id ? byExpert.get(m.user_id) : undefined)).filter((x): x is ExpertProgress => Boolean(x)),
      (x) => x.name,
      (x) => x.unit,
    );
    const inPanel = rows.filter((r) => r.category_id === p.category_id && (p.group_name === null || p.group_name === r.group_name));
    return {
      panelId: p.id,
      name: p.name,
      assigned: inPanel.length,
      submitted: inPanel.filter((r) => r.status === 'submitted').length,
      experts,
    };
  });

  const awards = await contestAwards(db, contestId);
  const scored = awards.groups.flatMap((g) => g.entries);
  const flag = (e: (typeof scored)[number]): FlaggedEntry => ({
    entryId: e.id,
    code: e.code,
    title: e.title,
    reviewCount: e.reviewCount,
    missingReviews: e.missingReviews,
    spread: e.spread,
    discrepancy: e.discrepancy,
  });
  return {
    assigned: rows.length,
    submitted: rows.filter((r) => r.status === 'submitted').length,
    panels: panelProgress,
    missing: scored.filter((e) => e.missingReviews > 0).map(flag),
    discrepancies: scored.filter((e) => e.discrepancy).map(flag),
    spreadNote: `同一作品的评分极差超过满分的 ${Math.round(awards.scoring.spreadThreshold * 100)}% 时标记为分歧`,
  };
}

/** 待评清单: who still owes which reviews, for the organizer to chase by phone. */
export async function owedWorkbook(progress: JudgingProgress): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  const ws = wb.addWorksheet('待评清单', { views: [{ state: 'frozen', ySplit: 1 }] });
  ws.addRow(['评审组', '专家', '单位', '手机', '已分配', '已提交', '待评', '待评作品编号']).font = { bold: true };
  // An expert on several panels is listed once, with all of them.
  const panelsOf = new Map<ExpertProgress, string[]>();
  for (const panel of progress.panels) for (const x of panel.experts) panelsOf.set(x, [...(panelsOf.get(x) ?? []), panel.name]);
  for (const [x, names] of sortedByText(
    [...panelsOf],
    ([x]) => x.name,
    ([x]) => x.unit,
  )) {
    if (x.owed.length)
      ws.addRow([names.join('、'), x.name, x.unit ?? '', x.phone ?? '', x.assigned, x.submitted, x.owed.length, x.owed.join('、')]);
  }
  ws.columns.forEach((c, i) => {
    c.width = [24, 12, 24, 14, 8, 8, 8, 60][i];
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
