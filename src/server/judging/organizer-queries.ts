import type { Db } from '../../db/connect.ts';
import type { AssignmentStatus, ReviewStatus } from '../../db/schema.ts';
import { VALID_STATUSES } from '../../entries/status.ts';
import { reviewScores } from '../../db/columns.ts';
import { sortedByText } from '../../util/collate.ts';

/** The organizer's judging tables: who reviews which entry, and one entry's reviews in full. */

export interface ReviewerCell {
  expertId: number;
  name: string;
  /** 'new' until the expert saves anything. */
  state: ReviewStatus | 'new';
}

export interface AssignmentRow {
  entryId: number;
  code: string;
  title: string;
  category: string | null;
  groupName: string | null;
  reviewers: ReviewerCell[];
}

export interface AssignmentFilter {
  categoryId?: number;
  /** Only entries with fewer reviewers than `perEntry`. */
  shortOnly: boolean;
  perEntry: number;
}

export async function assignmentTable(db: Db, contestId: number, filter: AssignmentFilter): Promise<AssignmentRow[]> {
  let entries = db
    .selectFrom('entries as e')
    .leftJoin('categories as c', 'c.id', 'e.category_id')
    .select(['e.id', 'e.code', 'e.title', 'e.group_name', 'c.name as category'])
    .where('e.contest_id', '=', contestId)
    .where('e.status', 'in', [...VALID_STATUSES])
    .where('e.intake', '=', 'admitted');
  if (filter.categoryId) entries = entries.where('e.category_id', '=', filter.categoryId);
  const rows = await entries.orderBy('e.code').execute();
  const assigned = await db
    .selectFrom('assignments as a')
    .innerJoin('users as u', 'u.id', 'a.expert_id')
    .leftJoin('reviews as r', 'r.assignment_id', 'a.id')
    .select(['a.entry_id', 'a.expert_id', 'u.display_name', 'r.status', 'r.version'])
    .where('a.contest_id', '=', contestId)
    .where('a.status', '=', 'active')
    .execute();
  const byEntry = new Map<number, ReviewerCell[]>();
  for (const a of sortedByText(assigned, (x) => x.display_name)) {
    const state = a.status === null || (a.status === 'draft' && (a.version ?? 0) === 0) ? 'new' : a.status;
    byEntry.set(a.entry_id, [...(byEntry.get(a.entry_id) ?? []), { expertId: a.expert_id, name: a.display_name, state }]);
  }
  return rows
    .map((e) => ({
      entryId: e.id,
      code: e.code,
      title: e.title,
      category: e.category,
      groupName: e.group_name,
      reviewers: byEntry.get(e.id) ?? [],
    }))
    .filter((r) => !filter.shortOnly || r.reviewers.length < filter.perEntry);
}

export interface EntryReviewer {
  assignmentId: number;
  expertId: number;
  name: string;
  unit: string | null;
  status: AssignmentStatus;
  reason: string | null;
  review: {
    id: number;
    status: ReviewStatus;
    version: number;
    scores: Record<string, number | null>;
    total: number | null;
    comment: string;
    returnReason: string | null;
    updatedAt: string;
    submittedAt: string | null;
  } | null;
}

/** Every assignment of an entry (also removed and declined ones, with their reasons) and its review. */
export async function entryReviewers(db: Db, contestId: number, entryId: number): Promise<EntryReviewer[]> {
  const rows = await db
    .selectFrom('assignments as a')
    .innerJoin('users as u', 'u.id', 'a.expert_id')
    .leftJoin('reviews as r', 'r.assignment_id', 'a.id')
    .select([
      'a.id',
      'a.expert_id',
      'u.display_name',
      'u.unit',
      'a.status',
      'a.reason',
      'r.id as review_id',
      'r.status as review_status',
      'r.version',
      'r.scores_json',
      'r.total',
      'r.comment',
      'r.return_reason',
      'r.updated_at',
      'r.submitted_at',
    ])
    .where('a.contest_id', '=', contestId)
    .where('a.entry_id', '=', entryId)
    .orderBy('a.id')
    .execute();
  return rows.map((r) => ({
    assignmentId: r.id,
    expertId: r.expert_id,
    name: r.display_name,
    unit: r.unit,
    status: r.status,
    reason: r.reason,
    review:
      // Left-joined: the review's NOT NULL columns are null together, exactly when there is no review.
      r.review_id === null || r.review_status === null || r.version === null || r.scores_json === null || r.updated_at === null
        ? null
        : {
            id: r.review_id,
            status: r.review_status,
            version: r.version,
            scores: reviewScores.read(r.scores_json),
            total: r.total,
            comment: r.comment ?? '',
            returnReason: r.return_reason,
            updatedAt: r.updated_at,
            submittedAt: r.submitted_at,
          },
  }));
}
