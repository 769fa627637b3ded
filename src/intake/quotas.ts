import type { Quota } from '../rules/schema.ts';
import type { Unit, UnitTree } from '../units/tree.ts';

/**
 * Quotas at intake (推优名额): what each unit may send, checked when its entries arrive. A county that sends
 * 43 entries against 40 is over by 3, and the organizer decides: refuse the surplus, ask the unit to
 * choose, or accept with a reason. Entries of exempt groups or categories (区县推广应用案例不占名额) take no
 * seat and are listed apart. Prize quotas (`prize: true`) are the awards' business, not intake's.
 */

/** Where an entry stands at intake: in the contest, held for a decision (逾期, over quota, the unit choosing), or refused. */
export type IntakeState = 'admitted' | 'held' | 'refused';

export const INTAKE_STATES: Record<IntakeState, string> = { admitted: '已受理', held: '待定', refused: '未受理' };

export type QuotaDecisionKind = 'refuse-surplus' | 'ask-unit' | 'accept';

export const QUOTA_DECISIONS: Record<QuotaDecisionKind, string> = {
  'refuse-surplus': '退回超出名额的作品',
  'ask-unit': '请单位自行选择',
  accept: '全部接受（说明理由）',
};

export interface IntakeEntry {
  id: number;
  code: string;
  title: string;
  unitId: number | null;
  categoryKey: string | null;
  group: string | null;
  intake: IntakeState;
  late: boolean;
}

/** The organizer's latest decision on one unit under one quota. */
export interface QuotaDecision {
  unitId: number;
  quota: string;
  decision: QuotaDecisionKind;
  /** How many entries the unit had when it was decided: an `accept` covers no more than these. */
  count: number;
  reason: string | null;
  by: string | null;
  at: string;
}

export interface EntryRef {
  id: number;
  code: string;
  title: string;
}

export interface UnitQuotaReport {
  quota: string;
  per: Quota['per'];
  max: number;
  /** The notice does not state this quota: shown as a default the organizer may change. */
  editableDefault: boolean;
  /** The counted unit (a county, a school, …); null for a whole-contest quota. */
  unit: Unit | null;
  unitName: string;
  /** Entries that take a seat (admitted or held), in the order they arrived. */
  counted: EntryRef[];
  count: number;
  /** count − max when positive. */
  over: number;
  /** The entries past the quota in arrival order: what "refuse the surplus" refuses. */
  surplus: EntryRef[];
  /** Entries of this unit that take no seat (exempt group or category). */
  exempt: EntryRef[];
  refused: number;
  decision: QuotaDecision | null;
  /** Over the quota and not settled by a decision that still covers the count. */
  open: boolean;
  /** Chinese, naming the unit, the count and the quota. */
  message: string;
}

export interface IntakeQuotaReport {
  units: UnitQuotaReport[];
  /** Units over their quota with no decision in force. */
  open: UnitQuotaReport[];
  /** Every exempt entry, by quota and unit. */
  exempt: { quota: string; unitName: string; entries: EntryRef[] }[];
  /** Entries no quota can count because their unit is unknown. */
  unplaced: EntryRef[];
}

const ref = (e: IntakeEntry): EntryRef => ({ id: e.id, code: e.code, title: e.title });

/** The unit a quota counts an entry under, undefined when the quota does not apply to it. */
function countedUnit(q: Quota, tree: UnitTree, unitId: number | null, matcher: RegExp | null): Unit | null | undefined {
  if (q.per === 'contest') return null;
  const unit = q.per === 'county' ? tree.submitting(unitId) : q.per === 'school' ? tree.school(unitId) : tree.ofKind(unitId, q.unitKinds);
  if (!unit) return undefined;
  if (q.unitKinds.length && !q.unitKinds.includes(unit.kind)) return undefined;
  if (matcher && !matcher.test(unit.name)) return undefined;
  return unit;
}

function message(r: Omit<UnitQuotaReport, 'message' | 'open'>, open: boolean): string {
  const head = `${r.unitName}报送 ${r.count} 件（${r.quota} ${r.max} 件）`;
  const exempt = r.exempt.length ? `，另有 ${r.exempt.length} 件不占名额` : '';
  if (r.over <= 0) return `${head}，未超出名额${exempt}`;
  const decided =
    r.decision && !open
      ? `；已决定：${QUOTA_DECISIONS[r.decision.decision]}`
      : open && r.decision?.decision === 'ask-unit'
        ? '；等待单位选择'
        : '';
  return `${r.unitName}报送 ${r.count} 件，超出${r.quota}（${r.max} 件）${r.over} 件${exempt}${decided}`;
}

/**
 * Counts every non-refused entry under the first intake quota that fits it (its category, its unit's kind
 * and name), per counted unit, in quota order then unit order. Pure: entries, units and decisions are plain data.
 */
export function intakeQuotaReport(
  quotas: readonly Quota[],
  tree: UnitTree,
  entries: readonly IntakeEntry[],
  decisions: readonly QuotaDecision[] = [],
): IntakeQuotaReport {
  const intakeQuotas = quotas.filter((q) => !q.prize);
  const matchers = intakeQuotas.map((q) => (q.match ? new RegExp(q.match, 'iu') : null));
  const buckets = new Map<string, { qi: number; unit: Unit | null; counted: IntakeEntry[]; exempt: IntakeEntry[]; refused: number }>();
  const unplaced: EntryRef[] = [];
  for (const e of [...entries].sort((a, b) => a.id - b.id)) {
    let placed = false;
    for (let qi = 0; qi < intakeQuotas.length && !placed; qi++) {
      const q = intakeQuotas[qi];
      if (q.categories.length && (e.categoryKey === null || !q.categories.includes(e.categoryKey))) continue;
      const unit = countedUnit(q, tree, e.unitId, matchers[qi]);
      if (unit === undefined) continue;
      placed = true;
      const key = `${qi}:${unit?.id ?? ''}`;
      const bucket = buckets.get(key) ?? { qi, unit, counted: [], exempt: [], refused: 0 };
      buckets.set(key, bucket);
      const exempt =
        (e.group !== null && q.exemptGroups.includes(e.group)) || (e.categoryKey !== null && q.exemptCategories.includes(e.categoryKey));
      if (exempt) bucket.exempt.push(e);
      else if (e.intake === 'refused') bucket.refused++;
      else bucket.counted.push(e);
    }
    if (!placed && e.unitId === null && e.intake !== 'refused' && intakeQuotas.length) unplaced.push(ref(e));
  }
  const units = [...buckets.values()]
    .sort((a, b) => a.qi - b.qi || (a.unit?.id ?? 0) - (b.unit?.id ?? 0))
    .map((b): UnitQuotaReport => {
      const q = intakeQuotas[b.qi];
      const count = b.counted.length;
      const decision = decisions.find((d) => b.unit && d.unitId === b.unit.id && d.quota === q.name) ?? null;
      const base = {
        quota: q.name,
        per: q.per,
        max: q.max,
        editableDefault: q.editableDefault,
        unit: b.unit,
        unitName: b.unit?.name ?? '全部作品',
        counted: b.counted.map(ref),
        count,
        over: Math.max(0, count - q.max),
        surplus: b.counted.slice(q.max).map(ref),
        exempt: b.exempt.map(ref),
        refused: b.refused,
        decision,
      };
      const settled = decision?.decision === 'accept' && decision.count >= count;
      const open = base.over > 0 && !settled;
      return { ...base, open, message: message(base, open) };
    });
  return {
    units,
    open: units.filter((u) => u.open),
    exempt: units.filter((u) => u.exempt.length).map((u) => ({ quota: u.quota, unitName: u.unitName, entries: u.exempt })),
    unplaced,
  };
}

/** Why a unit's pick is refused, in Chinese, or null: at most the quota, and only the unit's own entries. */
export function pickProblem(report: UnitQuotaReport, picked: readonly number[]): string | null {
  const own = new Set(report.counted.map((e) => e.id));
  const foreign = picked.filter((id) => !own.has(id));
  if (foreign.length) return `所选作品中有 ${foreign.length} 件不是${report.unitName}需占名额的作品`;
  if (picked.length > report.max)
    return `${report.unitName}最多可推荐 ${report.max} 件（${report.quota}），已选 ${picked.length} 件，请减少 ${picked.length - report.max} 件`;
  return null;
}
