import type { AwardBlocker, AwardCategory, AwardEntry, AwardGroup, AwardTie, ContestAwards } from '../../awards/contest.ts';
import type { StoredDecision } from '../../awards/store/overrides.ts';
import type { Assignment } from '../../awards/seats.ts';
import type { FinalizationBlocker } from '../../scoring/blockers.ts';
import type { Icc } from '../../scoring/reliability.ts';
import type { AwardOverrideKind } from '../../db/schema.ts';
import { BLOCKER_KINDS, type BlockerKind, type DecidedIn } from '../../flow/gates.ts';

/** What the award pages show, computed from ContestAwards (live or a publication's frozen copy). */

const DECISION_KIND_LABELS: Record<AwardOverrideKind, string> = { band: '奖项调整', quota: '推优调整', release: '放行' };

const QUOTA_VALUE_LABELS: Record<string, string> = { recommend: '推优', withhold: '不推优' };

const PER_LABELS: Record<string, string> = { contest: '全竞赛', county: '每个区县', unit: '每个单位' };

/** Formatting the award templates get as `it.fmt`. */
export const awardFormat = {
  score: (v: number | null | undefined): string => (v === null || v === undefined ? '—' : v.toFixed(2)),
  /** 0.1 → "10%", 0.125 → "12.5%" */
  percent: (ratio: number): string => `${Number((ratio * 100).toFixed(2))}%`,
  icc: (icc: Icc): string =>
    icc.ok ? `${icc.average.toFixed(3)}（单人 ${icc.single.toFixed(3)}，k=${Number(icc.raters.toFixed(2))}）` : icc.reason,
  deviation: (v: number | null): string => (v === null ? '—' : `${v > 0 ? '+' : ''}${v.toFixed(2)}`),
  decisionValue: (d: { kind: AwardOverrideKind; value: string | null }): string =>
    d.kind === 'band' ? (d.value ?? '不获奖') : d.kind === 'quota' ? (QUOTA_VALUE_LABELS[d.value ?? ''] ?? String(d.value)) : '放行',
  decisionKind: (kind: AwardOverrideKind): string => DECISION_KIND_LABELS[kind],
  groupTitle: (g: { category: string; group: string | null }): string => (g.group ? `${g.category} · ${g.group}` : g.category),
  per: (per: string): string => PER_LABELS[per] ?? per,
  blockerKind: (kind: string): string => blockerKindLabel(kind),
};

/** Entry code → entry, for links from codes (blockers, ties, quotas) to the entries. */
export function entriesByCode(awards: ContestAwards): Map<string, AwardEntry> {
  return new Map(awards.groups.flatMap((g) => g.entries.map((e) => [e.code, e] as const)));
}

export interface QuotaPlace {
  quota: string;
  unit: string;
  seats: number;
  candidates: number;
  assignment: Assignment;
}

/** Everything the organizer needs to decide on one entry. */
export interface EntryDecisionView {
  entry: AwardEntry;
  group: AwardGroup;
  category: AwardCategory;
  tie: AwardTie | null;
  /** Missing reviews or a discrepancy still blocking the awards. */
  blocker: AwardBlocker | null;
  /** The same problem, let through by the organizer. */
  released: FinalizationBlocker | null;
  /** Where the entry stands under a 推优 quota, when it is a candidate. */
  quota: QuotaPlace | null;
  /** Band names of the entry's category, best first. */
  bands: string[];
  /** The organizer's stored decisions on this entry. */
  decisions: StoredDecision[];
}

/** The decision view of entry `entryId`; null when the entry is not among the contest's valid, categorized entries. */
export function entryDecision(awards: ContestAwards, decisions: StoredDecision[], entryId: number): EntryDecisionView | null {
  for (const group of awards.groups) {
    const entry = group.entries.find((e) => e.id === entryId);
    if (!entry) continue;
    const category = awards.categories.find((c) => c.key === group.categoryKey);
    if (!category) throw new Error(`Award group ${group.categoryKey} has no category in the contest's awards`);
    const quota = awards.quotas
      .flatMap((q) =>
        q.units.flatMap((u) =>
          u.assignments
            .filter((a) => a.entryId === entry.code)
            .map((assignment): QuotaPlace => ({ quota: q.name, unit: u.unit, seats: u.quota, candidates: u.candidates, assignment })),
        ),
      )
      .at(0);
    return {
      entry,
      group,
      category,
      tie: group.ties.find((t) => t.entryIds.includes(entry.code)) ?? null,
      blocker: awards.blockers.find((b) => b.kind === 'review' && b.code === entry.code) ?? null,
      released: awards.released.find((r) => r.entryId === entry.code) ?? null,
      quota: quota ?? null,
      bands: category.bands.map((b) => b.name),
      decisions: decisions.filter((d) => d.entryId === entryId),
    };
  }
  return null;
}

/** Summary figures for the page head: entries banded, per band name across all groups. */
export function bandTotals(awards: ContestAwards): { name: string; cap: number; count: number }[] {
  const totals = new Map<string, { name: string; cap: number; count: number }>();
  for (const g of awards.groups) {
    for (const b of g.bands) {
      const t = totals.get(b.name) ?? { name: b.name, cap: 0, count: 0 };
      t.cap += b.cap;
      t.count += b.count;
      totals.set(b.name, t);
    }
  }
  return [...totals.values()];
}

/** Where a blocker is decided: the page, and what the link says. */
export function blockerLink(
  contestId: number,
  b: { decidedIn?: DecidedIn; code: string | null },
  byCode: Map<string, AwardEntry>,
): { href: string; label: string } | null {
  const base = `/contests/${contestId}`;
  const entry = b.code ? byCode.get(b.code) : undefined;
  switch (b.decidedIn) {
    case 'eligibility':
      return entry
        ? { href: `${base}/eligibility/entries/${entry.id}`, label: '去形式审查审定' }
        : { href: `${base}/eligibility`, label: '去形式审查' };
    case 'similarity':
      return { href: `${base}/similarity?flagged=true`, label: b.code ? '去查重处理' : '去查重' };
    case 'suspects':
      return { href: `${base}/suspects`, label: '去一稿多投处理' };
    case 'awards':
      return entry ? { href: `${base}/awards/entries/${entry.id}`, label: '放行或决定奖项' } : null;
    case 'entries':
      return { href: `${base}/entries?category=none`, label: '去归类' };
    default:
      return null; // a snapshot published before blockers said where they are decided
  }
}

/** The Chinese label of a blocker kind; kinds of older snapshots are shown as they were stored. */
export const blockerKindLabel = (kind: string): string => BLOCKER_KINDS[kind as BlockerKind] ?? kind;
