import { audit } from '../../audit/log.ts';
import { type Db, nowIso } from '../../db/connect.ts';

/**
 * Common passages the organizer rules are not duplication (a phrase every entrant was asked to
 * use, a slogan of the notice). From the next scan on they are treated as template text: counted
 * neither as duplicate nor in the document's length, as the engine does for template files.
 */

export interface Exclusion {
  id: number;
  text: string;
  reason: string;
  by: string | null;
  createdAt: string;
}

export async function listExclusions(db: Db, contestId: number): Promise<Exclusion[]> {
  const rows = await db
    .selectFrom('similarity_exclusions as x')
    .leftJoin('users as u', 'u.id', 'x.user_id')
    .select(['x.id', 'x.text', 'x.reason', 'x.created_at', 'u.display_name'])
    .where('x.contest_id', '=', contestId)
    .orderBy('x.id')
    .execute();
  return rows.map((r) => ({ id: r.id, text: r.text, reason: r.reason, by: r.display_name, createdAt: r.created_at }));
}

const requireReason = (reason: string): string => {
  const why = reason?.trim();
  if (!why) throw new Error('请填写理由');
  return why;
};

/** Excludes the common passage `commonId` of one of the contest's runs. */
export async function excludeCommonPassage(
  db: Db,
  contestId: number,
  commonId: number,
  reason: string,
  userId: number | null,
): Promise<void> {
  const why = requireReason(reason);
  await db.transaction().execute(async (trx) => {
    const common = await trx
      .selectFrom('similarity_common as c')
      .innerJoin('similarity_runs as r', 'r.id', 'c.run_id')
      .select(['c.text', 'c.entries'])
      .where('c.id', '=', commonId)
      .where('r.contest_id', '=', contestId)
      .executeTakeFirst();
    if (!common) throw new Error('该公共文本不在本竞赛的查重结果中');
    const already = await trx
      .selectFrom('similarity_exclusions')
      .select('id')
      .where('contest_id', '=', contestId)
      .where('text', '=', common.text)
      .executeTakeFirst();
    if (already) throw new Error('该公共文本已经排除');
    const { id } = await trx
      .insertInto('similarity_exclusions')
      .values({ contest_id: contestId, text: common.text, reason: why, user_id: userId, created_at: nowIso() })
      .returning('id')
      .executeTakeFirstOrThrow();
    await audit(trx, {
      userId,
      contestId,
      action: 'similarity.exclude',
      subjectType: 'similarity_exclusion',
      subjectId: id,
      newValue: { text: common.text, entries: common.entries },
      reason: why,
    });
  });
}

/** Counts an excluded passage as duplicate again (from the next scan on). */
export async function restoreCommonPassage(
  db: Db,
  contestId: number,
  exclusionId: number,
  reason: string,
  userId: number | null,
): Promise<void> {
  const why = requireReason(reason);
  await db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('similarity_exclusions')
      .select('text')
      .where('id', '=', exclusionId)
      .where('contest_id', '=', contestId)
      .executeTakeFirst();
    if (!row) throw new Error('该排除记录不存在');
    await trx.deleteFrom('similarity_exclusions').where('id', '=', exclusionId).execute();
    await audit(trx, {
      userId,
      contestId,
      action: 'similarity.restore',
      subjectType: 'similarity_exclusion',
      subjectId: exclusionId,
      oldValue: { text: row.text },
      reason: why,
    });
  });
}
