/** Conflict-of-interest rules (回避) between an expert and an entry's authors. */

export interface Affiliation {
  unit: string | null;
  county: string | null;
}

export interface ConflictOptions {
  /** Also keep experts away from entries whose authors are in the same county (区县). */
  avoidSameCounty: boolean;
}

/** Folds width, case, spacing and punctuation so "XX市 实验小学" and "XX市实验小学" compare equal. */
export function normalizeUnitName(name: string | null | undefined): string {
  return (name ?? '')
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s\p{P}\p{S}]/gu, '');
}

/** Same unit when equal after normalization, or when one full name contains the other (学校 vs 学校附属…). */
export function sameUnit(a: string | null | undefined, b: string | null | undefined): boolean {
  const x = normalizeUnitName(a);
  const y = normalizeUnitName(b);
  if (!x || !y) return false;
  if (x === y) return true;
  const [short, long] = x.length <= y.length ? [x, y] : [y, x];
  return short.length >= 4 && long.includes(short);
}

/** Why an expert must not review an entry, or null when there is no conflict. */
export function conflictReason(expert: Affiliation, authors: Affiliation[], options: ConflictOptions): string | null {
  for (const a of authors) {
    if (sameUnit(expert.unit, a.unit)) return `与作者同单位（${a.unit}）`;
  }
  if (options.avoidSameCounty) {
    for (const a of authors) {
      if (normalizeUnitName(expert.county) && normalizeUnitName(expert.county) === normalizeUnitName(a.county)) {
        return `与作者同区县（${a.county}）`;
      }
    }
  }
  return null;
}
