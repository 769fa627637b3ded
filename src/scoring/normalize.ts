import { mean, standardDeviation } from 'simple-statistics';
import { Exact, reviewTotal, reviewsByEntry, toPublished, type SubmittedReview } from './review.ts';

export interface NormalizedReview {
  entryId: string;
  expertId: string;
  total: number;
  /** (total − expert mean) / expert SD; null when the expert's scores do not vary. */
  z: number | null;
  /** z mapped back to the panel's scale: panel mean + z × panel SD, 2 decimals. */
  normalized: number | null;
}

export interface ExpertProfile {
  expertId: string;
  reviews: number;
  mean: number;
  sd: number;
  /** Distance of this expert's mean from the mean of expert means, in SDs of expert means. */
  deviation: number | null;
  /** |deviation| > 1: noticeably harsher or more lenient than the panel. */
  flagged: boolean;
  /** Chinese note when this expert's scores cannot be normalized. */
  note: string | null;
}

export interface PanelNormalization {
  panelMean: number;
  panelSd: number;
  reviews: NormalizedReview[];
  experts: ExpertProfile[];
  /** Per entry, the mean of its normalized review totals (advisory column). */
  entries: { entryId: string; normalizedMean: number | null }[];
}

function round2(value: number): number {
  return toPublished(new Exact(value));
}

/**
 * Advisory expert normalization within one panel. All SDs are population SDs: an expert's reviews and
 * the panel's experts are the whole set being described, not samples. Each review total becomes a
 * z-score within its expert and is mapped back onto the panel's scale (mean and SD of all totals).
 */
export function normalizeByExpert(reviews: readonly SubmittedReview[]): PanelNormalization {
  reviewsByEntry(reviews); // refuses duplicate reviews
  const totals = reviews.map((r) => reviewTotal(r).toNumber());
  if (totals.length === 0) return { panelMean: 0, panelSd: 0, reviews: [], experts: [], entries: [] };
  const panelMean = mean(totals);
  const panelSd = standardDeviation(totals);

  const byExpert = new Map<string, number[]>();
  reviews.forEach((r, i) => {
    const list = byExpert.get(r.expertId) ?? [];
    list.push(totals[i]);
    byExpert.set(r.expertId, list);
  });
  const stats = new Map([...byExpert].map(([id, xs]) => [id, { mean: mean(xs), sd: standardDeviation(xs), n: xs.length }]));
  const expertMeans = [...stats.values()].map((s) => s.mean);
  const meanOfMeans = mean(expertMeans);
  const sdOfMeans = standardDeviation(expertMeans);

  const experts = [...stats].map(([expertId, s]): ExpertProfile => {
    const deviation = sdOfMeans > 0 ? (s.mean - meanOfMeans) / sdOfMeans : null;
    return {
      expertId,
      reviews: s.n,
      mean: s.mean,
      sd: s.sd,
      deviation,
      flagged: deviation !== null && Math.abs(deviation) > 1,
      note: s.sd > 0 ? null : s.n === 1 ? '该专家仅评 1 件作品，无法标准化' : '该专家所评分数完全相同，无法标准化',
    };
  });

  const normalizedReviews = reviews.map((r, i): NormalizedReview => {
    const s = stats.get(r.expertId);
    if (!s) throw new Error(`No statistics for expert ${r.expertId}, though they were taken over every review`);
    const z = s.sd > 0 ? (totals[i] - s.mean) / s.sd : null;
    return {
      entryId: r.entryId,
      expertId: r.expertId,
      total: totals[i],
      z,
      normalized: z === null ? null : round2(panelMean + z * panelSd),
    };
  });

  const byEntry = new Map<string, number[]>();
  for (const r of normalizedReviews) {
    const list = byEntry.get(r.entryId) ?? [];
    if (r.normalized !== null) list.push(r.normalized);
    byEntry.set(r.entryId, list);
  }
  const entries = [...byEntry].map(([entryId, values]) => ({
    entryId,
    normalizedMean: values.length > 0 ? round2(mean(values)) : null,
  }));
  return { panelMean, panelSd, reviews: normalizedReviews, experts, entries };
}
