import { normalizeLabel } from '../rules/match.ts';
import { stripNumbering } from './classify.ts';

/** A contest category as the importer matches labels against it. */
export interface CategoryRef {
  id: number;
  key: string;
  name: string;
  /** Other names entrants use, from the rule set. */
  aliases?: string[];
}

const comparable = (label: string): string => normalizeLabel(stripNumbering(label));

/**
 * The item a folder, sheet or form label names: one whose exact name (after normalizing) it is first;
 * otherwise the one whose name contains the label or is contained in it, the longest such overlap
 * winning. Null when nothing, or more than one equally good item, fits. Categories and submitting
 * units are matched alike.
 */
export function matchNamed<T>(label: string | null | undefined, items: readonly T[], namesOf: (item: T) => string[]): T | null {
  const wanted = label ? comparable(label) : '';
  if (!wanted) return null;
  const names = new Map(items.map((item) => [item, namesOf(item).map(comparable).filter(Boolean)]));
  const exact = items.filter((item) => names.get(item)?.includes(wanted));
  if (exact.length > 0) return exact.length === 1 ? exact[0] : null;
  let best: T | null = null;
  let bestLength = 0;
  let tie = false;
  for (const item of items) {
    const overlaps = (names.get(item) ?? []).filter((n) => n.includes(wanted) || wanted.includes(n));
    const length = Math.max(0, ...overlaps.map((n) => Math.min(n.length, wanted.length)));
    if (length > bestLength) [best, bestLength, tie] = [item, length, false];
    else if (length > 0 && length === bestLength) tie = true;
  }
  return tie ? null : best;
}

/** The category a folder or sheet label names, by key, name or alias (see matchNamed). */
export function matchCategory<C extends CategoryRef>(label: string | null | undefined, categories: C[]): C | null {
  return matchNamed(label, categories, (c) => [c.key, c.name, ...(c.aliases ?? [])]);
}
