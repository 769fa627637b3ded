import { describe, expect, it } from 'vitest';
import { computeBands } from '../src/awards/bands.ts';
import { bandCaps, DEFAULT_BAND_OPTIONS, type BandSpec } from '../src/awards/caps.ts';
import type { RankedEntry } from '../src/awards/ranking.ts';

const prizes = (p1: number, p2: number, p3: number): BandSpec[] => [
  { name: '一等奖', ratio: p1 },
  { name: '二等奖', ratio: p2 },
  { name: '三等奖', ratio: p3 },
];
const fujian = prizes(0.1, 0.2, 0.3); // 有效作品数 10%、20%、30%
const city = prizes(0.15, 0.25, 0.35); // 比例原则上为 15%、25%、35%
const halfUp = { ...DEFAULT_BAND_OPTIONS, rounding: 'cumulative-half-up' } as const;

/** Entries with distinct scores 100, 99, … so the ranking alone decides. */
function distinct(n: number): RankedEntry[] {
  return Array.from({ length: n }, (_, i) => ({ id: `Z${String(i + 1).padStart(4, '0')}`, score: 100 - i * 0.5, tieBreak: [] }));
}

describe('band caps', () => {
  it('47 valid entries at 10/20/30: 4 / 10 / 14 by cumulative rounding down', () => {
    const { caps, derivation } = bandCaps(47, fujian, DEFAULT_BAND_OPTIONS);
    expect(caps.map((c) => [c.cumulative, c.cap])).toEqual([
      [4, 4],
      [14, 10],
      [28, 14],
    ]);
    expect(derivation).toBe(
      '有效作品 47 件：一等奖 ⌊47×10%⌋=⌊4.7⌋=4；一、二等奖合计 ⌊47×30%⌋=⌊14.1⌋=14；' +
        '一、二、三等奖合计 ⌊47×60%⌋=⌊28.2⌋=28。各奖项名额：一等奖 4、二等奖 10、三等奖 14',
    );
  });

  it('47 valid entries at 15/25/35: ⌊7.05⌋=7, ⌊18.8⌋=18, ⌊35.25⌋=35 → 7 / 11 / 17', () => {
    const { caps } = bandCaps(47, city, DEFAULT_BAND_OPTIONS);
    expect(caps.map((c) => c.cap)).toEqual([7, 11, 17]);
    expect(caps[2].derivation).toBe('一、二、三等奖合计 ⌊47×75%⌋=⌊35.25⌋=35');
  });

  it('100 valid entries at 15/25/35 give exactly 15 / 25 / 35', () => {
    const { caps } = bandCaps(100, city, DEFAULT_BAND_OPTIONS);
    expect(caps.map((c) => c.cap)).toEqual([15, 25, 35]);
    expect(caps[0].derivation).toBe('一等奖 ⌊100×15%⌋=15');
  });

  it('computes with exact decimals where floats fall below the integer', () => {
    expect(Math.floor(100 * 0.29)).toBe(28); // the float trap
    expect(bandCaps(100, [{ name: '优秀奖', ratio: 0.29 }], DEFAULT_BAND_OPTIONS).caps[0].cap).toBe(29);
    expect(
      bandCaps(
        100,
        [
          { name: '甲', ratio: 0.27 },
          { name: '乙', ratio: 0.3 },
        ],
        DEFAULT_BAND_OPTIONS,
      ).caps.map((c) => c.cap),
    ).toEqual([27, 30]); // 0.27 + 0.3 = 0.5700000000000001 as floats, ×100 = 57.00000000000001
  });

  it('rounds the cumulative shares half-up when configured', () => {
    // 4.7 → 5; 14.1 → 14; 28.2 → 28
    expect(bandCaps(47, fujian, halfUp).caps.map((c) => c.cap)).toEqual([5, 9, 14]);
    // 4.5 → 5; 13.5 → 14; 27 → 27
    const { caps } = bandCaps(45, fujian, halfUp);
    expect(caps.map((c) => c.cap)).toEqual([5, 9, 13]);
    expect(caps[0].derivation).toBe('一等奖 45×10%=4.5，四舍五入得 5');
    expect(caps[2].derivation).toBe('一、二、三等奖合计 45×60%=27');
  });

  it('gives a non-empty category at least one first prize when configured', () => {
    const options = { ...DEFAULT_BAND_OPTIONS, atLeastOneFirst: true };
    const { caps, derivation } = bandCaps(3, fujian, options);
    expect(caps.map((c) => c.cap)).toEqual([1, 0, 0]);
    expect(derivation).toContain('一等奖 ⌊3×10%⌋=⌊0.3⌋=0，按非空类别至少一个一等奖取 1');
    expect(derivation).toContain('一、二等奖合计 ⌊3×30%⌋=⌊0.9⌋=0，不少于前项合计，取 1');
    expect(bandCaps(3, fujian, DEFAULT_BAND_OPTIONS).caps.map((c) => c.cap)).toEqual([0, 0, 1]);
    expect(bandCaps(0, fujian, options).caps.map((c) => c.cap)).toEqual([0, 0, 0]);
    expect(bandCaps(12, fujian, options).caps.map((c) => c.cap)).toEqual([1, 2, 4]);
  });

  it('joins band names by their common suffix in the derivation', () => {
    const { caps } = bandCaps(
      200,
      [
        { name: '典型案例', ratio: 0.05 },
        { name: '展示案例', ratio: 0.1 },
      ],
      DEFAULT_BAND_OPTIONS,
    );
    expect(caps[1].derivation).toBe('典型、展示案例合计 ⌊200×15%⌋=30');
  });

  it('refuses bad settings with a clear message', () => {
    expect(() => bandCaps(10, prizes(0.4, 0.4, 0.3), DEFAULT_BAND_OPTIONS)).toThrow('各奖项比例合计 110%，超过 100%');
    expect(() => bandCaps(10, [{ name: '一等奖', ratio: 1.5 }], DEFAULT_BAND_OPTIONS)).toThrow('“一等奖”的比例 1.5 应在 0 到 1 之间');
    expect(() => bandCaps(10, [...prizes(0.1, 0.1, 0.1), { name: '一等奖', ratio: 0 }], DEFAULT_BAND_OPTIONS)).toThrow('奖项“一等奖”重复');
    expect(() => bandCaps(-1, fujian, DEFAULT_BAND_OPTIONS)).toThrow('有效作品数 -1 不是非负整数');
    expect(() => bandCaps(10, [], DEFAULT_BAND_OPTIONS)).toThrow('未设置任何奖项');
  });
});

describe('computeBands', () => {
  it('awards 47 ranked entries 4 / 10 / 14 in rank order and leaves the rest out', () => {
    const r = computeBands(distinct(47), fujian, DEFAULT_BAND_OPTIONS);
    expect(r.valid).toBe(47);
    expect(r.counts.map((c) => [c.band, c.cap, c.count])).toEqual([
      ['一等奖', 4, 4],
      ['二等奖', 10, 10],
      ['三等奖', 14, 14],
    ]);
    const bandOf = r.assignments.map((a) => a.band);
    expect(bandOf.slice(0, 4).every((b) => b === '一等奖')).toBe(true);
    expect(bandOf.slice(4, 14).every((b) => b === '二等奖')).toBe(true);
    expect(bandOf.slice(14, 28).every((b) => b === '三等奖')).toBe(true);
    expect(bandOf.slice(28).every((b) => b === null)).toBe(true);
    expect(r.assignments.map((a) => a.rank)).toEqual(Array.from({ length: 47 }, (_, i) => i + 1));
    expect(r.ties).toEqual([]);
  });

  it('uses the tie-break chain before declaring a tie', () => {
    const entries: RankedEntry[] = [
      { id: 'B', score: 90, tieBreak: [28, 20] },
      { id: 'A', score: 90, tieBreak: [28, 21] },
      { id: 'C', score: 95, tieBreak: [20, 20] },
      ...distinct(7).map((e) => ({ ...e, score: 80 - e.score / 100, tieBreak: [0, 0] })),
    ];
    const r = computeBands(entries, fujian, DEFAULT_BAND_OPTIONS); // caps 1 / 2 / 3
    expect(r.assignments.slice(0, 3).map((a) => [a.entryId, a.rank, a.band])).toEqual([
      ['C', 1, '一等奖'],
      ['A', 2, '二等奖'],
      ['B', 3, '二等奖'],
    ]);
    expect(r.ties).toEqual([]);
  });

  it('holds a group tied across a boundary out of both bands, keeping the seats empty', () => {
    // 10 entries at 10/20/30 → seats 1 / 2 / 3, band ends at ranks 1, 3, 6
    const scores = [90, 90, 88, 87, 86, 86, 86, 80, 79, 78];
    const entries = scores.map((score, i) => ({ id: `T${i}`, score, tieBreak: [1] }));
    const r = computeBands(entries, fujian, DEFAULT_BAND_OPTIONS);
    expect(r.ties).toHaveLength(2);
    expect(r.ties[0]).toMatchObject({
      label: '边界并列',
      upperBand: '一等奖',
      lowerBand: '二等奖',
      rank: 1,
      entryIds: ['T0', 'T1'],
      seatsLeft: 1,
      resolved: false,
    });
    expect(r.ties[0].message).toBe(
      '2 件作品并列第 1 名，跨越“一等奖”与“二等奖”的边界；一等奖尚余 1 个名额，暂不授予，待组织者决定（不自动超出名额）',
    );
    // T4–T6 tied at ranks 5–7 cross the end of the awards (rank 6)
    expect(r.ties[1]).toMatchObject({ upperBand: '三等奖', lowerBand: null, rank: 5, entryIds: ['T4', 'T5', 'T6'], seatsLeft: 2 });
    expect(r.ties[1].message).toContain('跨越“三等奖”与“未获奖”的边界');
    expect(r.assignments.map((a) => [a.entryId, a.rank, a.band, a.pending])).toEqual([
      ['T0', 1, null, true],
      ['T1', 1, null, true],
      ['T2', 3, '二等奖', false], // the tie occupies ranks 1–2, so T2 keeps exactly its own band
      ['T3', 4, '三等奖', false],
      ['T4', 5, null, true],
      ['T5', 5, null, true],
      ['T6', 5, null, true],
      ['T7', 8, null, false],
      ['T8', 9, null, false],
      ['T9', 10, null, false],
    ]);
    expect(r.counts.map((c) => c.count)).toEqual([0, 1, 1]);
    expect(r.pending).toBe(5);
  });

  it('does not flag a tie that fits inside one band or lies wholly outside', () => {
    const scores = [95, 90, 90, 85, 80, 70, 60, 60, 60, 60];
    const r = computeBands(
      scores.map((score, i) => ({ id: `U${i}`, score, tieBreak: [] })),
      fujian,
      DEFAULT_BAND_OPTIONS,
    );
    expect(r.ties).toEqual([]);
    expect(r.assignments.map((a) => a.band)).toEqual(['一等奖', '二等奖', '二等奖', '三等奖', '三等奖', '三等奖', null, null, null, null]);
  });

  it('applies organizer overrides on top and reports bands over their cap', () => {
    const scores = [90, 90, 88, 87, 86, 85, 84, 80, 79, 78];
    const entries = scores.map((score, i) => ({ id: `V${i}`, score, tieBreak: [] }));
    const r = computeBands(entries, fujian, DEFAULT_BAND_OPTIONS, [
      { entryId: 'V0', band: '一等奖', reason: '并列，评审委员会决定同授一等奖' },
      { entryId: 'V1', band: '一等奖', reason: '并列，评审委员会决定同授一等奖' },
      { entryId: 'V9', band: '三等奖', reason: '复核加分' },
    ]);
    expect(r.ties[0].resolved).toBe(true);
    expect(r.pending).toBe(0);
    expect(r.counts).toEqual([
      { band: '一等奖', cap: 1, count: 2, overCap: true },
      // the tied pair occupied ranks 1–2; giving both 一等奖 does not move V2 (rank 3) up
      { band: '二等奖', cap: 2, count: 1, overCap: false },
      { band: '三等奖', cap: 3, count: 4, overCap: true },
    ]);
    const v9 = r.assignments.find((a) => a.entryId === 'V9')!;
    expect(v9).toMatchObject({ computedBand: null, band: '三等奖', override: { band: '三等奖', reason: '复核加分' } });
  });

  it('refuses overrides without a reason, for unknown entries or unknown bands', () => {
    const entries = distinct(5);
    expect(() => computeBands(entries, fujian, DEFAULT_BAND_OPTIONS, [{ entryId: 'Z0001', band: null, reason: '' }])).toThrow(
      '调整作品 Z0001 必须填写理由',
    );
    expect(() => computeBands(entries, fujian, DEFAULT_BAND_OPTIONS, [{ entryId: 'Q', band: null, reason: 'x' }])).toThrow(
      '作品 Q 不在本组排名之中',
    );
    expect(() => computeBands(entries, fujian, DEFAULT_BAND_OPTIONS, [{ entryId: 'Z0001', band: '特等奖', reason: 'x' }])).toThrow(
      '目标奖项“特等奖”不存在（可选：一等奖、二等奖、三等奖）',
    );
  });

  it('refuses bad ranking data naming the entry', () => {
    expect(() => computeBands([{ id: 'W', score: Number.NaN, tieBreak: [] }], fujian, DEFAULT_BAND_OPTIONS)).toThrow(
      '作品 W 的最终得分不是有效数字',
    );
    expect(() => computeBands([...distinct(2), { id: 'Z0001', score: 1, tieBreak: [] }], fujian, DEFAULT_BAND_OPTIONS)).toThrow(
      '作品 Z0001 重复出现',
    );
    expect(() =>
      computeBands(
        [
          { id: 'X', score: 1, tieBreak: [1] },
          { id: 'Y', score: 1, tieBreak: [] },
        ],
        fujian,
        DEFAULT_BAND_OPTIONS,
      ),
    ).toThrow('作品 Y 的并列排序依据');
  });

  it('applies the ratios to a denominator given by the rule set', () => {
    const r = computeBands(distinct(30), fujian, DEFAULT_BAND_OPTIONS, [], 47);
    expect(r.valid).toBe(47);
    expect(r.counts.map((c) => c.count)).toEqual([4, 10, 14]);
  });
});
