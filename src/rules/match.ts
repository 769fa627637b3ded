import type { CategoryRules, Group, RuleSet } from './schema.ts';

/**
 * Folder and form labels written by entrants differ in width, quotes, spaces and
 * numbering (（“素质教育”主题） vs (素质教育主题), "2.校本研修应用案例").
 */
export function normalizeLabel(label: string): string {
  return label
    .normalize('NFKC')
    .replace(/^\s*[(（]?\d+[)）.、]\s*/u, '')
    .replace(/[\s"'“”‘’「」『』《》]/gu, '')
    .toLowerCase();
}

/** The category whose name or alias is `label` (after normalizing), if any. */
export function findCategory(ruleSet: RuleSet, label: string): CategoryRules | undefined {
  const wanted = normalizeLabel(label);
  return ruleSet.categories.find((c) => [c.name, ...c.aliases].some((n) => normalizeLabel(n) === wanted));
}

/**
 * The group a label starts with, e.g. 小学 for the folder "小学+实验小学+张三";
 * the longest matching name wins so 中等职业教育 is not taken for 中等.
 */
export function findGroup(category: CategoryRules, label: string): Group | undefined {
  const text = normalizeLabel(label);
  let best: { group: Group; length: number } | undefined;
  for (const group of category.groups) {
    for (const n of [group.name, ...group.aliases].map(normalizeLabel)) {
      if (text.startsWith(n) && (!best || n.length > best.length)) best = { group, length: n.length };
    }
  }
  return best?.group;
}
