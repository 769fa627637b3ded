/**
 * 重复率 as people read it. Rounding would show an entry just under the limit as at it (0.29996 as
 * 30.0% beside 未超过阈值), so a shown rate is cut, never rounded up: it reads at or over the limit
 * only when the rate is.
 */

// a rate like 0.29 is 0.28999… in binary, and must not be cut to 0.28
const EPSILON = 1e-9;

/** The rate cut to `digits` decimals. */
export const cutRate = (rate: number, digits: number): number => {
  const scale = 10 ** digits;
  return Math.floor(rate * scale + EPSILON) / scale;
};

/** The rate in percent with one decimal, cut: 29.9 for 0.29996. */
export const ratePercent = (rate: number): number => Math.floor(rate * 1000 + EPSILON) / 10;

/** “29.9%”. */
export const formatRate = (rate: number): string => `${ratePercent(rate).toFixed(1)}%`;
