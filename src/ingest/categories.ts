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
 * The category a folder or sheet label names: exact name, key or alias first; otherwise the
 * one whose name (or alias) contains the label or is contained in it, the longest such name
 * winning. Null when nothing, or more than one equally good category, fits.
 */
export function matchCategory<C extends CategoryRef>(label: string | null | undefined, categories: C[]): C | null {
  const wanted = label ? comparable(label) : '';
  if (!wanted) return null;
  const namesOf = (c: C) => [c.name, ...(c.aliases ?? [])].map(comparable).filter(Boolean);
  const exact = categories.filter((c) => comparable(c.key) === wanted || namesOf(c).includes(wanted));
  if (exact.length > 0) return exact.length === 1 ? exact[0] : null;
  let best: C | null = null;
  let bestLength = 0;
  let tie = false;
  for (const c of categories) {
    const overlaps = namesOf(c).filter((n) => n.includes(wanted) || wanted.includes(n));
    const length = Math.max(0, ...overlaps.map((n) => Math.min(n.length, wanted.length)));
    if (length > bestLength) [best, bestLength, tie] = [c, length, false];
    else if (length > 0 && length === bestLength) tie = true;
  }
  return tie ? null : best;
}
