import { audit } from '../../audit/log.ts';
import { type Db, inTransaction, nowIso } from '../../db/connect.ts';
import type { EntryStatus } from '../../db/schema.ts';
import { inChunks } from '../../util/chunks.ts';

/** The organizer's decisions and the entry status each one sets. */
export const DECISIONS = { 通过: 'eligible', 退回修改: 'returned', 取消资格: 'disqualified' } as const satisfies Record<
  string,
  EntryStatus
>;
export type EligibilityDecision = keyof typeof DECISIONS;

/** The decision that set a status, for showing stored decisions. */
export const decisionOf = (status: EntryStatus): EligibilityDecision | null =>
  (Object.keys(DECISIONS) as EligibilityDecision[]).find((d) => DECISIONS[d] === status) ?? null;

export const isDecision = (value: unknown): value is EligibilityDecision => typeof value === 'string' && value in DECISIONS;

/**
 * Records the organizer's decision on one or more entries (a bulk decision is the same call
 * with many ids): sets entries.status — eligible, returned or disqualified; disqualified
 * entries drop out of scoring and of every award denominator — stores the decision with
 * its reason, and audits each entry, all in one transaction: the caller's when `db` is one, so a
 * decision taken elsewhere (查重, 一稿多投) and its own record commit together. A reason is required.
 * Returns how many entries changed status.
 */
export async function decide(
  db: Db,
  contestId: number,
  entryIds: number[],
  decision: EligibilityDecision,
  reason: string,
  userId: number | null,
): Promise<{ decided: number; changed: number }> {
  if (!isDecision(decision)) throw new Error(`未知的审定结果“${String(decision)}”，应为：${Object.keys(DECISIONS).join('、')}`);
  const why = reason?.trim();
  if (!why) throw new Error('请填写审定理由');
  const ids = [...new Set(entryIds)];
  if (ids.length === 0) throw new Error('没有选中任何作品');
  const status = DECISIONS[decision];
  return inTransaction(db, async (trx) => {
    const entries: { id: number; code: string; status: EntryStatus }[] = [];
    for (const part of inChunks(ids, 500))
      entries.push(
        ...(await trx
          .selectFrom('entries')
          .select(['id', 'code', 'status'])
          .where('contest_id', '=', contestId)
          .where('id', 'in', part)
          .execute()),
      );
    const found = new Set(entries.map((e) => e.id));
    const foreign = ids.filter((id) => !found.has(id));
    if (foreign.length) throw new Error(`以下作品不属于本竞赛：${foreign.join('、')}`);
    const withdrawn = entries.filter((e) => e.status === 'withdrawn');
    if (withdrawn.length) throw new Error(`作品 ${withdrawn.map((e) => e.code).join('、')} 已撤回，不能审定`);

    const now = nowIso();
    for (const part of inChunks(entries, 500)) {
      await trx
        .updateTable('entries')
        .set({ status, updated_at: now })
        .where(
          'id',
          'in',
          part.map((e) => e.id),
        )
        .execute();
      for (const rows of inChunks(part, 100)) {
        await trx
          .insertInto('eligibility_decisions')
          .values(
            rows.map((e) => ({
              contest_id: contestId,
              entry_id: e.id,
              status,
              previous_status: e.status,
              reason: why,
              user_id: userId,
              created_at: now,
            })),
          )
          .execute();
      }
    }
    for (const e of entries) {
      await audit(trx, {
        userId,
        contestId,
        action: 'eligibility.decide',
        subjectType: 'entry',
        subjectId: e.id,
        oldValue: e.status,
        newValue: { decision, status },
        reason: why,
      });
    }
    return { decided: entries.length, changed: entries.filter((e) => e.status !== status).length };
  });
}
