import { audit } from '../../audit/log.ts';
import { contestRuleSet, getContest } from '../../contests/index.ts';
import { type Db, nowIso } from '../../db/connect.ts';
import type { ImportProblem } from '../../ingest/problems.ts';
import { parseRuleSet } from '../../rules/load.ts';
import type { RuleSet } from '../../rules/schema.ts';
import { loadUnitTree } from '../../units/store/units.ts';
import type { UnitTree } from '../../units/tree.ts';
import { type IntakeEntry, type IntakeQuotaReport, intakeQuotaReport, type QuotaDecision } from '../quotas.ts';
import { arrivedLate, intakeStageFor, type StageDates, stageSchedule } from '../stages.ts';

/** Everything intake decisions read, loaded once. */
export interface IntakeSnapshot {
  ruleSet: RuleSet;
  tree: UnitTree;
  schedule: StageDates[];
  entries: IntakeEntry[];
  decisions: QuotaDecision[];
  report: IntakeQuotaReport;
}

/** The contest's stages with the contest's own dates over the rule set's. */
export async function contestSchedule(db: Db, contestId: number, ruleSet?: RuleSet): Promise<StageDates[]> {
  const contest = await getContest(db, contestId);
  if (!contest) throw new Error(`找不到编号为 ${contestId} 的竞赛`);
  const rules = ruleSet ?? (await contestRuleSet(db, contestId));
  const own = await db
    .selectFrom('deadlines')
    .select(['stage', 'closes_at'])
    .where('contest_id', '=', contestId)
    .where('panel_id', 'is', null)
    .execute();
  return stageSchedule(
    rules.stages,
    contest.created_at,
    own.map((d) => ({ stageKey: d.stage, closesAt: d.closes_at })),
  );
}

export async function loadIntake(db: Db, contestId: number): Promise<IntakeSnapshot> {
  const ruleSet = await contestRuleSet(db, contestId);
  const [tree, schedule] = await Promise.all([loadUnitTree(db, contestId), contestSchedule(db, contestId, ruleSet)]);
  const rows = await db
    .selectFrom('entries as e')
    .leftJoin('categories as c', 'c.id', 'e.category_id')
    .select(['e.id', 'e.code', 'e.title', 'e.unit_id', 'c.key as category_key', 'e.group_name', 'e.intake', 'e.late'])
    .where('e.contest_id', '=', contestId)
    .where('e.status', '!=', 'withdrawn')
    .orderBy('e.id')
    .execute();
  const entries = rows.map(
    (r): IntakeEntry => ({
      id: r.id,
      code: r.code,
      title: r.title,
      unitId: r.unit_id,
      categoryKey: r.category_key,
      group: r.group_name,
      intake: r.intake,
      late: r.late === 1,
    }),
  );
  const decisionRows = await db
    .selectFrom('intake_decisions as d')
    .leftJoin('users as u', 'u.id', 'd.user_id')
    .select(['d.unit_id', 'd.quota', 'd.decision', 'd.count', 'd.reason', 'd.created_at', 'u.display_name'])
    .where('d.contest_id', '=', contestId)
    .where('d.quota', 'is not', null)
    .orderBy('d.id', 'desc')
    .execute();
  // The latest decision per unit and quota is in force.
  const decisions: QuotaDecision[] = [];
  for (const d of decisionRows) {
    if (d.unit_id === null || d.quota === null || decisions.some((x) => x.unitId === d.unit_id && x.quota === d.quota)) continue;
    if (d.decision !== 'refuse-surplus' && d.decision !== 'ask-unit' && d.decision !== 'accept') continue;
    decisions.push({
      unitId: d.unit_id,
      quota: d.quota,
      decision: d.decision,
      count: d.count,
      reason: d.reason,
      by: d.display_name,
      at: d.created_at,
    });
  }
  return { ruleSet, tree, schedule, entries, decisions, report: intakeQuotaReport(ruleSet.quotas, tree, entries, decisions) };
}

export interface SettleResult {
  /** Entries of the batch that arrived after their stage closed, now held. */
  late: string[];
  /** Entries held because their unit is over its quota. */
  held: string[];
  /** Chinese lines for the import's report: late entries and units over their quota. */
  messages: ImportProblem[];
}

/**
 * Runs after an import (or a unit's upload): entries the batch brought in after their stage closed are
 * marked 逾期 and held for the organizer; a unit over its quota with no decision covering it has its surplus
 * (the entries past the quota, in the order they arrived) held. Plain function: the import job calls it.
 */
export async function settleIntake(
  db: Db,
  contestId: number,
  opts: { batchId: number | null; userId: number | null; at?: string },
): Promise<SettleResult> {
  const at = opts.at ?? nowIso();
  const contest = await getContest(db, contestId);
  // A contest whose own rule set no longer parses has no stages or quotas to settle against.
  if (!contest || !parseRuleSet(contest.rules_yaml, contest.rules_source).ok) return { late: [], held: [], messages: [] };
  const before = await loadIntake(db, contestId);
  const late: string[] = [];
  if (opts.batchId !== null) {
    const touched = await db
      .selectFrom('entries')
      .select(['id', 'code', 'unit_id'])
      .where('contest_id', '=', contestId)
      .where('batch_id', '=', opts.batchId)
      .where('late', '=', 0)
      .where('intake', '=', 'admitted')
      .execute();
    await db.transaction().execute(async (trx) => {
      for (const e of touched) {
        const stage = intakeStageFor(before.schedule, before.tree.submitting(e.unit_id)?.kind ?? null);
        if (!arrivedLate(stage, at)) continue;
        await trx.updateTable('entries').set({ late: 1, intake: 'held' }).where('id', '=', e.id).execute();
        await audit(trx, {
          userId: opts.userId,
          contestId,
          action: 'intake.late',
          subjectType: 'entry',
          subjectId: e.id,
          newValue: { code: e.code, stage: stage?.name, closesAt: stage?.closesAt, arrivedAt: at },
        });
        late.push(e.code);
      }
    });
  }
  const state = late.length ? await loadIntake(db, contestId) : before;
  const held: string[] = [];
  await db.transaction().execute(async (trx) => {
    for (const u of state.report.open) {
      if (u.decision?.decision === 'ask-unit') continue;
      const ids = new Set(u.surplus.map((e) => e.id));
      const toHold = state.entries.filter((e) => ids.has(e.id) && e.intake === 'admitted');
      if (!toHold.length) continue;
      await trx
        .updateTable('entries')
        .set({ intake: 'held' })
        .where(
          'id',
          'in',
          toHold.map((e) => e.id),
        )
        .execute();
      await audit(trx, {
        userId: opts.userId,
        contestId,
        action: 'intake.over_quota',
        subjectType: 'unit',
        subjectId: u.unit?.id ?? null,
        newValue: { quota: u.quota, max: u.max, count: u.count, held: toHold.map((e) => e.code) },
      });
      held.push(...toHold.map((e) => e.code));
    }
  });
  const messages: ImportProblem[] = [];
  if (late.length) {
    messages.push({
      path: '截止时间',
      message: `${late.length} 件作品在截止时间之后送达，已标记为逾期，等待组织者决定：${late.join('、')}`,
    });
  }
  for (const u of state.report.open) messages.push({ path: u.unitName, message: u.message });
  return { late, held, messages };
}
