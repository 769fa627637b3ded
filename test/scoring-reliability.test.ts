import { describe, expect, it } from 'vitest';
import { normalizeByExpert } from '../src/scoring/normalize.ts';
import { panelReliability } from '../src/scoring/reliability.ts';
import type { SubmittedReview } from '../src/scoring/review.ts';

/** A table of review totals: rows are entries, columns experts; null = not reviewed. */
function table(rows: (number | null)[][]): SubmittedReview[] {
  return rows.flatMap((row, i) =>
    row.flatMap((total, j) => (total === null ? [] : [{ entryId: `E${i + 1}`, expertId: `J${j + 1}`, criterionScores: [total] }])),
  );
}

// Shrout & Fleiss (1979), Table 2: 6 targets rated by 4 judges.
const shroutFleiss = [
  [9, 2, 5, 8],
  [6, 1, 3, 2],
  [8, 4, 6, 8],
  [7, 1, 2, 6],
  [10, 5, 6, 9],
  [6, 2, 4, 7],
];

describe('panel reliability (ICC)', () => {
  it('reproduces Shrout & Fleiss Table 4 for the complete design', () => {
    const r = panelReliability(table(shroutFleiss));
    expect(r).toMatchObject({ targets: 6, raters: 4, ratings: 24 });
    if (!r.oneWay.ok || !r.twoWay.ok) throw new Error('expected both models');
    expect(r.oneWay.single).toBeCloseTo(0.17, 2); // ICC(1,1)
    expect(r.oneWay.average).toBeCloseTo(0.44, 2); // ICC(1,4)
    expect(r.oneWay.raters).toBe(4);
    expect(r.twoWay.single).toBeCloseTo(0.29, 2); // ICC(2,1)
    expect(r.twoWay.average).toBeCloseTo(0.62, 2); // ICC(2,4)
  });

  it('uses k₀ for entries with unequal numbers of reviews and refuses the two-way model', () => {
    // A: 1, 3 (mean 2); B: 4, 6, 8 (mean 6); grand mean 4.4
    // MSB = 2·2.4² + 3·1.6² = 19.2 (df 1); MSW = (2 + 8) / 3; k₀ = (5 − 13/5) / 1 = 2.4
    const r = panelReliability(
      table([
        [1, 3, null],
        [4, 6, 8],
      ]),
    );
    if (!r.oneWay.ok) throw new Error(r.oneWay.reason);
    const msw = 10 / 3;
    expect(r.oneWay.raters).toBeCloseTo(2.4, 10);
    expect(r.oneWay.single).toBeCloseTo((19.2 - msw) / (19.2 + 1.4 * msw), 10);
    expect(r.oneWay.average).toBeCloseTo((19.2 - msw) / 19.2, 10);
    expect(r.twoWay).toEqual({ ok: false, reason: '并非每位专家都评阅了每件作品，不适用双向模型' });
  });

  it('ignores entries with a single review and returns reasons for degenerate panels', () => {
    expect(
      panelReliability(
        table([
          [80, 82],
          [70, null],
        ]),
      ),
    ).toMatchObject({
      targets: 1,
      oneWay: { ok: false, reason: '有 2 份以上评审的作品不足 2 件，无法计算' },
    });
    expect(panelReliability([]).oneWay.ok).toBe(false);
    expect(
      panelReliability(
        table([
          [80, 80],
          [80, 80],
        ]),
      ).oneWay,
    ).toEqual({ ok: false, reason: '所有评分完全相同，无法计算' });
    expect(
      panelReliability(
        table([
          [70, 90],
          [90, 70],
        ]),
      ).oneWay,
    ).toEqual({ ok: false, reason: '各作品平均分完全相同，无法计算' });
  });

  it('is 1 when experts agree exactly on differing entries', () => {
    const r = panelReliability(
      table([
        [70, 70, 70],
        [80, 80, 80],
        [95, 95, 95],
      ]),
    );
    expect(r.oneWay).toMatchObject({ ok: true, single: 1, average: 1 });
    expect(r.twoWay).toMatchObject({ ok: true, single: 1, average: 1 });
  });
});

describe('expert normalization', () => {
  it('computes z-scores within each expert and maps them onto the panel scale', () => {
    const n = normalizeByExpert(
      table([
        [70, 60],
        [80, 62],
        [90, 70],
      ]),
    );
    const all = [70, 80, 90, 60, 62, 70];
    const panelMean = all.reduce((a, b) => a + b) / all.length;
    const panelSd = Math.sqrt(all.reduce((a, x) => a + (x - panelMean) ** 2, 0) / all.length);
    expect(n.panelMean).toBeCloseTo(panelMean, 10);
    expect(n.panelSd).toBeCloseTo(panelSd, 10);
    const j1 = n.reviews.filter((r) => r.expertId === 'J1');
    const sd = Math.sqrt(200 / 3); // population SD of 70, 80, 90
    expect(j1.map((r) => r.z)).toEqual([-10 / sd, 0, 10 / sd].map((z) => expect.closeTo(z, 10)));
    expect(j1[1].normalized).toBe(Math.round(panelMean * 100) / 100);
    // every expert's normalized scores have the panel's mean and SD
    for (const expert of ['J1', 'J2']) {
      const xs = n.reviews.filter((r) => r.expertId === expert).map((r) => r.normalized!);
      const m = xs.reduce((a, b) => a + b) / xs.length;
      expect(m).toBeCloseTo(panelMean, 1);
      expect(Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / xs.length)).toBeCloseTo(panelSd, 1);
    }
    // each entry's advisory column is the mean of its normalized review totals
    expect(n.entries.map((e) => e.entryId)).toEqual(['E1', 'E2', 'E3']);
    for (const e of n.entries) {
      const xs = n.reviews.filter((r) => r.entryId === e.entryId).map((r) => r.normalized!);
      expect(e.normalizedMean).toBeCloseTo((xs[0] + xs[1]) / 2, 2);
    }
  });

  it('flags experts whose mean is more than one SD from the mean of expert means', () => {
    // expert means 80, 82, 78, 60 → mean 75, deviations 5, 7, 3, −15, population SD √77 ≈ 8.77
    const n = normalizeByExpert(
      table([
        [79, 81, 77, 59],
        [81, 83, 79, 61],
      ]),
    );
    expect(n.experts.map((e) => [e.expertId, e.flagged])).toEqual([
      ['J1', false],
      ['J2', false],
      ['J3', false],
      ['J4', true],
    ]);
    expect(n.experts[3].deviation).toBeCloseTo(-15 / Math.sqrt(77), 10);
  });

  it('leaves experts it cannot normalize unnormalized, with a note', () => {
    const n = normalizeByExpert(
      table([
        [80, 75, 90],
        [80, 85, null],
      ]),
    );
    expect(n.experts.map((e) => e.note)).toEqual(['该专家所评分数完全相同，无法标准化', null, '该专家仅评 1 件作品，无法标准化']);
    expect(n.reviews.filter((r) => r.expertId !== 'J2').every((r) => r.z === null && r.normalized === null)).toBe(true);
  });
});
