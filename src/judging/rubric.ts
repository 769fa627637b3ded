/** Validation of a review's scores against a category's rubric. Pure: the store and the routes call it. */

export interface RubricLevel {
  label: string;
  min: number;
  max: number;
}

export interface ScoringCriterion {
  key: string;
  name: string;
  max: number;
  levels?: RubricLevel[];
}

export interface ScoreProblem {
  /** Criterion key, or 'comment'. */
  field: string;
  message: string;
}

export interface CheckedScores {
  /** Criterion key → points, null where not filled in yet. */
  scores: Record<string, number | null>;
  total: number;
  problems: ScoreProblem[];
}

/** Scores are kept to at most two decimals: experts give whole or half points, and sheets may carry 0.25 steps. */
const SCORE_PATTERN = /^\d+(\.\d{1,2})?$/;

/**
 * Reads raw values (form fields or sheet cells) for every criterion. A draft may leave criteria empty;
 * a value that is present must be a number within [0, max].
 */
export function checkScores(criteria: ScoringCriterion[], raw: Record<string, unknown>): CheckedScores {
  const scores: Record<string, number | null> = {};
  const problems: ScoreProblem[] = [];
  let total = 0;
  for (const c of criteria) {
    const value = raw[c.key];
    const text = value === undefined || value === null ? '' : String(value).trim();
    if (text === '') {
      scores[c.key] = null;
      continue;
    }
    if (!SCORE_PATTERN.test(text)) {
      problems.push({ field: c.key, message: `“${c.name}”的分数“${text}”不是有效数字（最多两位小数）` });
      scores[c.key] = null;
      continue;
    }
    const points = Number(text);
    if (points > c.max) {
      problems.push({ field: c.key, message: `“${c.name}”的分数 ${text} 超出满分 ${c.max}` });
      scores[c.key] = null;
      continue;
    }
    scores[c.key] = points;
    total += points;
  }
  return { scores, total: Math.round(total * 100) / 100, problems };
}

/** What a submission additionally needs: every criterion scored and a comment (评语). */
export function checkSubmission(criteria: ScoringCriterion[], raw: Record<string, unknown>, comment: string): CheckedScores {
  const checked = checkScores(criteria, raw);
  for (const c of criteria) {
    if (checked.scores[c.key] === null && !checked.problems.some((p) => p.field === c.key)) {
      checked.problems.push({ field: c.key, message: `“${c.name}”尚未评分` });
    }
  }
  if (!comment.trim()) checked.problems.push({ field: 'comment', message: '请填写评语' });
  return checked;
}

export const fullMarks = (criteria: ScoringCriterion[]): number => criteria.reduce((s, c) => s + c.max, 0);
