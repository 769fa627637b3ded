import type { Db } from '../../db/connect.ts';
import { contestCategories, contestRuleSet } from '../../contests/index.ts';
import { openReview, saveReview } from './reviews.ts';
import { buildScoreSheet, parseScoreSheet, rowScores, type SheetSection } from '../score-sheet.ts';
import { scoringCriteria } from '../rubric.ts';
import { reviewScores } from '../../db/columns.ts';
import { sortedByText } from '../../util/collate.ts';

/** The offline path: score sheets out of the database and filled sheets back in. */

export interface SheetFilter {
  panelId?: number;
  expertId?: number;
}

/** One worksheet per category with a row per active assignment (drafts prefilled). */
export async function contestScoreSheet(db: Db, contestId: number, filter: SheetFilter = {}): Promise<Buffer> {
  const ruleSet = await contestRuleSet(db, contestId);
  const categories = await contestCategories(db, contestId);
  let query = db
    .selectFrom('assignments')
    .innerJoin('entries', 'entries.id', 'assignments.entry_id')
    .innerJoin('users', 'users.id', 'assignments.expert_id')
    .leftJoin('reviews', 'reviews.assignment_id', 'assignments.id')
    .select(['entries.code', 'entries.title', 'entries.category_id', 'users.display_name', 'reviews.scores_json', 'reviews.comment'])
    .where('assignments.contest_id', '=', contestId)
    .where('assignments.status', '=', 'active');
  if (filter.expertId !== undefined) query = query.where('assignments.expert_id', '=', filter.expertId);
  if (filter.panelId !== undefined) {
    const panelId = filter.panelId;
    query = query.where('assignments.expert_id', 'in', (eb) =>
      eb.selectFrom('panel_members').select('user_id').where('panel_id', '=', panelId),
    );
  }
  const rows = sortedByText(
    await query.execute(),
    (r) => r.code,
    (r) => r.display_name,
  );
  const sections: SheetSection[] = [];
  for (const category of categories) {
    const mine = rows.filter((r) => r.category_id === category.id);
    if (mine.length === 0) continue;
    const rules = ruleSet.categories.find((c) => c.key === category.key);
    if (!rules) throw new Error(`Category ${category.key} has no rubric in the contest's rule set`);
    sections.push({
      name: category.name,
      criteria: rules.rubric.criteria,
      rows: mine.map((r) => ({
        code: r.code,
        title: r.title,
        expert: r.display_name,
        scores: r.scores_json === null ? {} : reviewScores.read(r.scores_json),
        comment: r.comment ?? '',
      })),
    });
  }
  return buildScoreSheet(sections);
}

export interface SheetImportResult {
  /** Rows stored as submitted reviews. */
  imported: number;
  /** Rows equal to a review already submitted. */
  unchanged: number;
  refused: { sheet: string; row: number; message: string }[];
}

/**
 * Each filled row becomes a submitted review. A row that names an unknown entry or expert, leaves a criterion
 * empty, or has a score out of range is refused with its reason; other rows are not affected.
 */
export async function importScoreSheet(db: Db, contestId: number, bytes: Buffer, fileName: string): Promise<SheetImportResult> {
  const ruleSet = await contestRuleSet(db, contestId);
  const categories = await contestCategories(db, contestId);
  const result: SheetImportResult = { imported: 0, unchanged: 0, refused: [] };

  for (const sheet of await parseScoreSheet(bytes, fileName)) {
    for (const row of sheet.rows) {
      const refuse = (message: string) =>
        result.refused.push({ sheet: sheet.sheet, row: row.row, message: `“${sheet.sheet}”第 ${row.row} 行：${message}` });
      const entry = await db
        .selectFrom('entries')
        .select(['id', 'category_id'])
        .where('contest_id', '=', contestId)
        .where('code', '=', row.code)
        .executeTakeFirst();
      if (!entry) {
        refuse(`作品编号“${row.code}”不存在`);
        continue;
      }
      const category = categories.find((c) => c.id === entry.category_id);
      const criteria = category && scoringCriteria(ruleSet, category.key);
      if (!criteria) {
        refuse(`作品“${row.code}”没有类别，无法对应评分标准`);
        continue;
      }
      const assignments = await db
        .selectFrom('assignments')
        .innerJoin('users', 'users.id', 'assignments.expert_id')
        .select(['assignments.id', 'assignments.expert_id'])
        .where('assignments.entry_id', '=', entry.id)
        .where('assignments.status', '=', 'active')
        .where('users.display_name', '=', row.expert)
        .execute();
      if (assignments.length !== 1) {
        refuse(assignments.length ? `专家“${row.expert}”重名，无法确定是哪一位` : `专家“${row.expert}”没有被分配评审作品“${row.code}”`);
        continue;
      }
      const { raw, missingColumns } = rowScores(criteria, row);
      if (missingColumns.length) {
        refuse(`评分表缺少评分项：${missingColumns.join('、')}`);
        continue;
      }
      const [assignment] = assignments;
      const review = await openReview(db, assignment.id, assignment.expert_id);
      if (!review) {
        refuse(`专家“${row.expert}”对作品“${row.code}”的评审任务已调整，未导入`);
        continue;
      }
      if (review.status === 'submitted') {
        const same =
          criteria.every((c) => String(reviewScores.read(review.scores_json)[c.key]) === String(Number(raw[c.key]))) &&
          review.comment === row.comment;
        if (same) result.unchanged++;
        else refuse('该评分已提交，如需修改请先由组织者退回');
        continue;
      }
      const outcome = await saveReview(
        db,
        { assignmentId: assignment.id, expertId: assignment.expert_id, criteria, raw, comment: row.comment, baseVersion: review.version },
        true,
      );
      if (outcome?.status === 'saved') result.imported++;
      else if (outcome?.status === 'invalid') refuse(outcome.checked.problems.map((p) => p.message).join('；'));
      else refuse('评分刚被其他人修改，请重新导入');
    }
  }
  return result;
}
