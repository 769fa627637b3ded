import { type Db, inTransaction, nowIso } from '../../db/connect.ts';
import { audit } from '../../audit/log.ts';
import { authorsOfEntries } from '../../contests/authors.ts';
import { type AssignableEntry, type AssignableExpert, type AssignmentPlan, pickExtraReviewer, planAssignments } from '../assign.ts';
import { conflictReason } from '../conflicts.ts';
import { VALID_STATUSES } from '../../entries/status.ts';
import { autoAssignAudit } from '../../db/columns.ts';

/** Applies the pure assignment plan to a contest's panels, entries and experts. */

/** A panel key that ties a category (and optionally a group) to its experts. */
const panelKey = (categoryId: number | null, group: string | null) => `${categoryId ?? ''}|${group ?? ''}`;

export interface AssignRunOptions {
  perEntry: number;
  avoidSameCounty: boolean;
  userId: number | null;
}

export interface AssignRunResult extends AssignmentPlan {
  /** Entries left without a panel (no panel covers their category). */
  unpanelled: number[];
}

/** A contest's reviewable entries with their panel keys and authors, and the experts of its panels. */
async function loadAssignables(db: Db, contestId: number) {
  const panels = await db.selectFrom('panels').selectAll().where('contest_id', '=', contestId).execute();
  const members = panels.length
    ? await db
        .selectFrom('panel_members')
        .innerJoin('users', 'users.id', 'panel_members.user_id')
        .select(['panel_members.panel_id', 'users.id', 'users.unit', 'users.county'])
        .where(
          'panel_members.panel_id',
          'in',
          panels.map((p) => p.id),
        )
        .execute()
    : [];
  const entries = await db
    .selectFrom('entries')
    .select(['id', 'category_id', 'group_name'])
    .where('contest_id', '=', contestId)
    .where('status', 'in', [...VALID_STATUSES])
    // Entries held at intake (逾期, over a quota) or refused are not judged.
    .where('intake', '=', 'admitted')
    .orderBy('id')
    .execute();
  const authors = await authorsOfEntries(
    db,
    entries.map((e) => e.id),
  );

  // A panel for a whole category serves every group of it; a group panel only its group.
  const panelFor = (categoryId: number | null, group: string | null) =>
    panels.find((p) => p.category_id === categoryId && p.group_name !== null && p.group_name === group) ??
    panels.find((p) => p.category_id === categoryId && p.group_name === null);

  const experts = new Map<number, AssignableExpert>();
  for (const m of members) {
    const panel = panels.find((p) => p.id === m.panel_id);
    if (!panel) throw new Error(`Panel member ${m.id} belongs to panel ${m.panel_id}, which was not loaded`);
    const x = experts.get(m.id) ?? { id: m.id, unit: m.unit, county: m.county, panels: [] };
    x.panels.push(panelKey(panel.category_id, panel.group_name));
    experts.set(m.id, x);
  }

  const unpanelled: number[] = [];
  const assignable: AssignableEntry[] = [];
  for (const e of entries) {
    const panel = panelFor(e.category_id, e.group_name);
    if (!panel) {
      unpanelled.push(e.id);
      continue;
    }
    assignable.push({
      id: e.id,
      panel: panelKey(panel.category_id, panel.group_name),
      authors: authors.get(e.id) ?? [],
    });
  }
  return { assignable, experts: [...experts.values()], unpanelled };
}

export async function runAutoAssign(db: Db, contestId: number, options: AssignRunOptions): Promise<AssignRunResult> {
  const { assignable, experts, unpanelled } = await loadAssignables(db, contestId);
  const current = await db
    .selectFrom('assignments')
    .leftJoin('reviews', 'reviews.assignment_id', 'assignments.id')
    .select(['assignments.id', 'assignments.entry_id', 'assignments.expert_id', 'assignments.status', 'reviews.version'])
    .where('assignments.contest_id', '=', contestId)
    .execute();
  const declined = current.filter((a) => a.status === 'declined').map((a) => ({ entryId: a.entry_id, expertId: a.expert_id }));
  const active = current
    .filter((a) => a.status === 'active')
    .map((a) => ({ entryId: a.entry_id, expertId: a.expert_id, locked: (a.version ?? 0) > 0 }));

  const plan = planAssignments(assignable, experts, active, { ...options, declined });

  await db.transaction().execute(async (trx) => {
    const now = nowIso();
    for (const r of plan.removed) {
      await trx
        .updateTable('assignments')
        .set({ status: 'removed', reason: '自动分配调整' })
        .where('entry_id', '=', r.entryId)
        .where('expert_id', '=', r.expertId)
        .where('status', '=', 'active')
        .execute();
    }
    for (const a of plan.added) {
      // A pair removed earlier comes back as active rather than as a second row.
      await trx
        .insertInto('assignments')
        .values({ contest_id: contestId, entry_id: a.entryId, expert_id: a.expertId, status: 'active', reason: null, created_at: now })
        .onConflict((oc) => oc.columns(['entry_id', 'expert_id']).doUpdateSet({ status: 'active', reason: null }))
        .execute();
    }
    await audit(trx, {
      userId: options.userId,
      contestId,
      action: 'assignment.auto',
      subjectType: 'contest',
      subjectId: contestId,
      oldValue: { active: active.length },
      newValue: {
        added: plan.added.length,
        removed: plan.removed.length,
        shortfalls: plan.shortfalls.length,
        perEntry: options.perEntry,
        avoidSameCounty: options.avoidSameCounty,
      },
    });
  });
  return { ...plan, unpanelled };
}

/** 回避: the expert declares a conflict; the assignment is declined and the entry gets another reviewer. */
export async function declareConflict(
  db: Db,
  assignmentId: number,
  expertId: number,
  reason: string,
  rerun: Omit<AssignRunOptions, 'userId'>,
): Promise<AssignRunResult> {
  if (!reason.trim()) throw new Error('申请回避须说明原因');
  const a = await db
    .selectFrom('assignments')
    .selectAll()
    .where('id', '=', assignmentId)
    .where('expert_id', '=', expertId)
    .executeTakeFirst();
  if (a?.status !== 'active') throw new Error('该评审任务不存在或已调整');
  const review = await db.selectFrom('reviews').select('status').where('assignment_id', '=', assignmentId).executeTakeFirst();
  if (review?.status === 'submitted') throw new Error('评分已提交，不能再申请回避');
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('assignments').set({ status: 'declined', reason }).where('id', '=', assignmentId).execute();
    await audit(trx, {
      userId: expertId,
      contestId: a.contest_id,
      action: 'assignment.decline',
      subjectType: 'assignment',
      subjectId: assignmentId,
      oldValue: { status: 'active' },
      newValue: { status: 'declined' },
      reason,
    });
  });
  return runAutoAssign(db, a.contest_id, { ...rerun, userId: expertId });
}

const requireReason = (reason: string) => {
  if (!reason.trim()) throw new Error('调整评审分配须填写原因');
};

/**
 * Manual add / remove by the organizer, always with a reason: sets one entry–expert pair active or removed, with its
 * audit row, in one transaction (the caller's when `db` is one).
 */
export async function setAssignment(
  db: Db,
  contestId: number,
  entryId: number,
  expertId: number,
  active: boolean,
  reason: string,
  userId: number,
): Promise<void> {
  requireReason(reason);
  await inTransaction(db, async (trx) => {
    const entry = await trx
      .selectFrom('entries')
      .select('id')
      .where('id', '=', entryId)
      .where('contest_id', '=', contestId)
      .executeTakeFirst();
    if (!entry) throw new Error(`作品 ${entryId} 不属于本竞赛`);
    const existing = await trx
      .selectFrom('assignments')
      .selectAll()
      .where('entry_id', '=', entryId)
      .where('expert_id', '=', expertId)
      .executeTakeFirst();
    const status = active ? 'active' : 'removed';
    if (existing) {
      await trx.updateTable('assignments').set({ status, reason }).where('id', '=', existing.id).execute();
    } else if (active) {
      await trx
        .insertInto('assignments')
        .values({ contest_id: contestId, entry_id: entryId, expert_id: expertId, status, reason, created_at: nowIso() })
        .execute();
    }
    await audit(trx, {
      userId,
      contestId,
      action: active ? 'assignment.add' : 'assignment.remove',
      subjectType: 'entry',
      subjectId: entryId,
      oldValue: existing ? { expertId, status: existing.status } : null,
      newValue: { expertId, status },
      reason,
    });
  });
}

/** Hands an entry from one expert to another: both changes commit together, each audited with the reason. */
export async function moveAssignment(
  db: Db,
  contestId: number,
  entryId: number,
  fromExpertId: number,
  toExpertId: number,
  reason: string,
  userId: number,
): Promise<void> {
  requireReason(reason);
  if (fromExpertId === toExpertId) throw new Error('请选择另一位专家');
  await db.transaction().execute(async (trx) => {
    const from = await trx
      .selectFrom('assignments')
      .select('status')
      .where('entry_id', '=', entryId)
      .where('expert_id', '=', fromExpertId)
      .executeTakeFirst();
    if (from?.status !== 'active') throw new Error('原专家并未评审这件作品');
    await setAssignment(trx, contestId, entryId, fromExpertId, false, reason, userId);
    await setAssignment(trx, contestId, entryId, toExpertId, true, reason, userId);
  });
}

/** Why this expert must not review this entry (回避), or null; the same rules automatic assignment uses. */
export async function assignmentConflict(db: Db, entryId: number, expertId: number, avoidSameCounty: boolean): Promise<string | null> {
  const expert = await db
    .selectFrom('users')
    .select(['unit', 'county'])
    .where('id', '=', expertId)
    .where('role', '=', 'expert')
    .executeTakeFirst();
  if (!expert) return '该用户不是评审专家';
  const authors = await db.selectFrom('authors').select(['unit', 'county']).where('entry_id', '=', entryId).execute();
  return conflictReason(expert, authors, { avoidSameCounty });
}

/** The options of the contest's last automatic run, which re-runs (回避) repeat; the rule set's defaults before any. */
export async function lastAssignOptions(db: Db, contestId: number, defaultPerEntry: number): Promise<Omit<AssignRunOptions, 'userId'>> {
  const last = await db
    .selectFrom('audit_log')
    .select('new_value')
    .where('contest_id', '=', contestId)
    .where('action', '=', 'assignment.auto')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const saved = last?.new_value ? autoAssignAudit.read(last.new_value) : {};
  return { perEntry: saved.perEntry ?? defaultPerEntry, avoidSameCounty: saved.avoidSameCounty ?? false };
}

/**
 * One more reviewer for an entry (scores too far apart, or a review missing): the least-loaded expert of its panel
 * who has no conflict and is not on it yet. Returns the expert's id, or null when nobody is left.
 */
export async function addExtraReviewer(
  db: Db,
  contestId: number,
  entryId: number,
  avoidSameCounty: boolean,
  reason: string,
  userId: number,
): Promise<number | null> {
  requireReason(reason);
  const { assignable, experts } = await loadAssignables(db, contestId);
  const entry = assignable.find((e) => e.id === entryId);
  if (!entry) return null;
  const rows = await db.selectFrom('assignments').select(['entry_id', 'expert_id', 'status']).where('contest_id', '=', contestId).execute();
  const loads = new Map<number, number>();
  for (const r of rows) if (r.status === 'active') loads.set(r.expert_id, (loads.get(r.expert_id) ?? 0) + 1);
  // Current reviewers and experts who declared a conflict are never picked; removed ones may come back.
  const exclude = new Set(rows.filter((r) => r.entry_id === entryId && r.status !== 'removed').map((r) => r.expert_id));
  const expertId = pickExtraReviewer(entry, experts, loads, exclude, { avoidSameCounty });
  if (expertId !== null) await setAssignment(db, contestId, entryId, expertId, true, reason, userId);
  return expertId;
}
