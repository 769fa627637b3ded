import type { Db } from '../../db/connect.ts';
import type { Review } from '../../db/schema.ts';
import { byDocumentOrder } from '../../ingest/classify.ts';

/** An expert's own work: the queries behind 我的评审 and the scoring screen. Every one is scoped to the expert. */

export type TaskState = 'new' | 'draft' | 'submitted' | 'returned';

export interface ExpertTask {
  assignmentId: number;
  contestId: number;
  contestName: string;
  code: string;
  title: string;
  category: string | null;
  groupName: string | null;
  state: TaskState;
  total: number | null;
  returnReason: string | null;
  updatedAt: string | null;
}

const stateOf = (r: { status: string | null; version: number | null }): TaskState =>
  r.status === 'submitted' ? 'submitted' : r.status === 'returned' ? 'returned' : (r.version ?? 0) > 0 ? 'draft' : 'new';

/** The expert's active assignments, by contest and entry code. */
export async function expertTasks(db: Db, expertId: number): Promise<ExpertTask[]> {
  const rows = await db
    .selectFrom('assignments as a')
    .innerJoin('entries as e', 'e.id', 'a.entry_id')
    .innerJoin('contests as k', 'k.id', 'a.contest_id')
    .leftJoin('categories as c', 'c.id', 'e.category_id')
    .leftJoin('reviews as r', 'r.assignment_id', 'a.id')
    .select([
      'a.id',
      'a.contest_id',
      'k.name as contest_name',
      'e.code',
      'e.title',
      'c.name as category',
      'e.group_name',
      'r.status',
      'r.version',
      'r.total',
      'r.return_reason',
      'r.updated_at',
    ])
    .where('a.expert_id', '=', expertId)
    .where('a.status', '=', 'active')
    .orderBy('a.contest_id')
    .orderBy('e.code')
    .execute();
  return rows.map((r) => ({
    assignmentId: r.id,
    contestId: r.contest_id,
    contestName: r.contest_name,
    code: r.code,
    title: r.title,
    category: r.category,
    groupName: r.group_name,
    state: stateOf(r),
    total: r.total,
    returnReason: r.return_reason,
    updatedAt: r.updated_at,
  }));
}

/** The next task still to be submitted after `current` (wrapping round), or null when all are done. */
export function nextUnscored(tasks: ExpertTask[], current: number | null): ExpertTask | null {
  const at = tasks.findIndex((t) => t.assignmentId === current);
  const ordered = at < 0 ? tasks : [...tasks.slice(at + 1), ...tasks.slice(0, at)];
  return ordered.find((t) => t.state !== 'submitted') ?? null;
}

export interface ReviewContext {
  assignmentId: number;
  contestId: number;
  contestName: string;
  blind: boolean;
  rulesYaml: string;
  rulesSource: string;
  entryId: number;
  code: string;
  title: string;
  groupName: string | null;
  categoryKey: string | null;
  category: string | null;
  /** Null until the expert first opens or saves. */
  review: Review | null;
}

/**
 * Everything the scoring screen and a draft save need, in one query — or null when the assignment is not
 * this expert's active one (another expert's, removed, declined, or made up).
 */
export async function reviewContext(db: Db, assignmentId: number, expertId: number): Promise<ReviewContext | null> {
  const row = await db
    .selectFrom('assignments as a')
    .innerJoin('entries as e', 'e.id', 'a.entry_id')
    .innerJoin('contests as k', 'k.id', 'a.contest_id')
    .leftJoin('categories as c', 'c.id', 'e.category_id')
    .leftJoin('reviews as r', 'r.assignment_id', 'a.id')
    .select([
      'a.id as assignment_id',
      'a.contest_id',
      'k.name as contest_name',
      'k.blind',
      'k.rules_yaml',
      'k.rules_source',
      'e.id as entry_id',
      'e.code',
      'e.title',
      'e.group_name',
      'c.key as category_key',
      'c.name as category',
      'r.id as review_id',
      'r.scores_json',
      'r.comment',
      'r.total',
      'r.status',
      'r.version',
      'r.return_reason',
      'r.updated_at',
      'r.submitted_at',
    ])
    .where('a.id', '=', assignmentId)
    .where('a.expert_id', '=', expertId)
    .where('a.status', '=', 'active')
    .executeTakeFirst();
  if (!row) return null;
  // Left-joined: the review's NOT NULL columns are null together, exactly when there is no review.
  const review: Review | null =
    row.review_id === null ||
    row.scores_json === null ||
    row.comment === null ||
    row.status === null ||
    row.version === null ||
    row.updated_at === null
      ? null
      : {
          id: row.review_id,
          assignment_id: row.assignment_id,
          contest_id: row.contest_id,
          entry_id: row.entry_id,
          expert_id: expertId,
          scores_json: row.scores_json,
          comment: row.comment,
          total: row.total,
          status: row.status,
          version: row.version,
          return_reason: row.return_reason,
          updated_at: row.updated_at,
          submitted_at: row.submitted_at,
        };
  return {
    assignmentId: row.assignment_id,
    contestId: row.contest_id,
    contestName: row.contest_name,
    blind: row.blind === 1,
    rulesYaml: row.rules_yaml,
    rulesSource: row.rules_source,
    entryId: row.entry_id,
    code: row.code,
    title: row.title,
    groupName: row.group_name,
    categoryKey: row.category_key,
    category: row.category,
    review,
  };
}

/** The entry's authors and files (main case document first), for the expert view, which strips what a blind contest hides. */
export async function entryMaterials(db: Db, entryId: number) {
  const authors = await db
    .selectFrom('authors')
    .select(['name', 'unit', 'county'])
    .where('entry_id', '=', entryId)
    .orderBy('position')
    .execute();
  const files = await db
    .selectFrom('files')
    .select(['id', 'original_path', 'name', 'kind', 'ext', 'size', 'sha256', 'mime', 'html', 'text'])
    .where('entry_id', '=', entryId)
    .orderBy('original_path')
    .execute();
  files.sort(byDocumentOrder);
  return { authors, files };
}
