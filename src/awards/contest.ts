import type { EntryStatus } from '../entries/status.ts';
import type { AwardOverrideKind } from './overrides.ts';
import { VALID_STATUSES } from '../entries/status.ts';
import type { CategoryRules, Quota, RuleSet } from '../rules/schema.ts';
import { rubricMax, ruleSetTitle } from '../rules/schema.ts';
import { categoryDefaults } from '../rules/defaults.ts';
import { scoreEntries, type EntryScore, type ScoringRule } from '../scoring/aggregate.ts';
import { finalizationBlockers, type BlockerOverride, type FinalizationBlocker } from '../scoring/blockers.ts';
import { normalizeByExpert, type ExpertProfile } from '../scoring/normalize.ts';
import { panelReliability, type PanelReliability } from '../scoring/reliability.ts';
import { reviewTotal, type SubmittedReview } from '../scoring/review.ts';
import { computeBands } from './bands.ts';
import { BLOCKER_KINDS, type Blocker, type BlockerKind, entryGates, type GateInput } from '../flow/gates.ts';
import type { BandOptions } from './caps.ts';
import type { BandOverride } from './overrides.ts';
import { recommendByQuota, type QuotaEntry, type QuotaOverride, type UnitQuota } from './quotas.ts';
import type { Assignment, BoundaryTie } from './seats.ts';
import { seedNextStage, type StageSeed } from './stages.ts';
import { compareText, sortedByText } from '../util/collate.ts';

/**
 * The awards of one contest, computed from plain data (src/awards/store/contest.ts loads it): the gates
 * between the stages, then per category score (step 1), judging's gate (step 2), band each group (step 3),
 * then quotas and the blockers (step 4). Entries are identified towards the core by their 编号 (code), so
 * every message the core writes names the code organizers see.
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
  /** What keeps the entry out of the bands (a gate not passed); empty when it is ranked or simply unscored. */
  holds: { kind: BlockerKind; message: string }[];
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
  /** 有效作品: entries (status submitted or eligible) of the group that passed every gate. */
  valid: number;
  /** Entries of valid status held out by a gate (形式审查, 查重, 一稿多投, 评审). */
  held: number;
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
  /** Values the notice does not state (默认值（通知未规定，可修改）). */
  defaults: { bands: boolean; rubric: boolean; tieBreak: boolean };
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

/** What keeps the awards from being final; the gates' blockers and the awards' own (ties). */
export type AwardBlocker = Blocker;

export interface ContestAwards {
  contest: { id: number; name: string; rulesSource: string };
  /** The rule set the awards were computed by: its title and the contest's version of it. */
  rules: { title: string; version: number };
  scoring: { method: ScoringRule['method']; requiredReviews: number; spreadThreshold: number; note: string };
  categories: AwardCategory[];
  groups: AwardGroup[];
  quotas: QuotaResult[];
  reviews: AwardReview[];
  panels: PanelAdvisory[];
  /** What keeps the awards from being final: gates not passed (形式审查, 查重, 一稿多投, 评审), stale runs, undecided ties. */
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
  /** The contest's current version of its rule set. */
  ruleVersion: number;
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
  /** What the gates between the stages read (src/flow/gates.ts). */
  gates: GateInput;
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

type InputEntry = AwardInput['entries'][number];
type InputReview = AwardInput['reviews'][number];

/** What scoring one category gives: each entry's score, and its reviews in core form and as the score-detail rows. */
export interface CategoryScores {
  /** Entry id → score. */
  scores: Map<number, EntryScore>;
  reviews: { entryId: number; review: SubmittedReview; detail: AwardReview }[];
}

/**
 * Step 1: scores the entries of one category from their submitted reviews, by the category's rubric and the
 * rule set's judging settings. A submitted review without a criterion of the rubric is refused by name.
 */
export function scoreCategory(
  rules: CategoryRules,
  judging: RuleSet['judging'],
  entries: readonly { id: number; code: string }[],
  reviews: readonly InputReview[],
): CategoryScores {
  const criteria = rules.rubric.criteria;
  const codeOf = new Map(entries.map((e) => [e.id, e.code]));
  const own = reviews.filter((r) => codeOf.has(r.entryId));
  const scored = own.map((r) => {
    const code = codeOf.get(r.entryId) ?? String(r.entryId);
    const criterionScores = criteria.map((c) => {
      const v = r.scores[c.key];
      if (typeof v !== 'number') {
        throw new Error(`作品 ${code} 专家“${r.expert}”的已提交评分缺少“${c.name}”：评分标准可能已修改，请退回该评分重新评定`);
      }
      return v;
    });
    const review: SubmittedReview = { entryId: code, expertId: String(r.expertId), criterionScores };
    const detail: AwardReview = {
      code,
      expertId: r.expertId,
      expert: r.expert,
      scores: Object.fromEntries(criteria.map((c, j) => [c.key, criterionScores[j]])),
      total: reviewTotal(review).toNumber(),
      normalized: null,
      comment: r.comment,
    };
    return { entryId: r.entryId, review, detail };
  });
  const rule: ScoringRule = {
    method: judging.aggregation,
    requiredReviews: judging.reviewersPerEntry,
    fullMarks: rubricMax(rules.rubric),
    discrepancyThreshold: judging.spreadThreshold,
  };
  const results = scoreEntries(
    entries.map((e) => e.code),
    scored.map((s) => s.review),
    rule,
  );
  return { scores: new Map(entries.map((e, i) => [e.id, results[i]])), reviews: scored };
}

/**
 * Step 2, judging's own gate: entries missing reviews or whose scores differ too much are held out of the
 * bands until the reviews are complete or the organizer lets them through (放行) with a reason.
 */
export function reviewGate(
  scores: readonly EntryScore[],
  releases: readonly BlockerOverride[],
): { held: Map<string, Blocker>; released: FinalizationBlocker[] } {
  const check = finalizationBlockers(scores, releases);
  const held = new Map(
    check.blockers.map((b): [string, Blocker] => [
      b.entryId,
      { kind: 'review', decidedIn: 'awards', code: b.entryId, entryCodes: [b.entryId], message: `${b.message}；须补齐评审或在评奖中放行` },
    ]),
  );
  return { held, released: check.overridden };
}

/** One entry of a group as bandGroup reads it: valid or not, scored, held by gates, with the organizer's band decision. */
export interface GroupMember {
  entry: Pick<InputEntry, 'id' | 'code' | 'title' | 'group' | 'status'>;
  authors: AwardAuthor[];
  /** Null for entries that are not valid (they only count in a 'submitted' denominator). */
  score: EntryScore | null;
  /** What keeps a valid entry out of the bands; empty when it passed every gate. */
  holds: Blocker[];
  bandOverride: { value: string | null; reason: string } | null;
}

const LEFT_OUT: Partial<Record<EntryStatus, string>> = { disqualified: '取消资格', withdrawn: '已撤回', returned: '退回修改' };

/** "C1、C2、C3 等 7 件" */
const codeList = (codes: string[]): string =>
  codes.length <= 6 ? codes.join('、') : `${codes.slice(0, 6).join('、')} 等 ${codes.length} 件`;

/** Which entries of the group the valid-entry count left out, and why. */
function leftOutNote(members: readonly GroupMember[]): string {
  const parts: string[] = [];
  const held = members.filter((m) => m.holds.length);
  if (held.length) {
    const why = held.map((m) => `${m.entry.code}（${[...new Set(m.holds.map((h) => BLOCKER_KINDS[h.kind]))].join('、')}）`);
    parts.push(`待处理 ${held.length} 件：${codeList(why)}`);
  }
  for (const [status, label] of Object.entries(LEFT_OUT)) {
    const codes = members.filter((m) => m.entry.status === status).map((m) => m.entry.code);
    if (codes.length) parts.push(`${label} ${codes.length} 件：${codeList(codes)}`);
  }
  return parts.length ? `未计入有效作品的：${parts.join('；')}。` : '';
}

/**
 * Step 3: bands one group (a category, or one of its groups when the rule set bands per group). Only valid
 * entries that passed every gate are ranked and counted as 有效作品; the derivation names the others and why.
 */
export function bandGroup(
  category: { key: string; name: string },
  rules: CategoryRules,
  group: string | null,
  members: readonly GroupMember[],
): { group: AwardGroup; warnings: string[] } {
  const awards = rules.awards;
  const criteria = rules.rubric.criteria;
  const warnings: string[] = [];
  const valid = members.filter((m) => m.score !== null);
  const cleared = valid.filter((m) => m.holds.length === 0);
  const denominator = awards.denominator === 'valid' ? cleared.length : members.length;
  const tieBreakIndexes = rules.tieBreak.map((key) => criteria.findIndex((c) => c.key === key));
  const ranked = cleared.flatMap((m) =>
    m.score?.score === null || !m.score
      ? []
      : [{ id: m.entry.code, score: m.score.score, tieBreak: tieBreakIndexes.map((i) => m.score?.criterionMeans[i] ?? 0), member: m }],
  );
  const rankedCodes = new Set(ranked.map((r) => r.id));
  const overrides: BandOverride[] = [];
  for (const m of valid) {
    const o = m.bandOverride;
    if (!o) continue;
    if (!rankedCodes.has(m.entry.code)) {
      const why = m.holds.length ? '该作品尚有待处理的问题' : '该作品尚无最终得分';
      warnings.push(`作品 ${m.entry.code} 的奖项调整（${o.value ?? '不获奖'}）未生效：${why}`);
    } else if (o.value !== null && !awards.bands.some((b) => b.name === o.value)) {
      warnings.push(`作品 ${m.entry.code} 的奖项调整未生效：奖项“${o.value}”已不在规则之中`);
    } else overrides.push({ entryId: m.entry.code, band: o.value, reason: o.reason });
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
  const bandOrder = (band: string | null) => {
    const i = awards.bands.findIndex((b) => b.name === band);
    return i < 0 ? awards.bands.length : i;
  };
  const row = (m: GroupMember, placed: Assignment | null): AwardEntry => {
    const s = m.score;
    return {
      id: m.entry.id,
      code: m.entry.code,
      title: m.entry.title,
      authors: m.authors,
      unit: distinctJoined(m.authors.map((a) => a.unit)),
      county: distinctJoined(m.authors.map((a) => a.county)),
      group: m.entry.group,
      score: s?.score ?? null,
      exact: s?.exact ?? null,
      methodNote: s?.methodNote ?? '',
      reviewCount: s?.reviewCount ?? 0,
      missingReviews: s?.missingReviews ?? 0,
      discrepancy: s?.discrepancy ?? false,
      spread: s?.spread ?? null,
      criterionMeans: Object.fromEntries((s?.criterionMeans ?? []).map((v, i) => [criteria[i].key, v])),
      normalizedScore: null,
      rank: placed?.rank ?? null,
      computedBand: placed?.computedBand ?? null,
      band: placed?.band ?? null,
      heldByTie: placed?.heldByTie ?? null,
      override: placed?.override ?? null,
      pending: placed?.pending ?? false,
      holds: m.holds.map((h) => ({ kind: h.kind, message: h.message })),
    };
  };
  const memberByCode = new Map(ranked.map((r) => [r.id, r.member]));
  const unranked = valid.filter((m) => !rankedCodes.has(m.entry.code));
  return {
    group: {
      categoryKey: category.key,
      category: category.name,
      groupLabel: rules.groupLabel,
      group,
      valid: cleared.length,
      held: valid.length - cleared.length,
      denominator,
      denominatorKind: awards.denominator,
      scored: ranked.length,
      derivation: `${result.derivation}${result.derivation.endsWith('。') ? '' : '。'}${leftOutNote(members)}`,
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
          .flatMap((a) => {
            const m = memberByCode.get(a.entryId);
            return m ? [row(m, a)] : [];
          }),
        // then the unscored ones and those held by a gate, by code
        ...unranked.map((m) => row(m, null)),
      ],
      ties: result.ties,
      pending: result.pending,
    },
    warnings,
  };
}

/**
 * Step 4: everything that keeps the awards from being final — the gates' blockers, judging's, undecided
 * boundary ties of the bands and of the quotas, and valid entries in no category — entries first by code.
 */
export function collectBlockers(
  gates: readonly Blocker[],
  reviews: Iterable<Blocker>,
  groups: readonly AwardGroup[],
  quotas: readonly QuotaResult[],
  uncategorized: readonly { code: string }[],
): Blocker[] {
  const tie = (entryCodes: string[], message: string): Blocker => ({ kind: 'tie', decidedIn: 'awards', code: null, entryCodes, message });
  const perEntry = [
    ...gates.filter((b) => b.code !== null),
    ...reviews,
    ...uncategorized.map(
      (e): Blocker => ({
        kind: 'eligibility',
        decidedIn: 'entries',
        code: e.code,
        entryCodes: [e.code],
        message: `作品 ${e.code}：未归入任何类别，不能评奖；须在作品列表中归类`,
      }),
    ),
  ].sort((x, y) => byCode({ code: x.code ?? '' }, { code: y.code ?? '' }));
  return [
    ...perEntry,
    ...gates.filter((b) => b.code === null),
    ...groups.flatMap((g) =>
      g.ties.filter((t) => !t.resolved).map((t) => tie(t.entryIds, `${g.category}${g.group ? `·${g.group}` : ''}：${t.message}`)),
    ),
    ...quotas.flatMap((q) =>
      q.units.flatMap((u) => u.ties.filter((t) => !t.resolved).map((t) => tie(t.entryIds, `${q.name}·${t.message}`))),
    ),
  ];
}

/** The awards of a contest from plain data: gates, then per category score, judging's gate, band each group, then quotas and blockers. */
export function buildContestAwards(input: AwardInput): ContestAwards {
  const { ruleSet } = input;
  const warnings: string[] = [];
  const validStatus = new Set<string>(VALID_STATUSES);
  const rulesByKey = new Map(ruleSet.categories.map((c) => [c.key, c]));
  const authorsOf = new Map<number, AwardAuthor[]>();
  for (const a of input.authors)
    authorsOf.set(a.entryId, [...(authorsOf.get(a.entryId) ?? []), { name: a.name, unit: a.unit, county: a.county }]);
  const codeOf = new Map(input.entries.map((e) => [e.id, e.code]));
  const code = (entryId: number) => codeOf.get(entryId) ?? String(entryId);
  const overridesOf = (kind: AwardOverrideKind) => input.overrides.filter((o) => o.kind === kind);
  const gates = entryGates(input.gates);

  const scoring = {
    method: ruleSet.judging.aggregation,
    requiredReviews: ruleSet.judging.reviewersPerEntry,
    spreadThreshold: ruleSet.judging.spreadThreshold,
    note: `${
      ruleSet.judging.aggregation === 'trimmed-mean'
        ? '评审不少于 5 份时去掉一个最高分和一个最低分后取平均，否则取算术平均'
        : '取各份评审总分的算术平均'
    }；最终得分按四舍五入保留两位小数；同分时依次比较规定评分项的平均分`,
  };

  // Step 1: score every category's valid entries.
  const categories: AwardCategory[] = [];
  const scored: { cat: AwardInput['categories'][number]; rules: CategoryRules; scores: CategoryScores }[] = [];
  for (const cat of input.categories) {
    const rules = rulesByKey.get(cat.key);
    if (!rules) throw new Error(`类别“${cat.name}”（${cat.key}）不在竞赛规则中，请先修正规则或作品类别`);
    categories.push(awardCategory(cat, rules, ruleSet));
    const valid = input.entries.filter((e) => e.categoryId === cat.id && validStatus.has(e.status)).sort(byCode);
    scored.push({ cat, rules, scores: scoreCategory(rules, ruleSet.judging, valid, input.reviews) });
  }
  const scoreOf = new Map(scored.flatMap((s) => [...s.scores.scores]));

  // Step 2: judging's gate, with the organizer's releases.
  const releases: BlockerOverride[] = [];
  for (const o of overridesOf('release')) {
    if (scoreOf.has(o.entryId)) releases.push({ entryId: code(o.entryId), reason: o.reason });
    else warnings.push(`作品 ${code(o.entryId)} 的放行决定未生效：该作品不是有效作品或未分类别`);
  }
  const judged = reviewGate([...scoreOf.values()], releases);

  // Step 3: band each group.
  const bandOverrides = new Map(overridesOf('band').map((o) => [o.entryId, o]));
  const groups: AwardGroup[] = [];
  for (const { cat, rules, scores } of scored) {
    const received = input.entries.filter((e) => e.categoryId === cat.id).sort(byCode);
    const member = (e: InputEntry): GroupMember => {
      const review = judged.held.get(e.code);
      const o = bandOverrides.get(e.id);
      return {
        entry: e,
        authors: authorsOf.get(e.id) ?? [],
        score: scores.scores.get(e.id) ?? null,
        holds: [...(gates.held.get(e.id) ?? []), ...(review ? [review] : [])],
        bandOverride: o ? { value: o.value, reason: o.reason } : null,
      };
    };
    const names = rules.awards.perGroup
      ? groupOrder(
          rules,
          received.filter((e) => validStatus.has(e.status)).map((e) => e.group),
        )
      : [];
    for (const group of names.length ? names : [null]) {
      const members = received.filter((e) => !rules.awards.perGroup || e.group === group).map(member);
      const banded = bandGroup(cat, rules, group, members);
      groups.push(banded.group);
      warnings.push(...banded.warnings);
    }
  }
  const inGroups = new Set(groups.flatMap((g) => g.entries.map((e) => e.id)));
  for (const [entryId, o] of bandOverrides) {
    if (!inGroups.has(entryId))
      warnings.push(`作品 ${code(entryId)} 的奖项调整（${o.value ?? '不获奖'}）未生效：该作品不是有效作品或未分类别`);
  }

  const panels = panelAdvisories(
    input,
    scored.flatMap((s) => s.scores.reviews.map((r) => ({ entryId: r.entryId, review: r.review, categoryId: s.cat.id }))),
  );
  const normalizedByEntry = new Map<string, number | null>();
  const normalizedByReview = new Map<string, number | null>();
  for (const p of panels.normalizations) {
    for (const e of p.entries) normalizedByEntry.set(e.entryId, e.normalizedMean);
    for (const r of p.reviews) normalizedByReview.set(`${r.entryId}|${r.expertId}`, r.normalized);
  }
  for (const g of groups) for (const e of g.entries) e.normalizedScore = normalizedByEntry.get(e.code) ?? null;
  const reviews = scored.flatMap((s) => s.scores.reviews.map((r) => r.detail));
  for (const r of reviews) r.normalized = normalizedByReview.get(`${r.code}|${r.expertId}`) ?? null;

  const quotas = quotaResults(input, groups, warnings);

  // Step 4: what keeps the awards from being final.
  const uncategorized = input.entries.filter((e) => validStatus.has(e.status) && e.categoryId === null).sort(byCode);
  const blockers = collectBlockers(gates.blockers, judged.held.values(), groups, quotas, uncategorized);

  return {
    contest: input.contest,
    rules: { title: ruleSetTitle(ruleSet), version: input.ruleVersion },
    scoring,
    categories,
    groups,
    quotas,
    reviews,
    panels: panels.advisories,
    blockers,
    released: judged.released,
    canFinalize: blockers.length === 0,
    warnings,
  };
}

function awardCategory(cat: { key: string; name: string }, rules: CategoryRules, ruleSet: RuleSet): AwardCategory {
  const awards = rules.awards;
  return {
    key: cat.key,
    name: cat.name,
    groupLabel: rules.groupLabel,
    criteria: rules.rubric.criteria.map((c) => ({ key: c.key, name: c.name, max: c.max })),
    tieBreak: rules.tieBreak,
    bands: awards.bands.map((b) => ({ name: b.name, ratio: b.ratio })),
    rounding: ROUNDING[awards.rounding],
    atLeastOneFirst: awards.atLeastOneFirst,
    perGroup: awards.perGroup,
    denominator: awards.denominator,
    defaults: categoryDefaults(ruleSet, cat.key),
  };
}

/**
 * Reviews grouped by the panel (评审组) that scores their entry: the panel of the entry's category and
 * group, else the category's whole-category panel (the rule assignment uses), else the category itself.
 */
function panelAdvisories(input: AwardInput, reviews: { entryId: number; review: SubmittedReview; categoryId: number }[]) {
  const entryById = new Map(input.entries.map((e) => [e.id, e]));
  const categoryById = new Map(input.categories.map((c) => [c.id, c]));
  const buckets = new Map<string, { panel: string; categoryKey: string; group: string | null; reviews: SubmittedReview[] }>();
  for (const { entryId, review, categoryId } of reviews) {
    const group = entryById.get(entryId)?.group ?? null;
    const cat = categoryById.get(categoryId);
    if (!cat) continue;
    const panel =
      input.panels.find((p) => p.categoryId === cat.id && p.group !== null && p.group === group) ??
      input.panels.find((p) => p.categoryId === cat.id && p.group === null);
    const key = panel ? `panel:${panel.id}` : `category:${cat.id}`;
    const bucket = buckets.get(key) ?? { panel: panel?.name ?? cat.name, categoryKey: cat.key, group: panel?.group ?? null, reviews: [] };
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
      // Held entries (a gate not passed) take no seat either.
      if (e.score === null || e.holds.length) continue;
      const first = e.authors[0];
      const qi = quotas.findIndex(
        (q, i) => (q.categories.length === 0 || q.categories.includes(g.categoryKey)) && (matchers[i]?.test(first?.county ?? '') ?? true),
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
    g.entries.flatMap((e): Assignment[] =>
      e.rank === null || e.score === null ? [] : [{ ...e, entryId: e.code, rank: e.rank, score: e.score }],
    ),
  );
  return seedNextStage([...placed, ...awards.quotas.flatMap((q) => q.units.map((u) => u.assignments))], qualifying);
}

/** Loads what buildContestAwards needs. Works on a transaction too (publication reads inside one). */
