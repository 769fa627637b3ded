import { reviewTotal, reviewsByEntry, type SubmittedReview } from './review.ts';

/** `raters` is k, or k₀ for the one-way model when entries have unequal numbers of reviews. */
export type Icc = { ok: true; single: number; average: number; raters: number } | { ok: false; reason: string };

export interface PanelReliability {
  /** Entries with at least 2 reviews (the only ones that say anything about agreement). */
  targets: number;
  raters: number;
  ratings: number;
  /**
   * One-way random effects, Shrout & Fleiss case 1 — the model for our design, where each entry is
   * scored by its own k experts drawn from the panel:
   *   ICC(1,1) = (MSB − MSW) / (MSB + (k₀ − 1)·MSW),  ICC(1,k) = (MSB − MSW) / MSB
   * MSB/MSW are the between-/within-entry mean squares of review totals; with unequal numbers of
   * reviews k₀ = (N − Σkᵢ²/N) / (n − 1) (N ratings over n entries), which is k when balanced.
   * ICC(1,k) is the reliability of the mean of k₀ reviews, i.e. of the final score.
   */
  oneWay: Icc;
  /**
   * Two-way random effects (case 2), only when every expert scored every entry:
   *   ICC(2,1) = (MSR − MSE) / (MSR + (k − 1)·MSE + k·(MSC − MSE)/n),
   *   ICC(2,k) = (MSR − MSE) / (MSR + (MSC − MSE)/n)
   */
  twoWay: Icc;
}

function sum(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

function oneWayIcc(rows: readonly number[][]): Icc {
  const n = rows.length;
  const counts = rows.map((r) => r.length);
  const total = sum(counts);
  const grand = sum(rows.map(sum)) / total;
  const means = rows.map((r) => sum(r) / r.length);
  const msb = sum(rows.map((r, i) => r.length * (means[i] - grand) ** 2)) / (n - 1);
  const msw = sum(rows.map((r, i) => sum(r.map((x) => (x - means[i]) ** 2)))) / (total - n);
  const k0 = (total - sum(counts.map((k) => k * k)) / total) / (n - 1);
  if (msb === 0) {
    return { ok: false, reason: msw === 0 ? '所有评分完全相同，无法计算' : '各作品平均分完全相同，无法计算' };
  }
  return { ok: true, single: (msb - msw) / (msb + (k0 - 1) * msw), average: (msb - msw) / msb, raters: k0 };
}

function twoWayIcc(matrix: readonly number[][]): Icc {
  const n = matrix.length;
  const k = matrix[0].length;
  const grand = sum(matrix.map(sum)) / (n * k);
  const rowMeans = matrix.map((r) => sum(r) / k);
  const colMeans = matrix[0].map((_, j) => sum(matrix.map((r) => r[j])) / n);
  const ssr = k * sum(rowMeans.map((m) => (m - grand) ** 2));
  const ssc = n * sum(colMeans.map((m) => (m - grand) ** 2));
  const sst = sum(matrix.flatMap((r) => r.map((x) => (x - grand) ** 2)));
  const msr = ssr / (n - 1);
  const msc = ssc / (k - 1);
  const mse = (sst - ssr - ssc) / ((n - 1) * (k - 1));
  const singleDenominator = msr + (k - 1) * mse + (k * (msc - mse)) / n;
  const averageDenominator = msr + (msc - mse) / n;
  if (singleDenominator === 0 || averageDenominator === 0) return { ok: false, reason: '所有评分完全相同，无法计算' };
  return { ok: true, single: (msr - mse) / singleDenominator, average: (msr - mse) / averageDenominator, raters: k };
}

/** Inter-rater reliability of one panel's review totals (advisory figure for the organizer). */
export function panelReliability(reviews: readonly SubmittedReview[]): PanelReliability {
  const byEntry = [...reviewsByEntry(reviews).values()].filter((list) => list.length >= 2);
  const experts = [...new Set(byEntry.flatMap((list) => list.map((r) => r.expertId)))].sort();
  const ratings = sum(byEntry.map((list) => list.length));
  const shape = { targets: byEntry.length, raters: experts.length, ratings };
  if (byEntry.length < 2) {
    const reason = '有 2 份以上评审的作品不足 2 件，无法计算';
    return { ...shape, oneWay: { ok: false, reason }, twoWay: { ok: false, reason } };
  }
  const rows = byEntry.map((list) => list.map((r) => reviewTotal(r).toNumber()));
  const complete = byEntry.every((list) => list.length === experts.length);
  // Complete: each entry has one review (duplicates are refused) by every expert.
  const totalOf = (list: readonly SubmittedReview[], expertId: string): number => {
    const review = list.find((r) => r.expertId === expertId);
    if (!review) throw new Error(`Entry ${list[0]?.entryId} has no review by expert ${expertId}`);
    return reviewTotal(review).toNumber();
  };
  const twoWay: Icc = complete
    ? twoWayIcc(byEntry.map((list) => experts.map((e) => totalOf(list, e))))
    : { ok: false, reason: '并非每位专家都评阅了每件作品，不适用双向模型' };
  return { ...shape, oneWay: oneWayIcc(rows), twoWay };
}
