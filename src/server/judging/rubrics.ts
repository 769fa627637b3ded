import { criterionLevels, type RubricCriterion, type RubricLevel, type RuleSet } from '../../rules/schema.ts';

export interface LevelView extends RubricLevel {
  /** The score a click on the level (or its number key) fills in: the middle of its range, in half points. */
  pick: number;
}

export interface CriterionView extends RubricCriterion {
  /** Level descriptors in points, highest first. */
  levels: LevelView[];
}

const levelPick = (l: RubricLevel): number => Math.min(l.max, Math.max(l.min, Math.round(l.min + l.max) / 2));

export interface RubricView {
  criteria: CriterionView[];
  fullMarks: number;
}

/** A category's rubric with every criterion's levels spelled out in points; null for an unknown category. */
export function categoryRubric(ruleSet: RuleSet, categoryKey: string | null): RubricView | null {
  const category = ruleSet.categories.find((c) => c.key === categoryKey);
  if (!category) return null;
  const { rubric } = category;
  return {
    criteria: rubric.criteria.map((c) => ({ ...c, levels: criterionLevels(rubric, c).map((l) => ({ ...l, pick: levelPick(l) })) })),
    fullMarks: rubric.criteria.reduce((s, c) => s + c.max, 0),
  };
}
