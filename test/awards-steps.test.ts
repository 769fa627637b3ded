import fs from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AwardInput,
  bandGroup,
  buildContestAwards,
  collectBlockers,
  type GroupMember,
  reviewGate,
  scoreCategory,
} from '../src/awards/contest.ts';
import type { EntryScore } from '../src/scoring/aggregate.ts';
import { type Blocker, DECIDED_IN, type GateInput } from '../src/flow/gates.ts';
import { requireRuleSet } from '../src/rules/load.ts';
import type { CategoryRules } from '../src/rules/schema.ts';

/** The award pipeline's named steps, each on plain data: no database anywhere in this file. */

const fujian = requireRuleSet(fs.readFileSync('rules/fujian-platform-cases-training-and-scenarios.yaml', 'utf8'), 'fujian.yaml');
const regional = fujian.categories.find((c) => c.key === 'regional-training') as CategoryRules;
const city = requireRuleSet(fs.readFileSync('rules/city-platform-application-special.yaml', 'utf8'), 'city.yaml');

/** A score as scoreEntries gives it: `score` points, complete and agreeing reviews unless told otherwise. */
const score = (code: string, points: number | null, extra: Omit<Partial<EntryScore>, 'method'> = {}): EntryScore => ({
  entryId: code,
  score: points,
  exact: points === null ? null : points.toFixed(4),
  method: 'mean',
  methodNote: '算术平均',
  reviewCount: 3,
  missingReviews: 0,
  discrepancy: false,
  spread: 0,
  criterionMeans: [points ?? 0, 0, 0, 0, 0],
  ...extra,
});

const member = (code: string, points: number | null, extra: Partial<GroupMember> = {}): GroupMember => ({
  entry: { id: Number(code.replace(/\D/g, '')), code, title: `作品${code}`, group: null, status: 'eligible' },
  authors: [{ name: `作者${code}`, unit: '实验小学', county: '鼓楼区' }],
  score: score(code, points),
  holds: [],
  bandOverride: null,
  ...extra,
});

const held = (code: string, kind: Blocker['kind']): Blocker => ({
  kind,
  decidedIn: DECIDED_IN[kind],
  code,
  entryCodes: [code],
  message: `作品 ${code}：待处理`,
});

describe('step 1: scoreCategory', () => {
  it('scores each entry from its submitted reviews by the rubric and names a review missing a criterion', () => {
    const entries = [
      { id: 1, code: 'A1' },
      { id: 2, code: 'A2' },
    ];
    const full = Object.fromEntries(regional.rubric.criteria.map((c) => [c.key, 18]));
    const reviews = [0, 1, 2].map((expert) => ({ entryId: 1, expertId: expert, expert: `专家${expert}`, scores: full, comment: '好' }));
    const result = scoreCategory(regional, fujian.judging, entries, [
      ...reviews,
      { entryId: 2, expertId: 0, expert: '专家0', scores: full, comment: '' },
      { entryId: 99, expertId: 0, expert: '专家0', scores: full, comment: 'another category' },
    ]);
    expect(result.scores.get(1)).toMatchObject({ entryId: 'A1', score: 90, reviewCount: 3, missingReviews: 0 });
    expect(result.scores.get(2)).toMatchObject({ entryId: 'A2', score: 90, reviewCount: 1, missingReviews: 2 });
    expect(result.reviews.map((r) => [r.detail.code, r.detail.total])).toEqual([
      ['A1', 90],
      ['A1', 90],
      ['A1', 90],
      ['A2', 90],
    ]);
    const { mechanism: _, ...partial } = full;
    expect(() =>
      scoreCategory(regional, fujian.judging, entries, [{ entryId: 2, expertId: 7, expert: '王专家', scores: partial, comment: '' }]),
    ).toThrow('作品 A2 专家“王专家”的已提交评分缺少“完善工作机制”');
  });
});

describe('step 2: reviewGate', () => {
  it('holds entries missing reviews or flagged for a discrepancy, unless released with a reason', () => {
    const gate = reviewGate(
      [score('A1', 90), score('A2', 80, { missingReviews: 1 }), score('A3', 70, { discrepancy: true, spread: 25 })],
      [{ entryId: 'A3', reason: '复核后维持原分' }],
    );
    expect([...gate.held.values()].map((b) => [b.code, b.kind, b.message])).toEqual([
      ['A2', 'review', '作品 A2：缺少 1 份评审；须补齐评审或在评奖中放行'],
    ]);
    expect(gate.released.map((r) => [r.entryId, r.overrideReason])).toEqual([['A3', '复核后维持原分']]);
  });
});

describe('step 3: bandGroup', () => {
  const cat = { key: regional.key, name: regional.name };

  it('ranks and counts only the entries that passed every gate, and names the others and why', () => {
    const members = [
      ...Array.from({ length: 10 }, (_, i) => member(`R${String(i + 1).padStart(2, '0')}`, 95 - i)),
      member('R11', 99, { holds: [held('R11', 'similarity')] }),
      member('R12', 98, { holds: [held('R12', 'suspect'), held('R12', 'eligibility')] }),
      member('R13', null, { entry: { id: 13, code: 'R13', title: '撤', group: null, status: 'withdrawn' }, score: null }),
      member('R14', null, { entry: { id: 14, code: 'R14', title: '取消', group: null, status: 'disqualified' }, score: null }),
    ];
    const { group, warnings } = bandGroup(cat, regional, null, members);
    expect([group.valid, group.held, group.denominator, group.scored]).toEqual([10, 2, 10, 10]);
    expect(group.bands.map((b) => [b.name, b.cap, b.count])).toEqual([
      ['一等奖', 1, 1],
      ['二等奖', 2, 2],
      ['三等奖', 3, 3],
    ]);
    expect(group.derivation).toBe(
      '有效作品 10 件：一等奖 ⌊10×10%⌋=1；一、二等奖合计 ⌊10×30%⌋=3；一、二、三等奖合计 ⌊10×60%⌋=6。各奖项名额：一等奖 1、二等奖 2、三等奖 3。' +
        '未计入有效作品的：待处理 2 件：R11（查重）、R12（一稿多投与相似主题、形式审查）；取消资格 1 件：R14；已撤回 1 件：R13。',
    );
    // The best scores of all (99, 98) win nothing while held; they are listed after the ranked ones.
    expect(group.entries.map((e) => [e.code, e.band])).toEqual([
      ['R01', '一等奖'],
      ['R02', '二等奖'],
      ['R03', '二等奖'],
      ['R04', '三等奖'],
      ['R05', '三等奖'],
      ['R06', '三等奖'],
      ['R07', null],
      ['R08', null],
      ['R09', null],
      ['R10', null],
      ['R11', null],
      ['R12', null],
    ]);
    expect(group.entries.find((e) => e.code === 'R12')?.holds.map((h) => h.kind)).toEqual(['suspect', 'eligibility']);
    expect(warnings).toEqual([]);
  });

  it('counts every entry received when the rule set says so, and refuses a band decision on a held entry with a warning', () => {
    const submitted = { ...regional, awards: { ...regional.awards, denominator: 'submitted' as const } };
    const members = [
      member('S1', 90),
      member('S2', 80, { holds: [held('S2', 'review')], bandOverride: { value: '一等奖', reason: '复议' } }),
      member('S3', null, { entry: { id: 3, code: 'S3', title: '', group: null, status: 'returned' }, score: null }),
    ];
    const { group, warnings } = bandGroup(cat, submitted, null, members);
    expect([group.valid, group.denominator]).toEqual([1, 3]);
    expect(group.derivation).toMatch(/^报送作品 3 件：/);
    expect(warnings).toEqual(['作品 S2 的奖项调整（一等奖）未生效：该作品尚有待处理的问题']);
  });

  it('on random groups: held entries get no band, the denominator counts the cleared, and clearing never takes seats away', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ points: fc.integer({ min: 60, max: 100 }), held: fc.boolean() }), { maxLength: 80 }), (specs) => {
        const members = specs.map((s, i) => {
          const code = `P${String(i).padStart(3, '0')}`;
          return member(code, s.points, { holds: s.held ? [held(code, 'similarity')] : [] });
        });
        const { group } = bandGroup(cat, regional, null, members);
        const cleared = specs.filter((s) => !s.held).length;
        expect(group.denominator).toBe(cleared);
        expect(group.valid + group.held).toBe(specs.length);
        for (const e of group.entries) if (e.holds.length) expect([e.band, e.rank]).toEqual([null, null]);
        for (const b of group.bands) expect(b.count).toBeLessThanOrEqual(b.cap);
        // releasing every hold can only add seats
        const released = bandGroup(
          cat,
          regional,
          null,
          members.map((m) => ({ ...m, holds: [] })),
        ).group;
        for (const [i, b] of released.bands.entries()) expect(b.cumulative).toBeGreaterThanOrEqual(group.bands[i].cumulative);
      }),
      { numRuns: 200 },
    );
  });
});

describe('step 4: collectBlockers', () => {
  it('lists the entries by code, then the contest’s, then undecided ties, and names uncategorized entries', () => {
    const stale: Blocker = { kind: 'stale', decidedIn: 'similarity', code: null, entryCodes: [], message: '第 1 次查重早于最近一次导入' };
    const blockers = collectBlockers([held('B2', 'similarity'), stale], [held('A9', 'review')], [], [], [{ code: 'C1' }]);
    expect(blockers.map((b) => [b.code, b.kind])).toEqual([
      ['A9', 'review'],
      ['B2', 'similarity'],
      ['C1', 'eligibility'],
      [null, 'stale'],
    ]);
  });
});

describe('buildContestAwards on plain data', () => {
  /** Ten entries of the city rule set's first category, three reviews each; gates open unless a test closes them. */
  function input(gates: Partial<GateInput> = {}): AwardInput {
    const cat = city.categories[0];
    const full = (n: number) => Object.fromEntries(cat.rubric.criteria.map((c) => [c.key, Math.round(c.max * (1 - n * 0.04) * 2) / 2]));
    const entries = Array.from({ length: 10 }, (_, i) => ({
      id: i + 1,
      code: `K${String(i + 1).padStart(2, '0')}`,
      title: `案例${i + 1}`,
      categoryId: 1,
      group: cat.groups[0]?.name ?? null,
      status: 'submitted' as const,
    }));
    return {
      contest: { id: 1, name: '市级评选', rulesSource: 'city.yaml' },
      ruleSet: city,
      ruleVersion: 1,
      categories: city.categories.map((c, i) => ({ id: i + 1, key: c.key, name: c.name })),
      entries,
      authors: entries.map((e) => ({ entryId: e.id, name: `教师${e.id}`, unit: `学校${e.id}`, county: '高新区' })),
      reviews: entries.flatMap((e) =>
        [0, 1, 2]
          .slice(0, city.judging.reviewersPerEntry)
          .map((x) => ({ entryId: e.id, expertId: x, expert: `专家${x}`, scores: full(e.id), comment: '' })),
      ),
      panels: [],
      overrides: [],
      gates: {
        threshold: 0.3,
        latestImportAt: '2024-05-01T00:00:00.000Z',
        scan: { version: 1, startedAt: '2024-05-02T00:00:00.000Z' },
        entries: entries.map((e) => ({
          id: e.id,
          code: e.code,
          status: e.status,
          createdAt: '2024-05-01T00:00:00.000Z',
          eligibility: { verdict: 'pass' as const, failed: [], warned: [], checkedAt: '2024-05-02T00:00:00.000Z' },
          openChecks: [],
          rate: 0.05,
          similarityDecision: null,
        })),
        suspects: [],
        ...gates,
      },
    };
  }

  it('keeps an entry at the threshold out until a 保留 decision, and a suspect pair out until decided', () => {
    const base = input();
    const open = buildContestAwards(base);
    expect(open.blockers).toEqual([]);
    const counted = open.groups[0].valid;

    const flagged = input({
      entries: base.gates.entries.map((e) => (e.code === 'K01' ? { ...e, rate: 0.3 } : e)),
      suspects: [{ a: 'K02', b: 'K03', kind: '一稿多投', decided: false }],
    });
    const blocked = buildContestAwards(flagged);
    expect(blocked.blockers.map((b) => [b.code, b.kind])).toEqual([
      ['K01', 'similarity'],
      ['K02', 'suspect'],
      ['K03', 'suspect'],
    ]);
    expect(blocked.groups[0].valid).toBe(counted - 3);
    expect(blocked.groups[0].entries.filter((e) => e.band !== null).map((e) => e.code)).not.toContain('K01');

    const kept = buildContestAwards({
      ...flagged,
      gates: {
        ...flagged.gates,
        entries: flagged.gates.entries.map((e) =>
          e.code === 'K01' ? { ...e, similarityDecision: { decision: '保留' as const, rate: 0.3 } } : e,
        ),
        suspects: [{ a: 'K02', b: 'K03', kind: '一稿多投', decided: true }],
      },
    });
    expect(kept.blockers).toEqual([]);
    expect(kept.groups[0].valid).toBe(counted);
  });
});
