import { describe, expect, it } from 'vitest';
import { computeBands } from '../src/awards/bands.ts';
import { DEFAULT_BAND_OPTIONS } from '../src/awards/caps.ts';
import { recommendByQuota, type QuotaEntry, type QuotaRule } from '../src/awards/quotas.ts';
import { seedNextStage } from '../src/awards/stages.ts';

// 各县（市）区可推优 40 件作品；开发区可推优 30 件作品；市管学校可推荐 6 件作品
const rule: QuotaRule = { defaultQuota: 40, perUnit: { 开发区: 30, 市直学校: 6 } };

function candidates(unit: string, scores: number[]): QuotaEntry[] {
  return scores.map((score, i) => ({ id: `${unit}-${i + 1}`, unit, score, tieBreak: [] }));
}
const descending = (n: number, top = 100) => Array.from({ length: n }, (_, i) => top - i * 0.25);

describe('recommendByQuota', () => {
  it('recommends the best entries of each unit up to its quota', () => {
    const units = recommendByQuota(
      [
        ...candidates('甲县', descending(45)),
        ...candidates('开发区', descending(35)),
        ...candidates('市直学校', descending(8)),
        ...candidates('乙县', descending(20)),
      ],
      rule,
    );
    expect(units.map((u) => [u.unit, u.quota, u.quotaSource, u.candidates, u.recommended.length])).toEqual([
      ['甲县', 40, 'default', 45, 40],
      ['开发区', 30, 'unit', 35, 30],
      ['市直学校', 6, 'unit', 8, 6],
      ['乙县', 40, 'default', 20, 20],
    ]);
    expect(units[0].recommended).toEqual(Array.from({ length: 40 }, (_, i) => `甲县-${i + 1}`));
    expect(units[1].derivation).toBe('开发区：推优名额 30（单位专设），候选 35 件');
    expect(units[3].derivation).toBe('乙县：推优名额 40（默认），候选 20 件，不超过名额，全部推优');
  });

  it('holds entries tied across the quota boundary and lets the organizer decide', () => {
    // 市直学校: 6 seats; ranks 5–7 tied at 90
    const entries = candidates('市直学校', [99, 98, 97, 96, 90, 90, 90, 80]);
    const [school] = recommendByQuota(entries, rule);
    expect(school.recommended).toEqual(['市直学校-1', '市直学校-2', '市直学校-3', '市直学校-4']);
    expect(school.ties).toEqual([
      expect.objectContaining({
        upperBand: '推优',
        lowerBand: null,
        rank: 5,
        entryIds: ['市直学校-5', '市直学校-6', '市直学校-7'],
        seatsLeft: 2,
      }),
    ]);
    expect(school.ties[0].message).toContain('跨越“推优”与“未推优”的边界；推优尚余 2 个名额');
    expect(school.counts).toEqual([{ band: '推优', cap: 6, count: 4, overCap: false }]);

    const [decided] = recommendByQuota(entries, rule, [
      { entryId: '市直学校-5', recommend: true, reason: '已参加省级试点，优先' },
      { entryId: '市直学校-6', recommend: true, reason: '已参加省级试点，优先' },
      { entryId: '市直学校-7', recommend: false, reason: '未参加省级试点' },
    ]);
    expect(decided.recommended).toHaveLength(6);
    expect(decided.ties[0].resolved).toBe(true);
    expect(decided.pending).toBe(0);
  });

  it('refuses bad quotas and unknown entries', () => {
    expect(() => recommendByQuota(candidates('丙县', [1]), { defaultQuota: 40, perUnit: { 丙县: -1 } })).toThrow(
      '“丙县”的名额 -1 不是非负整数',
    );
    expect(() => recommendByQuota(candidates('丙县', [1]), rule, [{ entryId: 'x', recommend: true, reason: 'r' }])).toThrow(
      '作品 x 不在候选作品之中',
    );
    expect(() => recommendByQuota(candidates('丙县', [1]), rule, [{ entryId: '丙县-1', recommend: true, reason: '' }])).toThrow(
      '必须填写理由',
    );
  });
});

describe('seedNextStage', () => {
  it('seeds 市级交流 from first prizes and recommendations, naming pending ties', () => {
    const scores = [95, 93, 93, 90, 88, 87, 86, 85, 84, 83, 82, 81, 80, 79, 78, 77, 76, 75, 74, 73];
    const entries = scores.map((score, i) => ({ id: `S${i + 1}`, unit: i % 2 === 0 ? '甲县' : '乙县', score, tieBreak: [] }));
    // 20 entries at 10/20/30 → 2 first prizes; S2 and S3 tie across the first-prize boundary
    const bands = computeBands(
      entries,
      [
        { name: '一等奖', ratio: 0.1 },
        { name: '二等奖', ratio: 0.2 },
        { name: '三等奖', ratio: 0.3 },
      ],
      DEFAULT_BAND_OPTIONS,
    );
    const quotas = recommendByQuota(entries, { defaultQuota: 2 });
    const seed = seedNextStage([bands.assignments, ...quotas.map((u) => u.assignments)], ['一等奖', '推优']);
    expect(seed.seeded).toEqual([
      { entryId: 'S1', via: ['一等奖', '推优'] },
      { entryId: 'S3', via: ['推优'] }, // 甲县: S1, S3
      { entryId: 'S2', via: ['推优'] }, // 乙县: S2, S4
      { entryId: 'S4', via: ['推优'] },
    ]);
    expect(seedNextStage([bands.assignments], ['一等奖'])).toEqual({
      seeded: [{ entryId: 'S1', via: ['一等奖'] }],
      pending: [
        { entryId: 'S2', upperBand: '一等奖' },
        { entryId: 'S3', upperBand: '一等奖' },
      ],
    });
  });
});
