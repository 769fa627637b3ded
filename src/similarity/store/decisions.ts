import { formatRate } from '../rate-format.ts';
import { audit } from '../../audit/log.ts';
import { type Db, nowIso } from '../../db/connect.ts';
import type { SimilarityDecision } from '../../db/schema.ts';
import { decide } from '../../eligibility/store/decisions.ts';
import { inChunks } from '../../util/chunks.ts';
import { latestRun } from './queries.ts';

export const SIMILARITY_DECISIONS: readonly SimilarityDecision[] = ['取消资格', '保留'];

export const isSimilarityDecision = (value: unknown): value is SimilarityDecision =>
  SIMILARITY_DECISIONS.includes(value as SimilarityDecision);

export interface StoredDecision {
  id: number;
  entryId: number;
  decision: SimilarityDecision;
  rate: number | null;
  runVersion: number | null;
  reason: string;
  by: string | null;
  createdAt: string;
}

/**
 * The organizer's decision on an entry the latest scan flagged, with a required reason, audited.
 * 取消资格 goes through the eligibility decision (the entry leaves scoring and every award
 * denominator); 保留 keeps the entry in and is recorded the same way. Refusals are plain Errors
 * with a Chinese message.
 */
export async function decideOnEntry(
  db: Db,
  contestId: number,
  entryId: number,
  decision: SimilarityDecision,
  reason: string,
  userId: number | null,
): Promise<void> {
  if (!isSimilarityDecision(decision)) throw new Error(`未知的查重处理决定“${String(decision)}”，应为：${SIMILARITY_DECISIONS.join('、')}`);
  const why = reason?.trim();
  if (!why) throw new Error('请填写处理理由');
  await db.transaction().execute(async (trx) => {
    const run = await latestRun(trx, contestId);
    const scanned = run
      ? await trx
          .selectFrom('similarity_reports as r')
          .innerJoin('entries as e', 'e.id', 'r.entry_id')
          .select(['r.rate', 'e.status', 'e.code'])
          .where('r.run_id', '=', run.id)
          .where('r.entry_id', '=', entryId)
          .where('e.contest_id', '=', contestId)
          .orderBy('r.rate', 'desc')
          .executeTakeFirst()
      : undefined;
    if (!run || !scanned) throw new Error('该作品不在最近一次查重结果中，无法作出查重处理决定');
    const rate = Number(scanned.rate);
    // The status change and the decision's own record commit together or not at all.
    if (decision === '取消资格') await decide(trx, contestId, [entryId], '取消资格', `查重（重复率 ${formatRate(rate)}）：${why}`, userId);
    else if (scanned.status === 'disqualified') throw new Error(`作品 ${scanned.code} 已被取消资格；如需恢复参评，请在形式审查中重新审定`);
    await trx
      .insertInto('similarity_decisions')
      .values({
        contest_id: contestId,
        entry_id: entryId,
        run_id: run.id,
        decision,
        rate,
        reason: why,
        user_id: userId,
        created_at: nowIso(),
      })
      .execute();
    await audit(trx, {
      userId,
      contestId,
      action: 'similarity.decide',
      subjectType: 'entry',
      subjectId: entryId,
      newValue: { decision, rate, runVersion: run.version },
      reason: why,
    });
  });
}

/** Decisions on the given entries (all of the contest's when none are given), newest first. */
export async function listDecisions(db: Db, contestId: number, entryIds?: number[]): Promise<StoredDecision[]> {
  const query = () =>
    db
      .selectFrom('similarity_decisions as d')
      .leftJoin('users as u', 'u.id', 'd.user_id')
      .leftJoin('similarity_runs as r', 'r.id', 'd.run_id')
      .select(['d.id', 'd.entry_id', 'd.decision', 'd.rate', 'd.reason', 'd.created_at', 'u.display_name', 'r.version'])
      .where('d.contest_id', '=', contestId);
  const rows = entryIds
    ? (await Promise.all(inChunks(entryIds, 500).map((ids) => query().where('d.entry_id', 'in', ids).execute()))).flat()
    : await query().execute();
  return rows
    .map((r) => ({
      id: r.id,
      entryId: r.entry_id,
      decision: r.decision,
      rate: r.rate === null ? null : Number(r.rate),
      runVersion: r.version,
      reason: r.reason,
      by: r.display_name,
      createdAt: r.created_at,
    }))
    .sort((x, y) => y.id - x.id);
}

/** The latest decision on each of the given entries. */
export async function latestDecisions(db: Db, contestId: number, entryIds: number[]): Promise<Map<number, StoredDecision>> {
  const latest = new Map<number, StoredDecision>();
  if (entryIds.length === 0) return latest;
  for (const d of await listDecisions(db, contestId, entryIds)) if (!latest.has(d.entryId)) latest.set(d.entryId, d);
  return latest;
}
