import { audit } from '../../audit/log.ts';
import { type Db, nowIso } from '../../db/connect.ts';
import type { IntakeDecisionKind } from '../../db/schema.ts';
import { shanghaiMinute } from '../../util/time.ts';
import { pickProblem, QUOTA_DECISIONS, type QuotaDecisionKind, type UnitQuotaReport } from '../quotas.ts';
import { intakeStageFor } from '../stages.ts';
import { type IntakeSnapshot, loadIntake, settleIntake } from './settle.ts';

/** The organizer's intake decisions (quotas, late entries) and a unit's own pick within its quota, each audited. */

export class IntakeError extends Error {}

async function record(
  db: Db,
  row: {
    contestId: number;
    unitId: number | null;
    entryId: number | null;
    quota: string | null;
    decision: IntakeDecisionKind;
    count: number;
  },
  reason: string | null,
  userId: number | null,
  details: unknown,
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('intake_decisions')
      .values({
        contest_id: row.contestId,
        unit_id: row.unitId,
        entry_id: row.entryId,
        quota: row.quota,
        decision: row.decision,
        count: row.count,
        reason,
        user_id: userId,
        created_at: nowIso(),
      })
      .execute();
    await audit(trx, {
      userId,
      contestId: row.contestId,
      action: `intake.${row.decision}`,
      subjectType: row.entryId ? 'entry' : 'unit',
      subjectId: row.entryId ?? row.unitId,
      newValue: details,
      reason,
    });
  });
}

async function setIntake(db: Db, ids: number[], values: { intake?: 'admitted' | 'held' | 'refused'; picked?: number }): Promise<void> {
  if (ids.length) await db.updateTable('entries').set(values).where('id', 'in', ids).execute();
}

function unitReport(state: IntakeSnapshot, unitId: number, quota?: string): UnitQuotaReport {
  const report = state.report.units.find((u) => u.unit?.id === unitId && (quota === undefined || u.quota === quota));
  if (!report) throw new IntakeError('该单位没有需占名额的作品');
  return report;
}

/**
 * The organizer's choice for a unit over its quota: refuse the surplus (the entries past the quota in the
 * order they arrived), ask the unit to choose (all its counted entries held until it submits its pick), or
 * accept them all — a reason is required for that.
 */
export async function decideQuota(
  db: Db,
  contestId: number,
  unitId: number,
  quota: string,
  decision: QuotaDecisionKind,
  reason: string | null,
  userId: number | null,
): Promise<UnitQuotaReport> {
  const state = await loadIntake(db, contestId);
  const report = unitReport(state, unitId, quota);
  const why = reason?.trim() || null;
  if (decision === 'accept' && !why) throw new IntakeError('全部接受超出名额的作品须说明理由');
  if (report.over <= 0 && decision !== 'accept') throw new IntakeError(`${report.unitName}未超出名额，无需处理`);
  const counted = report.counted.map((e) => e.id);
  if (decision === 'accept') await setIntake(db, counted, { intake: 'admitted' });
  if (decision === 'refuse-surplus')
    await setIntake(
      db,
      report.surplus.map((e) => e.id),
      { intake: 'refused', picked: 0 },
    );
  if (decision === 'ask-unit') await setIntake(db, counted, { intake: 'held', picked: 0 });
  // Late entries stay held whatever the quota decision: lateness is decided on its own.
  const late = state.entries.filter((e) => e.late && e.intake === 'held' && counted.includes(e.id)).map((e) => e.id);
  if (decision !== 'refuse-surplus') await setIntake(db, late, { intake: 'held' });
  await record(db, { contestId, unitId, entryId: null, quota, decision, count: report.count }, why, userId, {
    unit: report.unitName,
    quota,
    max: report.max,
    count: report.count,
    decision: QUOTA_DECISIONS[decision],
    surplus: report.surplus.map((e) => e.code),
  });
  return unitReport(await loadIntake(db, contestId), unitId, quota);
}

/** Admits or refuses entries that arrived after their stage closed; admitted ones then count against their quota. */
export async function decideLate(
  db: Db,
  contestId: number,
  entryIds: number[],
  admit: boolean,
  reason: string | null,
  userId: number | null,
) {
  const why = reason?.trim() || null;
  if (admit && !why) throw new IntakeError('接受逾期作品须说明理由');
  const rows = await db
    .selectFrom('entries')
    .select(['id', 'code', 'unit_id'])
    .where('contest_id', '=', contestId)
    .where('id', 'in', entryIds.length ? entryIds : [-1])
    .where('late', '=', 1)
    .where('intake', '=', 'held')
    .execute();
  if (rows.length === 0) throw new IntakeError('所选作品中没有待决定的逾期作品');
  await setIntake(
    db,
    rows.map((r) => r.id),
    { intake: admit ? 'admitted' : 'refused' },
  );
  for (const r of rows) {
    await record(
      db,
      { contestId, unitId: r.unit_id, entryId: r.id, quota: null, decision: admit ? 'admit-late' : 'refuse-late', count: 1 },
      why,
      userId,
      {
        code: r.code,
      },
    );
  }
  if (admit) await settleIntake(db, contestId, { batchId: null, userId });
  return rows.map((r) => r.code);
}

/** The close of the stage a unit sends its entries in, as Chinese text, when it has passed. */
function closedFor(state: IntakeSnapshot, unitId: number, now: Date): string | null {
  const stage = intakeStageFor(state.schedule, state.tree.submitting(unitId)?.kind ?? null);
  if (!stage?.closesAt || new Date(stage.closesAt).getTime() > now.getTime()) return null;
  return `${stage.name}已于 ${shanghaiMinute(stage.closesAt)} 截止`;
}

/** A unit's pick (or un-pick) of one of its entries while it chooses within its quota; refused past the quota or the deadline. */
export async function setPick(
  db: Db,
  contestId: number,
  unitId: number,
  entryId: number,
  picked: boolean,
  userId: number | null,
  now = new Date(),
) {
  const state = await loadIntake(db, contestId);
  const closed = closedFor(state, unitId, now);
  if (closed) throw new IntakeError(`${closed}，不能再更改推荐`);
  const report = unitReport(state, unitId);
  if (!report.counted.some((e) => e.id === entryId)) throw new IntakeError('该作品不是本单位需占名额的作品');
  const current = await db
    .selectFrom('entries')
    .select('id')
    .where('contest_id', '=', contestId)
    .where(
      'id',
      'in',
      report.counted.map((e) => e.id),
    )
    .where('picked', '=', 1)
    .execute();
  const ids = new Set(current.map((r) => r.id));
  if (picked) ids.add(entryId);
  else ids.delete(entryId);
  const problem = pickProblem(report, [...ids]);
  if (picked && problem) throw new IntakeError(`已选满 ${report.max} 件，不能再选：${problem}`);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('entries')
      .set({ picked: picked ? 1 : 0 })
      .where('id', '=', entryId)
      .execute();
    await audit(trx, {
      userId,
      contestId,
      action: picked ? 'intake.pick' : 'intake.unpick',
      subjectType: 'entry',
      subjectId: entryId,
      newValue: { unitId },
    });
  });
  return { picked: ids.size, max: report.max };
}

/** The unit submits its pick: picked entries go on (admitted), the others of its quota are refused. */
export async function submitPicks(db: Db, contestId: number, unitId: number, userId: number | null, now = new Date()) {
  const state = await loadIntake(db, contestId);
  const closed = closedFor(state, unitId, now);
  if (closed) throw new IntakeError(`${closed}，不能再提交推荐`);
  const report = unitReport(state, unitId);
  const rows = await db
    .selectFrom('entries')
    .select(['id', 'code', 'picked'])
    .where(
      'id',
      'in',
      report.counted.map((e) => e.id),
    )
    .execute();
  const picked = rows.filter((r) => r.picked === 1);
  if (picked.length === 0) throw new IntakeError('还没有选择任何作品');
  const problem = pickProblem(
    report,
    picked.map((r) => r.id),
  );
  if (problem) throw new IntakeError(problem);
  const late = new Set(state.entries.filter((e) => e.late && e.intake === 'held').map((e) => e.id));
  await setIntake(
    db,
    picked.filter((r) => !late.has(r.id)).map((r) => r.id),
    { intake: 'admitted' },
  );
  const dropped = rows.filter((r) => r.picked !== 1);
  await setIntake(
    db,
    dropped.map((r) => r.id),
    { intake: 'refused' },
  );
  await record(db, { contestId, unitId, entryId: null, quota: report.quota, decision: 'unit-submit', count: picked.length }, null, userId, {
    unit: report.unitName,
    picked: picked.map((r) => r.code),
    notPicked: dropped.map((r) => r.code),
  });
  return { picked: picked.length, refused: dropped.length, max: report.max };
}
