import type { RuleSet } from '../rules/schema.ts';

/**
 * 人工核查: the checks a rule set's `checklist` asks of a person (政治性错误, 弄虚作假, 片头片尾, 第三人称 …),
 * the contest's and the entry's category's, in rule-set order. Each is confirmed per entry by an organizer;
 * while one is open the entry's 形式审查 does not pass.
 */
export function checklistFor(ruleSet: RuleSet, categoryKey: string | null): string[] {
  const category = ruleSet.categories.find((c) => c.key === categoryKey);
  return [...new Set([...ruleSet.checklist, ...(category?.checklist ?? [])])];
}

/** The items of `checklist` not among the confirmed ones. */
export const openItems = (checklist: readonly string[], confirmed: ReadonlySet<string>): string[] =>
  checklist.filter((item) => !confirmed.has(item));
