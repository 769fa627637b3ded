import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scoreEntries, scoreEntry, type ScoringRule } from '../src/scoring/aggregate.ts';
import { finalizationBlockers } from '../src/scoring/blockers.ts';
import type { SubmittedReview } from '../src/scoring/review.ts';

const rule: ScoringRule = { method: 'mean', requiredReviews: 3, fullMarks: 100 };
const trimmed: ScoringRule = { ...rule, method: 'trimmed-mean', requiredReviews: 5 };

/** Reviews of one entry, one per expert, each given as its criterion scores. */
function reviews(entryId: string, ...criterionScores: number[][]): SubmittedReview[] {
  return criterionScores.map((scores, i) => ({ entryId, expertId: `专家${i + 1}`, criterionScores: scores }));
}

describe('final score', () => {
  it('drops one highest and one lowest total with 5 reviews under the trimmed mean', () => {
    // totals 80, 85, 90, 70, 95 → 70 and 95 dropped → (80 + 85 + 90) / 3 = 85
    const s = scoreEntry('A01', reviews('A01', [40, 40], [45, 40], [50, 40], [30, 40], [50, 45]), trimmed);
    expect(s.method).toBe('trimmed-mean');
    expect(s.score).toBe(85);
    expect(s.methodNote).toContain('去掉一个最高分和一个最低分');
    // the plain mean of the same reviews differs, so the trimming really happened
    expect(scoreEntry('A01', reviews('A01', [40, 40], [45, 40], [50, 40], [30, 40], [50, 45]), rule).score).toBe(84);
  });

  it('falls back to the mean with 4 reviews and says so', () => {
    // totals 70, 80, 90, 95 → mean 83.75
    const s = scoreEntry('A02', reviews('A02', [70], [80], [90], [95]), trimmed);
    expect(s.method).toBe('mean');
    expect(s.score).toBe(83.75);
    expect(s.methodNote).toContain('不足 5 份');
    expect(s.missingReviews).toBe(1);
  });

  it('rounds x.xx5 half-up on the exact decimal, where float arithmetic rounds down', () => {
    expect(Math.round(((1 + 1.01) / 2) * 100) / 100).toBe(1); // the float trap
    expect(scoreEntry('B', reviews('B', [0.5, 0.5], [0.51, 0.5]), rule).score).toBe(1.01);
    expect(scoreEntry('C', reviews('C', [42.5, 42.51], [42.5, 42.52]), rule).score).toBe(85.02); // 85.015
    expect(scoreEntry('D', reviews('D', [85], [85], [86]), rule)).toMatchObject({ score: 85.33, exact: expect.stringMatching(/^85\.333/) });
    expect(scoreEntry('E', reviews('E', [85], [86], [86]), rule).score).toBe(85.67);
    expect(scoreEntry('F', reviews('F', [85.004], [85.005]), rule).score).toBe(85); // 85.0045 rounds down
  });

  it('equals the exactly rounded mean for any reviews in hundredths', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 0, max: 5000 }), { minLength: 3, maxLength: 3 }), { minLength: 1, maxLength: 9 }),
        fc.boolean(),
        (hundredths, trim) => {
          const s = scoreEntry('X', reviews('X', ...hundredths.map((c) => c.map((h) => h / 100))), trim ? trimmed : rule);
          const totals = hundredths.map((c) => c[0] + c[1] + c[2]).sort((a, b) => a - b);
          const kept = trim && totals.length >= 5 ? totals.slice(1, -1) : totals;
          const sum = kept.reduce((a, b) => a + b, 0);
          // half-up of sum / n in hundredths, in integer arithmetic
          const rounded = Math.floor((2 * sum + kept.length) / (2 * kept.length));
          expect(s.score).toBe(rounded / 100);
        },
      ),
    );
  });

  it('gives per-criterion means over all reviews for the tie-break chain', () => {
    const s = scoreEntry('G', reviews('G', [30, 20.5, 10], [28, 21, 9], [29, 22, 8]), rule);
    expect(s.criterionMeans).toEqual([29, 21.17, 9]);
  });

  it('flags review totals spreading more than the threshold of full marks', () => {
    expect(scoreEntry('H', reviews('H', [70], [90], [80]), rule)).toMatchObject({ spread: 20, discrepancy: false });
    expect(scoreEntry('I', reviews('I', [70], [90.5], [80]), rule)).toMatchObject({ spread: 20.5, discrepancy: true });
    // 30 full marks × 0.1 = 3 exactly; a spread of 3 is not "more than"
    const small: ScoringRule = { ...rule, fullMarks: 30, discrepancyThreshold: 0.1 };
    expect(scoreEntry('J', reviews('J', [20], [23]), small).discrepancy).toBe(false);
    expect(scoreEntry('J', reviews('J', [20], [23.5]), small).discrepancy).toBe(true);
  });

  it('scores every listed entry and reports those without reviews', () => {
    const all = scoreEntries(['K1', 'K2'], reviews('K1', [80], [82]), rule);
    expect(all.map((s) => [s.entryId, s.score, s.missingReviews])).toEqual([
      ['K1', 81, 1],
      ['K2', null, 3],
    ]);
    expect(all[1].methodNote).toBe('尚无评审');
  });

  it('refuses bad review data with a message naming the entry', () => {
    expect(() => scoreEntries(['L'], [...reviews('L', [80]), ...reviews('L', [81])], rule)).toThrow(/专家1 对作品 L 有重复评审/);
    expect(() => scoreEntries(['L'], reviews('M', [80]), rule)).toThrow(/作品 M 不在待计分的作品之列/);
    expect(() => scoreEntry('N', reviews('N', [80, Number.NaN]), rule)).toThrow(/作品 N 专家 专家1 第 2 项评分不是有效数字/);
    expect(() => scoreEntry('O', reviews('O', [80, 1], [80]), rule)).toThrow(/作品 O 的各份评审评分项数量不一致/);
  });
});

describe('finalization blockers', () => {
  const scores = scoreEntries(
    ['P1', 'P2', 'P3'],
    [...reviews('P1', [80], [82], [81]), ...reviews('P2', [80], [82]), ...reviews('P3', [60], [90], [75])],
    rule,
  );

  it('names entries missing reviews or flagged for discrepancy', () => {
    const check = finalizationBlockers(scores);
    expect(check.canFinalize).toBe(false);
    expect(check.blockers.map((b) => b.message)).toEqual(['作品 P2：缺少 1 份评审', '作品 P3：评分差异过大（最高与最低相差 30 分）']);
  });

  it('lets overridden entries through with their reason', () => {
    const check = finalizationBlockers(scores, [
      { entryId: 'P2', reason: '专家因病无法评审，经评审组同意' },
      { entryId: 'P3', reason: '经仲裁维持原分' },
      { entryId: 'P1', reason: '无需放行' },
    ]);
    expect(check.canFinalize).toBe(true);
    expect(check.overridden.map((b) => [b.entryId, b.overrideReason])).toEqual([
      ['P2', '专家因病无法评审，经评审组同意'],
      ['P3', '经仲裁维持原分'],
    ]);
    expect(finalizationBlockers(scores, [{ entryId: 'P2', reason: 'x' }]).blockers.map((b) => b.entryId)).toEqual(['P3']);
  });

  it('requires a reason for an override', () => {
    expect(() => finalizationBlockers(scores, [{ entryId: 'P2', reason: '  ' }])).toThrow('放行作品 P2 必须填写理由');
  });
});
