import { Decimal } from 'decimal.js';

/** One expert's submitted review of one entry: a score per rubric criterion, in rubric order. */
export interface SubmittedReview {
  entryId: string;
  expertId: string;
  criterionScores: readonly number[];
}

/**
 * Exact decimal arithmetic for sums and means of scores. Scores are short decimals (8.5, 17.25),
 * so sums are exact; 40 significant digits keep a repeating mean far from any rounding half-way point.
 */
export const Exact = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });

/** The published form of a score: the exact value rounded half-up to 2 decimals. */
export function toPublished(value: Decimal): number {
  return value.toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toNumber();
}

export function reviewTotal(review: SubmittedReview): Decimal {
  return review.criterionScores.reduce<Decimal>((sum, score, i) => {
    if (!Number.isFinite(score)) {
      throw new Error(`评审数据有误：作品 ${review.entryId} 专家 ${review.expertId} 第 ${i + 1} 项评分不是有效数字`);
    }
    return sum.plus(score);
  }, new Exact(0));
}

/** Groups reviews by entry, refusing a second review of the same entry by the same expert. */
export function reviewsByEntry(reviews: readonly SubmittedReview[]): Map<string, SubmittedReview[]> {
  const byEntry = new Map<string, SubmittedReview[]>();
  for (const review of reviews) {
    const list = byEntry.get(review.entryId) ?? [];
    if (list.some((r) => r.expertId === review.expertId)) {
      throw new Error(`评审数据有误：专家 ${review.expertId} 对作品 ${review.entryId} 有重复评审`);
    }
    list.push(review);
    byEntry.set(review.entryId, list);
  }
  return byEntry;
}
