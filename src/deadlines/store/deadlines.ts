import { audit } from '../../audit/log.ts';
import { type Db, nowIso } from '../../db/connect.ts';
import { deadlineFor, type StageDeadline } from '../deadlines.ts';

/** The deadlines table: a contest's closing times per stage, and a panel's own for judging. */

export async function contestDeadlines(db: Db, contestId: number): Promise<StageDeadline[]> {
  const rows = await db
    .selectFrom('deadlines')
    .select(['stage', 'panel_id', 'closes_at'])
    .where('contest_id', '=', contestId)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ stage: r.stage, panelId: r.panel_id, closesAt: r.closes_at }));
}

export interface DeadlineChange {
  contestId: number;
  stage: string;
  /** null: the contest's closing time. */
  panelId: number | null;
  /** ISO instant; null removes the closing time. */
  closesAt: string | null;
  userId: number | null;
}

/** Sets (or removes) one closing time, audited; a panel must be the contest's. */
export async function setDeadline(db: Db, change: DeadlineChange): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (change.panelId !== null) {
      const panel = await trx
        .selectFrom('panels')
        .select('id')
        .where('id', '=', change.panelId)
        .where('contest_id', '=', change.contestId)
        .executeTakeFirst();
      if (!panel) throw new Error('评审组不属于本竞赛');
    }
    let existing = trx
      .selectFrom('deadlines')
      .select(['id', 'closes_at'])
      .where('contest_id', '=', change.contestId)
      .where('stage', '=', change.stage);
    existing = change.panelId === null ? existing.where('panel_id', 'is', null) : existing.where('panel_id', '=', change.panelId);
    const before = await existing.executeTakeFirst();
    if ((before?.closes_at ?? null) === change.closesAt) return;
    if (before) await trx.deleteFrom('deadlines').where('id', '=', before.id).execute();
    if (change.closesAt !== null) {
      await trx
        .insertInto('deadlines')
        .values({
          contest_id: change.contestId,
          stage: change.stage,
          panel_id: change.panelId,
          closes_at: change.closesAt,
          user_id: change.userId,
          updated_at: nowIso(),
        })
        .execute();
    }
    await audit(trx, {
      userId: change.userId,
      contestId: change.contestId,
      action: 'deadline.set',
      subjectType: change.panelId === null ? 'contest' : 'panel',
      subjectId: change.panelId ?? change.contestId,
      oldValue: before ? { stage: change.stage, closesAt: before.closes_at } : null,
      newValue: { stage: change.stage, closesAt: change.closesAt },
    });
  });
}

/** The judging closing time that applies to an expert in each of the given contests (their panels' own, else the contest's). */
export async function expertDeadlines(db: Db, expertId: number, contestIds: number[], stage: string): Promise<Map<number, StageDeadline>> {
  const found = new Map<number, StageDeadline>();
  if (contestIds.length === 0) return found;
  const [rows, memberships] = await Promise.all([
    db.selectFrom('deadlines').select(['contest_id', 'stage', 'panel_id', 'closes_at']).where('contest_id', 'in', contestIds).execute(),
    db
      .selectFrom('panel_members as m')
      .innerJoin('panels as p', 'p.id', 'm.panel_id')
      .select(['p.contest_id', 'p.id'])
      .where('m.user_id', '=', expertId)
      .where('p.contest_id', 'in', contestIds)
      .execute(),
  ]);
  for (const contestId of contestIds) {
    const own = rows.filter((r) => r.contest_id === contestId).map((r) => ({ stage: r.stage, panelId: r.panel_id, closesAt: r.closes_at }));
    const panels = memberships.filter((m) => m.contest_id === contestId).map((m) => m.id);
    const deadline = deadlineFor(own, stage, panels);
    if (deadline) found.set(contestId, deadline);
  }
  return found;
}
