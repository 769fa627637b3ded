import { criterionLevels, type RubricCriterion, type RuleSet } from '../rules/schema.ts';

/** A category's rubric as experts use it, and the validation of their scores. Pure: the store and the routes call it. */

export interface RubricLevel {
  label: string;
  min: number;
  max: number;
}

export interface ScoringCriterion {
  key: string;
  name: string;
  max: number;
  /** Scores are multiples of this (the rubric's `step`); without it any value with at most two decimals. */
  step?: number;
  levels?: RubricLevel[];
}

/** A level (等级) of a criterion, with the scores an expert may choose in it. */
export interface LevelChoice {
  label: string;
  /** The level's band as the rubric states it. */
  min: number;
  max: number;
  text?: string;
  /** The lowest and highest score in the band that is a multiple of the step and not in the level above. */
  low: number;
  high: number;
  /**
   * The score a click on the level sets, where the rubric says which (the level's own `score`, or its top with
   * `levelClick: top`); null: the click selects the band and the expert types the score.
   */
  fill: number | null;
}

export interface CriterionChoices extends RubricCriterion {
  step: number;
  /** Highest first. */
  levels: LevelChoice[];
}

export interface RubricChoices {
  criteria: CriterionChoices[];
  fullMarks: number;
  step: number;
}

/** Rounds away binary noise (0.1 + 0.2) from a multiple of a decimal step. */
const clean = (x: number): number => Math.round(x * 1e6) / 1e6;

/** Levels highest first, each band cut to the scores the step allows and the level above does not take. */
function levelChoices(levels: { label: string; min: number; max: number; text?: string; score?: number }[], step: number, top: boolean) {
  const ordered = [...levels].sort((a, b) => b.min - a.min || b.max - a.max);
  return ordered.map((l, i): LevelChoice => {
    const low = clean(Math.ceil(clean(l.min / step)) * step);
    let high = clean(Math.floor(clean(l.max / step)) * step);
    const above = ordered[i - 1];
    if (above && above.min <= high) high = clean((Math.ceil(clean(above.min / step)) - 1) * step);
    const fill = l.score ?? (top ? high : null);
    return { label: l.label, min: l.min, max: l.max, ...(l.text ? { text: l.text } : {}), low, high: Math.max(low, high), fill };
  });
}

/** A category's rubric with every criterion's levels in points and the scores each level allows; null for an unknown category. */
export function categoryRubric(ruleSet: RuleSet, categoryKey: string | null): RubricChoices | null {
  const category = ruleSet.categories.find((c) => c.key === categoryKey);
  if (!category) return null;
  const { rubric } = category;
  const top = rubric.levelClick === 'top';
  return {
    criteria: rubric.criteria.map((c) => ({ ...c, step: rubric.step, levels: levelChoices(criterionLevels(rubric, c), rubric.step, top) })),
    fullMarks: rubric.criteria.reduce((s, c) => s + c.max, 0),
    step: rubric.step,
  };
}

/** The criteria of a category's rubric with its step, for validating scores (screen, sheet, CLI). */
export function scoringCriteria(ruleSet: RuleSet, categoryKey: string): ScoringCriterion[] | null {
  const category = ruleSet.categories.find((c) => c.key === categoryKey);
  return category ? category.rubric.criteria.map((c) => ({ key: c.key, name: c.name, max: c.max, step: category.rubric.step })) : null;
}

/** "整数" for whole points, else e.g. "0.5的倍数". */
export const stepText = (step: number): string => (step === 1 ? '整数' : `${step}的倍数`);

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

/** Scores are kept to at most two decimals; the rubric's step (whole points by default) narrows that further. */
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
    if (c.step && Math.abs(points / c.step - Math.round(points / c.step)) > 1e-6) {
      problems.push({ field: c.key, message: `“${c.name}”的分数 ${text} 须为${stepText(c.step)}` });
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
