import type { Contest } from '../../db/schema.ts';
import { requireRuleSet } from '../../rules/load.ts';
import { criterionLevels, type RubricCriterion, type RubricLevel, type RuleSet } from '../../rules/schema.ts';

// Parsing and validating a rule set costs milliseconds; every draft save needs its rubric. Keyed by the
// contest's own YAML text, so an edited rule set is parsed afresh and the old entry just ages out.
const parsed = new Map<string, RuleSet>();
const MAX_CACHED = 32;

/** The contest's rule set, parsed once per version of its text. */
export function contestRules(contest: Pick<Contest, 'rules_yaml' | 'rules_source'>): RuleSet {
  let ruleSet = parsed.get(contest.rules_yaml);
  if (!ruleSet) {
    ruleSet = requireRuleSet(contest.rules_yaml, contest.rules_source);
    if (parsed.size >= MAX_CACHED) parsed.delete(parsed.keys().next().value!);
    parsed.set(contest.rules_yaml, ruleSet);
  }
  return ruleSet;
}

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
