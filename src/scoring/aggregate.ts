import type { Decimal } from 'decimal.js';
import { Exact, reviewTotal, reviewsByEntry, toPublished, type SubmittedReview } from './review.ts';

export type AggregationMethod = 'mean' | 'trimmed-mean';

export interface ScoringRule {
  /** 'trimmed-mean' = 去掉一个最高分和一个最低分 (applied to review totals). */
  method: AggregationMethod;
  /** The trimmed mean needs at least this many reviews; below it the plain mean is used. Default 5. */
  minReviewsForTrim?: number;
  /** Reviews each entry should have; fewer is reported as missing. */
  requiredReviews: number;
  /** Full marks of the rubric (sum of criterion maxima). */
  fullMarks: number;
  /** Review totals spreading more than this fraction of full marks are flagged. Default 0.2. */
  discrepancyThreshold?: number;
}

export interface EntryScore {
  entryId: string;
  reviewCount: number;
  /** The aggregation actually used; null when there are no reviews. */
  method: AggregationMethod | null;
  /** How the score was obtained, in Chinese, for the organizer's page. */
  methodNote: string;
  /** The unrounded aggregate as a decimal string. */
  exact: string | null;
  /** The published final score: `exact` rounded half-up to 2 decimals. */
  score: number | null;
  /**
   * Mean of each criterion over all submitted reviews, rounded like the score. Used only as the
   * tie-break chain; the trimming of the final score applies to review totals, not to criteria.
   */
  criterionMeans: number[];
  /** Highest minus lowest review total; null with fewer than 2 reviews. */
  spread: number | null;
  missingReviews: number;
  /** spread > discrepancyThreshold × fullMarks. */
  discrepancy: boolean;
}

const DEFAULT_MIN_REVIEWS_FOR_TRIM = 5;
const DEFAULT_DISCREPANCY_THRESHOLD = 0.2;

function mean(values: readonly Decimal[]): Decimal {
  return values.reduce((sum, v) => sum.plus(v), new Exact(0)).div(values.length);
}

function criterionCount(entryId: string, reviews: readonly SubmittedReview[]): number {
  const count = reviews[0].criterionScores.length;
  if (reviews.some((r) => r.criterionScores.length !== count)) {
    throw new Error(`评审数据有误：作品 ${entryId} 的各份评审评分项数量不一致`);
  }
  return count;
}

/** Final score and review checks of one entry from its submitted reviews. */
export function scoreEntry(entryId: string, reviews: readonly SubmittedReview[], rule: ScoringRule): EntryScore {
  const n = reviews.length;
  const missingReviews = Math.max(0, rule.requiredReviews - n);
  if (n === 0) {
    return {
      entryId,
      reviewCount: 0,
      method: null,
      methodNote: '尚无评审',
      exact: null,
      score: null,
      criterionMeans: [],
      spread: null,
      missingReviews,
      discrepancy: false,
    };
  }
  const minForTrim = rule.minReviewsForTrim ?? DEFAULT_MIN_REVIEWS_FOR_TRIM;
  const totals = reviews.map(reviewTotal).sort((a, b) => a.comparedTo(b));
  const trim = rule.method === 'trimmed-mean' && n >= minForTrim;
  const exact = mean(trim ? totals.slice(1, -1) : totals);
  const methodNote = trim
    ? `${n} 份评审去掉一个最高分和一个最低分后取平均`
    : rule.method === 'trimmed-mean'
      ? `评审仅 ${n} 份（不足 ${minForTrim} 份），未去掉最高分和最低分，取 ${n} 份算术平均`
      : `${n} 份评审取算术平均`;

  const criteria = criterionCount(entryId, reviews);
  const criterionMeans = Array.from({ length: criteria }, (_, c) => toPublished(mean(reviews.map((r) => new Exact(r.criterionScores[c])))));

  const spread = n >= 2 ? totals[n - 1].minus(totals[0]) : null;
  const threshold = new Exact(rule.discrepancyThreshold ?? DEFAULT_DISCREPANCY_THRESHOLD).times(rule.fullMarks);
  return {
    entryId,
    reviewCount: n,
    method: trim ? 'trimmed-mean' : 'mean',
    methodNote,
    exact: exact.toString(),
    score: toPublished(exact),
    criterionMeans,
    spread: spread === null ? null : spread.toNumber(),
    missingReviews,
    discrepancy: spread?.greaterThan(threshold) ?? false,
  };
}

/**
 * Scores every listed entry (entries without reviews included, so they are reported as missing).
 * Every review must belong to a listed entry: the caller passes the valid entries and their reviews.
 */
export function scoreEntries(entryIds: readonly string[], reviews: readonly SubmittedReview[], rule: ScoringRule): EntryScore[] {
  const byEntry = reviewsByEntry(reviews);
  const listed = new Set(entryIds);
  for (const entryId of byEntry.keys()) {
    if (!listed.has(entryId)) throw new Error(`评审数据有误：作品 ${entryId} 不在待计分的作品之列`);
  }
  return entryIds.map((id) => scoreEntry(id, byEntry.get(id) ?? [], rule));
}
