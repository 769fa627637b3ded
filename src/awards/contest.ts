import type { EntryStatus } from '../entries/status.ts';
import type { AwardOverrideKind } from './overrides.ts';
import { VALID_STATUSES } from '../entries/status.ts';
import type { CategoryRules, Quota, RuleSet } from '../rules/schema.ts';
import { rubricMax } from '../rules/schema.ts';
import { scoreEntries, type EntryScore, type ScoringRule } from '../scoring/aggregate.ts';
import { finalizationBlockers, type BlockerOverride, type FinalizationBlocker } from '../scoring/blockers.ts';
import { normalizeByExpert, type ExpertProfile } from '../scoring/normalize.ts';
import { panelReliability, type PanelReliability } from '../scoring/reliability.ts';
import { reviewTotal, type SubmittedReview } from '../scoring/review.ts';
import { computeBands } from './bands.ts';
import type { BandOptions } from './caps.ts';
import type { BandOverride } from './overrides.ts';
import { recommendByQuota, type QuotaEntry, type QuotaOverride, type UnitQuota } from './quotas.ts';
import type { Assignment, BoundaryTie } from './seats.ts';
import { seedNextStage, type StageSeed } from './stages.ts';
import { compareText, sortedByText } from '../util/collate.ts';

/**
 * The awards of one contest, computed from the database: valid entries, their submitted reviews and the
 * contest's rule set mapped onto the pure scoring and award core. Entries are identified towards the core
 * by their 编号 (code), so every message the core writes names the code organizers see.
 */

export interface AwardAuthor {
  name: string;
  unit: string | null;
  county: string | null;
}

export interface AwardEntry {
  /** Database id. */
  id: number;
  code: string;
  title: string;
  authors: AwardAuthor[];
  /** Distinct units (单位) of the authors, in author order, joined by 、. */
  unit: string;
  /** Distinct counties (区县) of the authors, joined by 、. */
  county: string;
  group: string | null;
  /** Final score (2 decimals, half-up); null without any submitted review. */
  score: number | null;
  exact: string | null;
  methodNote: string;
  reviewCount: number;
  missingReviews: number;
  discrepancy: boolean;
  spread: number | null;
  /** Criterion key → mean over the submitted reviews. */
  criterionMeans: Record<string, number>;
  /** Advisory: mean of the expert-normalized review totals. */
  normalizedScore: number | null;
  /** 1-based competition rank within its group; null when unscored. */
  rank: number | null;
  computedBand: string | null;
  /** Final band: the organizer's override if any, else computedBand. */
  band: string | null;
  heldByTie: Assignment['heldByTie'];
  override: Assignment['override'];
  /** Held by a 边界并列 not yet decided. */
  pending: boolean;
}

export interface AwardBandSummary {
  name: string;
  ratio: number;
  cap: number;
  cumulative: number;
  /** Entries whose final band this is. */
  count: number;
  overCap: boolean;
  /** Chinese, e.g. "一、二等奖合计 ⌊47×30%⌋=⌊14.1⌋=14". */
  derivation: string;
}

/** A 边界并列 group; `entryIds` are entry codes. */
export type AwardTie = BoundaryTie;

export interface AwardGroup {
  categoryKey: string;
  category: string;
  /** What groups are called in this category: 学段, 参与对象 … */
  groupLabel: string;
  /** null when the category is banded as a whole. */
  group: string | null;
  /** Valid entries (status submitted or eligible) of the group. */
  valid: number;
  /** The number the ratios were applied to: `valid`, or every entry received when the rule set says 'submitted'. */
  denominator: number;
  denominatorKind: 'valid' | 'submitted';
  /** Valid entries with a final score (the ranked ones). */
  scored: number;
  derivation: string;
  /** Best band first. */
  bands: AwardBandSummary[];
  /** Ranked entries in rank order, then the unscored ones by code. */
  entries: AwardEntry[];
  ties: AwardTie[];
  pending: number;
}

export interface AwardCriterion {
  key: string;
  name: string;
  max: number;
}

export interface AwardCategory {
  key: string;
  name: string;
  groupLabel: string;
  criteria: AwardCriterion[];
  /** Criterion keys of the tie-break chain, in order. */
  tieBreak: string[];
  bands: { name: string; ratio: number }[];
  rounding: BandOptions['rounding'];
  atLeastOneFirst: boolean;
  perGroup: boolean;
  denominator: 'valid' | 'submitted';
}

/** One submitted review, for the score-detail export. */
export interface AwardReview {
  code: string;
  expertId: number;
  expert: string;
  /** Criterion key → points, in rubric order. */
  scores: Record<string, number>;
  total: number;
  /** Advisory: the total normalized within the expert's panel. */
  normalized: number | null;
  comment: string;
}

export interface AwardExpert extends ExpertProfile {
  name: string;
}

/** Advisory figures of one panel (评审组) for the organizer: expert normalization and ICC. */
export interface PanelAdvisory {
  panel: string;
  categoryKey: string;
  group: string | null;
  panelMean: number;
  panelSd: number;
  experts: AwardExpert[];
  reliability: PanelReliability;
}

export interface QuotaResult {
  name: string;
  per: Quota['per'];
  max: number;
  note: string | null;
  /** Units (counties, schools, or the whole contest) with their ranking and recommendations; entry ids are codes. */
  units: UnitQuota[];
  /** Codes of entries under this quota whose group does not count (不占用推优名额). */
  exempt: string[];
}

export interface AwardBlocker {
  kind: 'reviews' | 'tie' | 'uncategorized';
  entryCodes: string[];
  /** Chinese, naming the entries and what is wrong. */
  message: string;
}

export interface ContestAwards {
  contest: { id: number; name: string; rulesSource: string };
  scoring: { method: ScoringRule['method']; requiredReviews: number; spreadThreshold: number; note: string };
  categories: AwardCategory[];
  groups: AwardGroup[];
  quotas: QuotaResult[];
  reviews: AwardReview[];
  panels: PanelAdvisory[];
  /** What keeps the awards from being final: missing reviews, discrepancies, undecided ties, uncategorized entries. */
  blockers: AwardBlocker[];
  /** Entries let through by the organizer despite missing reviews or a discrepancy. */
  released: FinalizationBlocker[];
  canFinalize: boolean;
  /** Stored decisions that no longer apply (entry no longer valid or scored, band renamed …). */
  warnings: string[];
}

/** Everything the computation reads, as plain data. */
export interface AwardInput {
  contest: { id: number; name: string; rulesSource: string };
  ruleSet: RuleSet;
  /** The contest's categories in rule-set order. */
  categories: { id: number; key: string; name: string }[];
  /** Every entry of the contest, whatever its status (the 'submitted' denominator counts them all). */
  entries: { id: number; code: string; title: string; categoryId: number | null; group: string | null; status: EntryStatus }[];
  /** In author order. */
  authors: { entryId: number; name: string; unit: string | null; county: string | null }[];
  /** Submitted reviews of active assignments. */
  reviews: { entryId: number; expertId: number; expert: string; scores: Record<string, number | null>; comment: string }[];
  panels: { id: number; name: string; categoryId: number | null; group: string | null }[];
  overrides: { entryId: number; kind: AwardOverrideKind; value: string | null; reason: string }[];
}

const ROUNDING: Record<CategoryRules['awards']['rounding'], BandOptions['rounding']> = {
  'cumulative-floor': 'cumulative-floor',
  'half-up': 'cumulative-half-up',
};

const distinctJoined = (values: (string | null)[]): string => [...new Set(values.filter((v): v is string => !!v))].join('、');

/** Groups of a category in rule-set order, then other names by pinyin, then entries without a group. */
function groupOrder(rules: CategoryRules, names: (string | null)[]): (string | null)[] {
  const declared = rules.groups.map((g) => g.name);
  const present = new Set(names);
  const others = [...present].filter((n): n is string => n !== null && !declared.includes(n)).sort(compareText);
  return [...declared.filter((n) => present.has(n)), ...others, ...(present.has(null) ? [null] : [])];
}

const byCode = (a: { code: string }, b: { code: string }) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

export function buildContestAwards(input: AwardInput): ContestAwards {
  const { ruleSet } = input;
  const warnings: string[] = [];
  const validStatus = new Set<string>(VALID_STATUSES);
  const rulesByKey = new Map(ruleSet.categories.map((c) => [c.key, c]));
  const authorsOf = new Map<number, AwardAuthor[]>();
  for (const a of input.authors) {
    const list = authorsOf.get(a.entryId) ?? [];
    list.push({ name: a.name, unit: a.unit, county: a.county });
    authorsOf.set(a.entryId, list);
  }
  const entryById = new Map(input.entries.map((e) => [e.id, e]));
  const valid = input.entries.filter((e) => validStatus.has(e.status));
  const overridesOf = (kind: AwardOverrideKind) => input.overrides.filter((o) => o.kind === kind);
  const codeOf = (entryId: number) => entryById.get(entryId)?.code ?? String(entryId);

  const scoring = {
    method: ruleSet.judging.aggregation,
    requiredReviews: ruleSet.judging.reviewersPerEntry,
    spreadThreshold: ruleSet.judging.spreadThreshold,
    note:
      (ruleSet.judging.aggregation === 'trimmed-mean'
        ? '评审不少于 5 份时去掉一个最高分和一个最低分后取平均，否则取算术平均'
        : '取各份评审总分的算术平均') + '；最终得分按四舍五入保留两位小数；同分时依次比较规定评分项的平均分',
  };

  const categories: AwardCategory[] = [];
  const groups: AwardGroup[] = [];
  const allScores: EntryScore[] = [];
  const reviewDetails: AwardReview[] = [];
  const scoreByEntry = new Map<number, EntryScore>();
  /** Reviews in core form, with the entry they belong to, for the panel figures. */
  const coreReviews: { entryId: number; review: SubmittedReview }[] = [];
  const categoryOfEntry = new Map<number, { id: number; key: string }>();
  const bandOverrides = new Map(overridesOf('band').map((o) => [o.entryId, o]));
  const usedBandOverrides = new Set<number>();

  for (const cat of input.categories) {
    const rules = rulesByKey.get(cat.key);
    if (!rules) throw new Error(`类别“${cat.name}”（${cat.key}）不在竞赛规则中，请先修正规则或作品类别`);
    const criteria = rules.rubric.criteria;
    const awards = rules.awards;
    categories.push({
      key: cat.key,
      name: cat.name,
      groupLabel: rules.groupLabel,
      criteria: criteria.map((c) => ({ key: c.key, name: c.name, max: c.max })),
      tieBreak: rules.tieBreak,
      bands: awards.bands.map((b) => ({ name: b.name, ratio: b.ratio })),
      rounding: ROUNDING[awards.rounding],
      atLeastOneFirst: awards.atLeastOneFirst,
      perGroup: awards.perGroup,
      denominator: awards.denominator,
    });

    const entries = valid.filter((e) => e.categoryId === cat.id).sort(byCode);
    for (const e of entries) categoryOfEntry.set(e.id, cat);
    const inCategory = new Set(entries.map((e) => e.id));
    const reviews = input.reviews.filter((r) => inCategory.has(r.entryId));
    const core = reviews.map((r): SubmittedReview => {
      const code = codeOf(r.entryId);
      const criterionScores = criteria.map((c) => {
        const v = r.scores[c.key];
        if (typeof v !== 'number') {
          throw new Error(`作品 ${code} 专家“${r.expert}”的已提交评分缺少“${c.name}”：评分标准可能已修改，请退回该评分重新评定`);
        }
        return v;
      });
      return { entryId: code, expertId: String(r.expertId), criterionScores };
    });
    reviews.forEach((r, i) => {
      coreReviews.push({ entryId: r.entryId, review: core[i] });
      reviewDetails.push({
        code: codeOf(r.entryId),
        expertId: r.expertId,
        expert: r.expert,
        scores: Object.fromEntries(criteria.map((c, j) => [c.key, core[i].criterionScores[j]])),
        total: reviewTotal(core[i]).toNumber(),
        normalized: null,
        comment: r.comment,
      });
    });
    const rule: ScoringRule = {
      method: ruleSet.judging.aggregation,
      requiredReviews: ruleSet.judging.reviewersPerEntry,
      fullMarks: rubricMax(rules.rubric),
      discrepancyThreshold: ruleSet.judging.spreadThreshold,
    };
    const scores = scoreEntries(
      entries.map((e) => e.code),
      core,
      rule,
    );
    allScores.push(...scores);
    entries.forEach((e, i) => scoreByEntry.set(e.id, scores[i]));

    const tieBreakIndexes = rules.tieBreak.map((key) => criteria.findIndex((c) => c.key === key));
    const groupNames = awards.perGroup
      ? groupOrder(
          rules,
          entries.map((e) => e.group),
        )
      : [];
    for (const group of groupNames.length ? groupNames : [null]) {
      const members = awards.perGroup ? entries.filter((e) => e.group === group) : entries;
      const received = input.entries.filter((e) => e.categoryId === cat.id && (!awards.perGroup || e.group === group)).length;
      const denominator = awards.denominator === 'valid' ? members.length : received;
      const ranked = members
        .map((e) => ({ e, s: scoreByEntry.get(e.id)! }))
        .filter(({ s }) => s.score !== null)
        .map(({ e, s }) => ({ id: e.code, score: s.score!, tieBreak: tieBreakIndexes.map((i) => s.criterionMeans[i]), entry: e }));
      const rankedIds = new Set(ranked.map((r) => r.entry.id));
      const overrides: BandOverride[] = [];
      for (const e of members) {
        const o = bandOverrides.get(e.id);
        if (!o) continue;
        usedBandOverrides.add(e.id);
        if (!rankedIds.has(e.id)) warnings.push(`作品 ${e.code} 的奖项调整（${o.value ?? '不获奖'}）未生效：该作品尚无最终得分`);
        else if (o.value !== null && !awards.bands.some((b) => b.name === o.value)) {
          warnings.push(`作品 ${e.code} 的奖项调整未生效：奖项“${o.value}”已不在规则之中`);
        } else overrides.push({ entryId: e.code, band: o.value, reason: o.reason });
      }
      const result = computeBands(
        ranked,
        awards.bands,
        {
          rounding: ROUNDING[awards.rounding],
          atLeastOneFirst: awards.atLeastOneFirst,
          denominatorLabel: awards.denominator === 'valid' ? '有效作品' : '报送作品',
        },
        overrides,
        denominator,
      );
      const memberByCode = new Map(members.map((e) => [e.code, e]));
      const bandOrder = (band: string | null) => {
        const i = awards.bands.findIndex((b) => b.name === band);
        return i < 0 ? awards.bands.length : i;
      };
      const row = (e: (typeof members)[number], placed: Assignment | null): AwardEntry => {
        const s = scoreByEntry.get(e.id)!;
        const authors = authorsOf.get(e.id) ?? [];
        return {
          id: e.id,
          code: e.code,
          title: e.title,
          authors,
          unit: distinctJoined(authors.map((a) => a.unit)),
          county: distinctJoined(authors.map((a) => a.county)),
          group: e.group,
          score: s.score,
          exact: s.exact,
          methodNote: s.methodNote,
          reviewCount: s.reviewCount,
          missingReviews: s.missingReviews,
          discrepancy: s.discrepancy,
          spread: s.spread,
          criterionMeans: Object.fromEntries(s.criterionMeans.map((m, i) => [criteria[i].key, m])),
          normalizedScore: null,
          rank: placed?.rank ?? null,
          computedBand: placed?.computedBand ?? null,
          band: placed?.band ?? null,
          heldByTie: placed?.heldByTie ?? null,
          override: placed?.override ?? null,
          pending: placed?.pending ?? false,
        };
      };
      groups.push({
        categoryKey: cat.key,
        category: cat.name,
        groupLabel: rules.groupLabel,
        group,
        valid: members.length,
        denominator,
        denominatorKind: awards.denominator,
        scored: ranked.length,
        derivation: result.derivation,
        bands: result.caps.map((c, i) => ({
          name: c.band,
          ratio: c.ratio,
          cap: c.cap,
          cumulative: c.cumulative,
          count: result.counts[i].count,
          overCap: result.counts[i].overCap,
          derivation: c.derivation,
        })),
        entries: [
          // Entries sharing a rank (a settled 边界并列) are listed by the band the organizer gave them.
          ...[...result.assignments]
            .sort((x, y) => x.rank - y.rank || bandOrder(x.band) - bandOrder(y.band))
            .map((a) => row(memberByCode.get(a.entryId)!, a)),
          ...members.filter((e) => !rankedIds.has(e.id)).map((e) => row(e, null)),
        ],
        ties: result.ties,
        pending: result.pending,
      });
    }
  }
  for (const [entryId, o] of bandOverrides) {
    if (!usedBandOverrides.has(entryId))
      warnings.push(`作品 ${codeOf(entryId)} 的奖项调整（${o.value ?? '不获奖'}）未生效：该作品不是有效作品或未分类别`);
  }

  const panels = panelAdvisories(input, coreReviews, categoryOfEntry);
  const normalizedByEntry = new Map<string, number | null>();
  const normalizedByReview = new Map<string, number | null>();
  for (const p of panels.normalizations) {
    for (const e of p.entries) normalizedByEntry.set(e.entryId, e.normalizedMean);
    for (const r of p.reviews) normalizedByReview.set(`${r.entryId}|${r.expertId}`, r.normalized);
  }
  for (const g of groups) for (const e of g.entries) e.normalizedScore = normalizedByEntry.get(e.code) ?? null;
  for (const r of reviewDetails) r.normalized = normalizedByReview.get(`${r.code}|${r.expertId}`) ?? null;

  const quotas = quotaResults(input, groups, warnings);

  const releases: BlockerOverride[] = [];
  for (const o of overridesOf('release')) {
    if (scoreByEntry.has(o.entryId)) releases.push({ entryId: codeOf(o.entryId), reason: o.reason });
    else warnings.push(`作品 ${codeOf(o.entryId)} 的放行决定未生效：该作品不是有效作品或未分类别`);
  }
  const check = finalizationBlockers(allScores, releases);
  const uncategorized = valid.filter((e) => e.categoryId === null).sort(byCode);
  const blockers: AwardBlocker[] = [
    ...check.blockers.map((b): AwardBlocker => ({ kind: 'reviews', entryCodes: [b.entryId], message: b.message })),
    ...groups.flatMap((g) =>
      g.ties
        .filter((t) => !t.resolved)
        .map(
          (t): AwardBlocker => ({
            kind: 'tie',
            entryCodes: t.entryIds,
            message: `${g.category}${g.group ? `·${g.group}` : ''}：${t.message}`,
          }),
        ),
    ),
    ...quotas.flatMap((q) =>
      q.units.flatMap((u) =>
        u.ties
          .filter((t) => !t.resolved)
          .map((t): AwardBlocker => ({ kind: 'tie', entryCodes: t.entryIds, message: `${q.name}·${t.message}` })),
      ),
    ),
    ...(uncategorized.length
      ? [
          {
            kind: 'uncategorized' as const,
            entryCodes: uncategorized.map((e) => e.code),
            message: `${uncategorized.length} 件有效作品未归入任何类别，不能评奖：${uncategorized.map((e) => e.code).join('、')}`,
          },
        ]
      : []),
  ];

  return {
    contest: input.contest,
    scoring,
    categories,
    groups,
    quotas,
    reviews: reviewDetails,
    panels: panels.advisories,
    blockers,
    released: check.overridden,
    canFinalize: blockers.length === 0,
    warnings,
  };
}

/**
 * Reviews grouped by the panel (评审组) that scores their entry: the panel of the entry's category and
 * group, else the category's whole-category panel (the rule assignment uses), else the category itself.
 */
function panelAdvisories(
  input: AwardInput,
  reviews: { entryId: number; review: SubmittedReview }[],
  categoryOfEntry: Map<number, { id: number; key: string }>,
) {
  const entryById = new Map(input.entries.map((e) => [e.id, e]));
  const categoryById = new Map(input.categories.map((c) => [c.id, c]));
  const buckets = new Map<string, { panel: string; categoryKey: string; group: string | null; reviews: SubmittedReview[] }>();
  for (const { entryId, review } of reviews) {
    const e = entryById.get(entryId)!;
    const cat = categoryOfEntry.get(entryId)!;
    const panel =
      input.panels.find((p) => p.categoryId === cat.id && p.group !== null && p.group === e.group) ??
      input.panels.find((p) => p.categoryId === cat.id && p.group === null);
    const key = panel ? `panel:${panel.id}` : `category:${cat.id}`;
    const bucket = buckets.get(key) ?? {
      panel: panel?.name ?? categoryById.get(cat.id)!.name,
      categoryKey: cat.key,
      group: panel?.group ?? null,
      reviews: [],
    };
    bucket.reviews.push(review);
    buckets.set(key, bucket);
  }
  const names = new Map(input.reviews.map((r) => [String(r.expertId), r.expert]));
  const normalizations = [];
  const advisories: PanelAdvisory[] = [];
  for (const b of buckets.values()) {
    const n = normalizeByExpert(b.reviews);
    normalizations.push(n);
    advisories.push({
      panel: b.panel,
      categoryKey: b.categoryKey,
      group: b.group,
      panelMean: n.panelMean,
      panelSd: n.panelSd,
      experts: sortedByText(
        n.experts.map((x) => ({ ...x, name: names.get(x.expertId) ?? x.expertId })),
        (x) => x.name,
      ),
      reliability: panelReliability(b.reviews),
    });
  }
  return { normalizations, advisories };
}

const QUOTA_VALUES = { recommend: true, withhold: false } as const;

/**
 * Recommendations (推优) under the rule set's quotas. Each scored entry falls under the first quota whose
 * categories and `match` (tested on the first author's county) fit it; entries of an exempt group take no
 * seat. Candidates are ranked by final score only: their categories' rubrics and tie-break chains differ.
 */
function quotaResults(input: AwardInput, groups: AwardGroup[], warnings: string[]): QuotaResult[] {
  // Intake quotas limit what a unit sends (src/intake/quotas.ts); only prize quotas rank after judging.
  const quotas = input.ruleSet.quotas.filter((q) => q.prize);
  const matchers = quotas.map((q) => (q.match ? new RegExp(q.match, 'iu') : null));
  const candidates = quotas.map(() => [] as QuotaEntry[]);
  const exempt = quotas.map(() => [] as string[]);
  const underQuota = new Map<number, number>();
  for (const g of groups) {
    for (const e of g.entries) {
      if (e.score === null) continue;
      const first = e.authors[0];
      const qi = quotas.findIndex(
        (q, i) =>
          (q.categories.length === 0 || q.categories.includes(g.categoryKey)) && (!matchers[i] || matchers[i]!.test(first?.county ?? '')),
      );
      if (qi < 0) continue;
      const q = quotas[qi];
      if (e.group !== null && q.exemptGroups.includes(e.group)) {
        exempt[qi].push(e.code);
        continue;
      }
      const unit = q.per === 'contest' ? q.name : q.per === 'county' ? first?.county || '（未填区县）' : first?.unit || '（未填单位）';
      candidates[qi].push({ id: e.code, unit, score: e.score, tieBreak: [] });
      underQuota.set(e.id, qi);
    }
  }
  const decisions = quotas.map(() => [] as QuotaOverride[]);
  const codes = new Map(input.entries.map((e) => [e.id, e.code]));
  for (const o of input.overrides.filter((x) => x.kind === 'quota')) {
    const qi = underQuota.get(o.entryId);
    const code = codes.get(o.entryId) ?? String(o.entryId);
    if (qi === undefined) warnings.push(`作品 ${code} 的推优调整未生效：该作品不在任何推优名额的候选之中`);
    else decisions[qi].push({ entryId: code, recommend: QUOTA_VALUES[o.value as keyof typeof QUOTA_VALUES], reason: o.reason });
  }
  return quotas.map((q, i) => {
    // Units by pinyin so the result does not depend on category order.
    const sorted = sortedByText(candidates[i], (c) => c.unit);
    return {
      name: q.name,
      per: q.per,
      max: q.max,
      note: q.note ?? null,
      units: recommendByQuota(sorted, { defaultQuota: q.max }, decisions[i]),
      exempt: exempt[i],
    };
  });
}

/** The entries of a group whose final band is `band`, in rank order. */
export function entriesInBand(group: AwardGroup, band: string): AwardEntry[] {
  return group.entries.filter((e) => e.band === band);
}

/**
 * Entries qualifying for a next stage (市级交流, national recommendation): final band or recommendation in
 * `qualifying` (e.g. ['一等奖'] or ['推优']). Entry ids in the result are codes.
 */
export function nextStageSeed(awards: ContestAwards, qualifying: readonly string[]): StageSeed {
  const placed = awards.groups.map((g) =>
    g.entries.filter((e) => e.rank !== null).map((e): Assignment => ({ ...e, entryId: e.code, rank: e.rank!, score: e.score! })),
  );
  return seedNextStage([...placed, ...awards.quotas.flatMap((q) => q.units.map((u) => u.assignments))], qualifying);
}

/** Loads what buildContestAwards needs. Works on a transaction too (publication reads inside one). */
