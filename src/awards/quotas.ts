import type { RankedEntry } from './ranking.ts';
import { placeEntries, type Placement } from './seats.ts';

/** A candidate for recommendation (推优) from a county, the development zone or a city school. */
export interface QuotaEntry extends RankedEntry {
  unit: string;
}

export interface QuotaRule {
  /** Seats per unit unless overridden, e.g. 40 per county. */
  defaultQuota: number;
  /** Per-unit seats, e.g. { 开发区: 30, 市直学校: 6 }. */
  perUnit?: Readonly<Record<string, number>>;
  /** Name of the outcome, default '推优'. */
  label?: string;
}

/** The organizer recommends (or withholds) an entry against the ranking; a reason is required. */
export interface QuotaOverride {
  entryId: string;
  recommend: boolean;
  reason: string;
}

export interface UnitQuota extends Placement {
  unit: string;
  quota: number;
  quotaSource: 'default' | 'unit';
  candidates: number;
  /** Chinese, e.g. "开发区：推优名额 30（单位专设），候选 42 件". */
  derivation: string;
  /** Entries recommended after overrides, in rank order. */
  recommended: string[];
}

function checkQuota(unit: string, quota: number): number {
  if (!Number.isInteger(quota) || quota < 0) throw new Error(`推优名额设置有误：“${unit}”的名额 ${quota} 不是非负整数`);
  return quota;
}

/**
 * Ranks the candidates within each unit and recommends up to the unit's quota. Ties at the quota
 * boundary are held as 边界并列 exactly like award bands (see placeEntries). Units appear in order of
 * first appearance in `entries`.
 */
export function recommendByQuota(entries: readonly QuotaEntry[], rule: QuotaRule, overrides: readonly QuotaOverride[] = []): UnitQuota[] {
  const label = rule.label ?? '推优';
  checkQuota('默认', rule.defaultQuota);
  const units = new Map<string, QuotaEntry[]>();
  for (const e of entries) {
    const list = units.get(e.unit) ?? [];
    list.push(e);
    units.set(e.unit, list);
  }
  const unitOf = new Map(entries.map((e) => [e.id, e.unit]));
  for (const o of overrides) {
    if (!unitOf.has(o.entryId)) throw new Error(`推优调整有误：作品 ${o.entryId} 不在候选作品之中`);
  }
  return [...units].map(([unit, candidates]): UnitQuota => {
    const own = rule.perUnit?.[unit];
    const quota = checkQuota(unit, own ?? rule.defaultQuota);
    const unitOverrides = overrides
      .filter((o) => unitOf.get(o.entryId) === unit)
      .map((o) => ({ entryId: o.entryId, band: o.recommend ? label : null, reason: o.reason }));
    const placement = placeEntries(candidates, [{ name: label, cap: quota }], unitOverrides, `未${label}`);
    const source = own === undefined ? '默认' : '单位专设';
    const all = candidates.length <= quota ? `，不超过名额，全部${label}` : '';
    return {
      unit,
      quota,
      quotaSource: own === undefined ? 'default' : 'unit',
      candidates: candidates.length,
      derivation: `${unit}：${label}名额 ${quota}（${source}），候选 ${candidates.length} 件${all}`,
      recommended: placement.assignments.filter((a) => a.band === label).map((a) => a.entryId),
      ...placement,
    };
  });
}
