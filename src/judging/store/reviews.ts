import { sql } from 'kysely';
import type { Db } from '../../db/connect.ts';
import { dialectOf } from '../../db/dialect.ts';
import { nowIso } from '../../db/connect.ts';
import type { Review } from '../../db/schema.ts';
import { type AuditEvent, audit, auditText } from '../../audit/log.ts';
import { type CheckedScores, type ScoringCriterion, checkScores, checkSubmission } from '../rubric.ts';
import { reviewScores } from '../../db/columns.ts';

/** Saving, submitting and returning reviews. Every change is versioned and audited. */

export type SaveOutcome =
  | { status: 'saved'; review: Review; checked: CheckedScores }
  | { status: 'invalid'; review: Review; checked: CheckedScores }
  | { status: 'conflict'; review: Review }
  | { status: 'locked'; review: Review };

export interface ReviewInput {
  assignmentId: number;
  expertId: number;
  criteria: ScoringCriterion[];
  /** Criterion key → raw value from the form or sheet. */
  raw: Record<string, unknown>;
  comment: string;
  /** The version the client last saw; a newer one on the server means another tab saved first. */
  baseVersion: number;
}

/** The expert's review of an assignment, created empty on first open. Returns null when the assignment is not theirs. */
export async function openReview(db: Db, assignmentId: number, expertId: number): Promise<Review | null> {
  const assignment = await db
    .selectFrom('assignments')
    .selectAll()
    .where('id', '=', assignmentId)
    .where('expert_id', '=', expertId)
    .where('status', '=', 'active')
    .executeTakeFirst();
  if (!assignment) return null;
  const existing = await db.selectFrom('reviews').selectAll().where('assignment_id', '=', assignmentId).executeTakeFirst();
  if (existing) return existing;
  await db
    .insertInto('reviews')
    .values({
      assignment_id: assignmentId,
      contest_id: assignment.contest_id,
      entry_id: assignment.entry_id,
      expert_id: expertId,
      scores_json: reviewScores.write({}),
      comment: '',
      total: null,
      status: 'draft',
      version: 0,
      updated_at: nowIso(),
    })
    .onConflict((oc) => oc.column('assignment_id').doNothing())
    .execute();
  return db.selectFrom('reviews').selectAll().where('assignment_id', '=', assignmentId).executeTakeFirstOrThrow();
}

/** Saves a draft, or submits when `submit` is set; refuses stale versions and locked reviews without changing anything. */
export async function saveReview(db: Db, input: ReviewInput, submit = false): Promise<SaveOutcome | null> {
  const review = await openReview(db, input.assignmentId, input.expertId);
  if (!review) return null;
  return saveOpenedReview(db, review, input, submit);
}

/**
 * The save itself, for a caller that already holds the expert's review row (the scoring screen loads it together
 * with the entry): one transaction with the versioned update and its audit row, and no re-read on success.
 */
export async function saveOpenedReview(db: Db, review: Review, input: ReviewInput, submit = false): Promise<SaveOutcome> {
  if (review.expert_id !== input.expertId || review.assignment_id !== input.assignmentId) throw new Error('评分记录与评审任务不符');
  if (review.status === 'submitted') return { status: 'locked', review };
  if (review.version !== input.baseVersion) return { status: 'conflict', review };

  const checked = submit ? checkSubmission(input.criteria, input.raw, input.comment) : checkScores(input.criteria, input.raw);
  if (submit && checked.problems.length) return { status: 'invalid', review, checked };

  // Invalid values in a draft are not stored; the valid ones are, so nothing typed correctly is lost.
  const before = reviewScores.read(review.scores_json);
  const after: Record<string, number | null> = { ...before };
  for (const c of input.criteria) {
    if (!checked.problems.some((p) => p.field === c.key)) after[c.key] = checked.scores[c.key];
  }
  const total = Object.values(after).some((v) => v !== null && v !== undefined)
    ? Math.round(Object.values(after).reduce<number>((s, v) => s + (v ?? 0), 0) * 100) / 100
    : null;
  const now = nowIso();
  const next: Review = {
    ...review,
    scores_json: reviewScores.write(after),
    comment: input.comment,
    total,
    status: submit ? 'submitted' : review.status,
    version: review.version + 1,
    updated_at: now,
    submitted_at: submit ? now : review.submitted_at,
  };

  const changed = diff(before, after, review.comment, input.comment);
  const event: AuditEvent | null =
    changed || submit
      ? {
          userId: input.expertId,
          contestId: review.contest_id,
          action: submit ? 'review.submit' : 'review.save',
          subjectType: 'review',
          subjectId: review.id,
          oldValue: changed?.old ?? null,
          newValue: changed?.new ?? { total },
        }
      : null;
  const saved =
    dialectOf(db) === 'postgres' ? await saveInOneStatement(db, review, next, event) : await saveInTransaction(db, review, next, event);
  if (!saved) {
    const current = await db.selectFrom('reviews').selectAll().where('id', '=', review.id).executeTakeFirstOrThrow();
    return { status: current.status === 'submitted' ? 'locked' : 'conflict', review: current };
  }
  return { status: checked.problems.length ? 'invalid' : 'saved', review: next, checked };
}

/** The versioned update and its audit row in one transaction (SQLite: in-process, no round trips to save). */
async function saveInTransaction(db: Db, review: Review, next: Review, event: AuditEvent | null): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const result = await trx
      .updateTable('reviews')
      .set({
        scores_json: next.scores_json,
        comment: next.comment,
        total: next.total,
        status: next.status,
        version: next.version,
        updated_at: next.updated_at,
        submitted_at: next.submitted_at,
      })
      .where('id', '=', review.id)
      .where('version', '=', review.version)
      .where('status', '!=', 'submitted')
      // An assignment removed or declined meanwhile takes its review out of the expert's hands.
      .where((eb) =>
        eb.exists(eb.selectFrom('assignments').select('id').where('id', '=', review.assignment_id).where('status', '=', 'active')),
      )
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return false;
    if (event) await audit(trx, event);
    return true;
  });
}

/**
 * PostgreSQL: the versioned update and its audit row as one statement (a data-modifying WITH),
 * so a save is one round trip and one implicit transaction instead of four (BEGIN, UPDATE,
 * INSERT, COMMIT): the audit row is written exactly when the update is.
 */
async function saveInOneStatement(db: Db, review: Review, next: Review, event: AuditEvent | null): Promise<boolean> {
  const { rows } = await sql<{ saved: number }>`
    WITH updated AS (
      UPDATE reviews
      SET scores_json = ${next.scores_json}, comment = ${next.comment}, total = ${next.total}, status = ${next.status},
          version = ${next.version}, updated_at = ${next.updated_at}, submitted_at = ${next.submitted_at}
      WHERE id = ${review.id} AND version = ${review.version} AND status <> 'submitted'
        AND EXISTS (SELECT 1 FROM assignments WHERE id = ${review.assignment_id} AND status = 'active')
      RETURNING id
    ), logged AS (
      INSERT INTO audit_log (at, user_id, contest_id, action, subject_type, subject_id, old_value, new_value, reason)
      SELECT ${next.updated_at}, ${event?.userId ?? null}, ${event?.contestId ?? null}, ${event?.action ?? ''},
             ${event?.subjectType ?? ''}, ${String(review.id)}, ${auditText(event?.oldValue)}, ${auditText(event?.newValue)}, NULL
      FROM updated WHERE ${event !== null}
    )
    SELECT count(*)::int AS saved FROM updated`.execute(db);
  return rows[0]?.saved === 1;
}

/** 退回: the organizer unlocks a submitted review so the expert can change it. */
export async function returnReview(db: Db, reviewId: number, organizerId: number, reason: string): Promise<Review> {
  if (!reason.trim()) throw new Error('退回评分须填写原因');
  return db.transaction().execute(async (trx) => {
    const review = await trx.selectFrom('reviews').selectAll().where('id', '=', reviewId).executeTakeFirst();
    if (!review) throw new Error(`评分记录 ${reviewId} 不存在`);
    if (review.status !== 'submitted') throw new Error('只有已提交的评分可以退回');
    await trx
      .updateTable('reviews')
      .set({ status: 'returned', return_reason: reason, version: review.version + 1, updated_at: nowIso() })
      .where('id', '=', reviewId)
      .execute();
    await audit(trx, {
      userId: organizerId,
      contestId: review.contest_id,
      action: 'review.return',
      subjectType: 'review',
      subjectId: reviewId,
      oldValue: { status: 'submitted', total: review.total },
      newValue: { status: 'returned' },
      reason,
    });
    return trx.selectFrom('reviews').selectAll().where('id', '=', reviewId).executeTakeFirstOrThrow();
  });
}

function diff(before: Record<string, number | null>, after: Record<string, number | null>, oldComment: string, newComment: string) {
  const old: Record<string, unknown> = {};
  const next: Record<string, unknown> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if ((before[key] ?? null) !== (after[key] ?? null)) {
      old[key] = before[key] ?? null;
      next[key] = after[key] ?? null;
    }
  }
  if (oldComment !== newComment) {
    old.comment = oldComment;
    next.comment = newComment;
  }
  return Object.keys(next).length ? { old, new: next } : null;
}
