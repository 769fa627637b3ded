import type { RuleSet } from './schema.ts';

/**
 * Values a rule set carries that its notice does not state — ratios marked `editableDefault`, rubric points
 * marked `editableDefault`, tie-break chains (no notice gives one) — so every page that shows them can say so.
 */

export const DEFAULT_MARK = '默认值（通知未规定，可修改）';

export interface RuleDefault {
  /** The category's name, or 全部类别 for the contest-wide awards. */
  where: string;
  /** What is a default: 奖项比例, 评分标准分值, 同分比较顺序. */
  what: string;
}

export function ruleDefaults(r: RuleSet): RuleDefault[] {
  const found: RuleDefault[] = [];
  if (r.awards.editableDefault) found.push({ where: '全部类别', what: '奖项比例' });
  for (const c of r.categories) {
    if (c.awards?.editableDefault) found.push({ where: c.name, what: '奖项比例' });
    if (c.rubric.editableDefault) found.push({ where: c.name, what: '评分标准分值' });
    if (c.tieBreak.length) found.push({ where: c.name, what: '同分比较顺序' });
  }
  return found;
}

/** Which of a category's award values are defaults, for the pages that show one category. */
export function categoryDefaults(r: RuleSet, categoryKey: string): { bands: boolean; rubric: boolean; tieBreak: boolean } {
  const c = r.categories.find((x) => x.key === categoryKey);
  return {
    bands: c?.awards ? c.awards.editableDefault : r.awards.editableDefault,
    rubric: c?.rubric.editableDefault ?? false,
    tieBreak: (c?.tieBreak.length ?? 0) > 0,
  };
}
