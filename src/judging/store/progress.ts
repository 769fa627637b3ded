import type { Db } from '../../db/connect.ts';
import { contestAwards } from '../../awards/store/contest.ts';
import { type CategorySpread, scoreSpreads } from '../../awards/distribution.ts';
import { contestDeadlines } from '../../deadlines/store/deadlines.ts';
import { deadlineFor, JUDGING_STAGE, type TimeLeft, timeLeft } from '../../deadlines/deadlines.ts';
import { tablesWorkbook } from '../../exports/workbook.ts';
import { sortedByText } from '../../util/collate.ts';
import { TERMS } from '../../util/terms.ts';
import { type OwedEntry, reminderMessage } from '../reminders.ts';

/** The organizer's live view of judging: who has done what, what is missing, where reviewers disagree, and by when. */

export interface ExpertProgress {
  expertId: number;
  name: string;
  unit: string | null;
  phone: string | null;
  email: string | null;
  assigned: number;
  /** Started but not submitted (including returned reviews). */
  drafted: number;
  submitted: number;
  /** Entries still owed, by code. */
  owed: OwedEntry[];
  /** The closing time that applies to the expert: their panel's own, else the contest's. */
  deadline: TimeLeft | null;
}

export interface PanelProgress {
  panelId: number;
  name: string;
  assigned: number;
  submitted: number;
  experts: ExpertProgress[];
  /** The panel's own closing time (ISO), if it has one. */
  ownDeadline: string | null;
  /** The closing time that applies to the panel: its own, else the contest's. */
  deadline: TimeLeft | null;
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
  /** The contest's judging closing time. */
  deadline: TimeLeft | null;
  /** How scores spread per category and expert (the pictures on 评审进度). */
  spreads: CategorySpread[];
  /** Experts who still owe reviews, in pinyin order, each once. */
  owing: (ExpertProgress & { panels: string[] })[];
}

export async function judgingProgress(db: Db, contestId: number, now = new Date()): Promise<JudgingProgress> {
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
      'users.email',
      'entries.code',
      'entries.title',
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
      email: r.email,
      assigned: 0,
      drafted: 0,
      submitted: 0,
      owed: [],
      deadline: null,
    };
    x.assigned++;
    if (r.status === 'submitted') x.submitted++;
    else {
      if ((r.version ?? 0) > 0) x.drafted++;
      x.owed.push({ code: r.code, title: r.title });
    }
    byExpert.set(r.expert_id, x);
  }
  const deadlines = await contestDeadlines(db, contestId);
  const left = (d: { closesAt: string } | null) => (d ? timeLeft(d.closesAt, now) : null);
  for (const x of byExpert.values()) {
    const panelIds = members.filter((m) => m.user_id === x.expertId).map((m) => m.panel_id);
    x.deadline = left(deadlineFor(deadlines, JUDGING_STAGE, panelIds));
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
      ownDeadline: deadlines.find((d) => d.stage === JUDGING_STAGE && d.panelId === p.id)?.closesAt ?? null,
      deadline: left(deadlineFor(deadlines, JUDGING_STAGE, [p.id])),
    };
  });
  const panelsOf = (x: ExpertProgress) => panelProgress.filter((p) => p.experts.includes(x)).map((p) => p.name);
  const owing = sortedByText(
    [...byExpert.values()].filter((x) => x.owed.length > 0),
    (x) => x.name,
    (x) => x.unit,
  ).map((x) => ({ ...x, panels: panelsOf(x) }));

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
    deadline: left(deadlineFor(deadlines, JUDGING_STAGE)),
    spreads: scoreSpreads(awards),
    owing,
  };
}

/**
 * 待评清单: who still owes which reviews, with phone, e-mail, the closing time and a ready message, for reminders by
 * SMS or WeChat sent by hand.
 */
export async function owedWorkbook(contestName: string, progress: JudgingProgress, sender: string): Promise<Buffer> {
  return tablesWorkbook(
    [
      {
        name: TERMS.owedList,
        columns: [
          { header: '专家', width: 10 },
          { header: '单位', width: 22, wrap: true },
          { header: '手机', width: 14 },
          { header: '邮箱', width: 24 },
          { header: '评审组', width: 22, wrap: true },
          { header: '已分配', width: 8 },
          { header: '已提交', width: 8 },
          { header: '待评', width: 6 },
          { header: '待评作品', width: 40, wrap: true },
          { header: '截止时间', width: 17 },
          { header: '剩余时间', width: 14 },
          { header: '提醒内容（短信、微信）', width: 60, wrap: true },
        ],
        rows: progress.owing.map((x) => [
          x.name,
          x.unit ?? '',
          x.phone ?? '',
          x.email ?? '',
          x.panels.join('、'),
          x.assigned,
          x.submitted,
          x.owed.length,
          x.owed.map((e) => `${e.code} ${e.title}`).join('\n'),
          x.deadline?.closesAtText ?? '',
          x.deadline?.text ?? '',
          reminderMessage({ contestName, expertName: x.name, owed: x.owed, deadline: x.deadline, loginUrl: null, sender }).short,
        ]),
      },
    ],
    `${contestName}${TERMS.owedList}`,
  );
}
