import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diceCoefficient } from '../src/suspects/dice.ts';

describe('diceCoefficient', () => {
  it('scores shared character bigrams of unit names and titles', () => {
    // 北京市第一中学 has 6 bigrams, 北京第一中学 5; they share 北京 第一 一中 中学.
    expect(diceCoefficient('北京市第一中学', '北京第一中学')).toBeCloseTo((2 * 4) / 11, 12);
    expect(diceCoefficient('信息技术  与 课程', '信息技术 与 课程')).toBe(1);
    expect(diceCoefficient('ABc', 'abc')).toBe(1);
    expect(diceCoefficient('a', 'a')).toBe(1);
    expect(diceCoefficient('a', 'b')).toBe(0);
    expect(diceCoefficient('', '')).toBe(0);
    expect(diceCoefficient('', '课程')).toBe(0);
  });

  it('is symmetric, between 0 and 1, and 1 for equal non-empty strings', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.string(), (a, b) => {
        const d = diceCoefficient(a, b);
        expect(d).toBe(diceCoefficient(b, a));
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(1);
        if (a.trim()) expect(diceCoefficient(a, a)).toBe(1);
      }),
    );
  });
});
