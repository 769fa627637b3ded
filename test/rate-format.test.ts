import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cutRate, formatRate, ratePercent } from '../src/similarity/rate-format.ts';

describe('重复率 as shown', () => {
  it('shows a rate just under the limit under it, and rates that binary cannot hold exactly as they are', () => {
    expect(formatRate(0.29996)).toBe('29.9%');
    expect(formatRate(0.3)).toBe('30.0%');
    expect(formatRate(0.29)).toBe('29.0%');
    expect(formatRate(815 / 2717)).toBe('29.9%');
    expect(cutRate(0.29996, 4)).toBe(0.2999);
    expect(cutRate(0.57, 2)).toBe(0.57);
    expect(ratePercent(1)).toBe(100);
  });

  it('never shows a rate under 30% at or over it, nor one at or over it under it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.integer({ min: 0, max: 100_000 }), (countable, shared) => {
        const rate = Math.min(shared, countable) / countable;
        expect(ratePercent(rate) >= 30).toBe(rate >= 0.3);
        expect(cutRate(rate, 4) >= 0.3).toBe(rate >= 0.3);
      }),
    );
  });
});
