import { mean, quantileSorted } from 'simple-statistics';
import { compareText } from '../util/collate.ts';
import type { ContestAwards } from './contest.ts';

/**
 * How scores spread, for the pictures on 评审进度: per category, each expert's review totals (a harsh or lenient
 * expert stands out beside the others), and the final scores of each category. Pure: figures from the awards.
 */

export interface FiveNumbers {
  n: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
  mean: number;
}

export interface ExpertSpread {
  expert: string;
  summary: FiveNumbers;
  /** From the panel's advisory: distance of the expert's mean from the other experts', in SDs; null with too few. */
  deviation: number | null;
  /** 'harsh' or 'lenient' when the deviation passes one SD. */
  leaning: 'harsh' | 'lenient' | null;
}

export interface CategorySpread {
  categoryKey: string;
  category: string;
  fullMarks: number;
  experts: ExpertSpread[];
  /** Final scores of the category's entries; null before any is scored. */
  finals: FiveNumbers | null;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Minimum, quartiles, maximum and mean; null for no values. */
export function fiveNumbers(values: readonly number[]): FiveNumbers | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return {
    n: sorted.length,
    min: sorted[0],
    q1: round2(quantileSorted(sorted, 0.25)),
    median: round2(quantileSorted(sorted, 0.5)),
    q3: round2(quantileSorted(sorted, 0.75)),
    max: sorted[sorted.length - 1],
    mean: round2(mean(sorted)),
  };
}

export function scoreSpreads(awards: ContestAwards): CategorySpread[] {
  const categoryOf = new Map(awards.groups.flatMap((g) => g.entries.map((e) => [e.code, g.categoryKey] as const)));
  return awards.categories.flatMap((c): CategorySpread[] => {
    const reviews = awards.reviews.filter((r) => categoryOf.get(r.code) === c.key);
    const finals = fiveNumbers(
      awards.groups
        .filter((g) => g.categoryKey === c.key)
        .flatMap((g) => g.entries.map((e) => e.score))
        .filter((s): s is number => s !== null),
    );
    if (reviews.length === 0 && finals === null) return [];
    const advisory = awards.panels.filter((p) => p.categoryKey === c.key).flatMap((p) => p.experts);
    const names = [...new Set(reviews.map((r) => r.expert))].sort(compareText);
    const experts = names.flatMap((expert): ExpertSpread[] => {
      const summary = fiveNumbers(reviews.filter((r) => r.expert === expert).map((r) => r.total));
      if (!summary) return [];
      const profile = advisory.find((x) => x.name === expert);
      const deviation = profile?.deviation ?? null;
      const leaning = profile?.flagged && deviation !== null ? (deviation > 0 ? 'lenient' : 'harsh') : null;
      return [{ expert, summary, deviation, leaning }];
    });
    return [{ categoryKey: c.key, category: c.name, fullMarks: c.criteria.reduce((s, k) => s + k.max, 0), experts, finals }];
  });
}
