import { diceCoefficient } from './dice.ts';
import { foldText } from './fold.ts';

/**
 * Authors as people. Two authors are the same person when their names fold to the same text
 * and their units agree; the same name at two different units is a namesake (同名不同人).
 * A 工作室主持人 is an author like any other.
 */

export interface AuthorInput {
  name: string;
  unit?: string | null;
  /** e.g. 主持人, 成员 */
  role?: string | null;
}

export interface Person {
  /** As written (without annotations), for evidence. */
  name: string;
  unit: string | null;
  /** Folded name: the blocking key. */
  key: string;
  /** Folded unit, null when unknown. */
  unitKey: string | null;
}

/** How two authors with the same name relate: same unit, unknown unit on one side, or two units. */
export type Identity = 'same' | 'probable' | 'namesake';

/** `张三（主持人）`, `张三(执笔)` → `张三`: annotations in brackets are not part of the name. */
const ANNOTATION = /[（(【[][^）)】\]]*[）)】\]]/g;

export function personOf(author: AuthorInput): Person | null {
  const name = author.name.replace(ANNOTATION, '').trim();
  const key = foldText(name);
  if (!key) return null;
  const unitKey = author.unit ? foldText(author.unit) || null : null;
  return { name, unit: author.unit && unitKey ? author.unit.trim() : null, key, unitKey };
}

/** A unit written in full and the same unit written short (`佛山市南海区实验小学` / `南海区实验小学`), or with a slip. */
const SHORTEST_CONTAINED_UNIT = 4;
const UNIT_SPELLING_SIMILARITY = 0.85;

export function sameUnit(a: string, b: string): boolean {
  if (a === b) return true;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length >= SHORTEST_CONTAINED_UNIT && long.includes(short)) return true;
  return diceCoefficient(a, b) >= UNIT_SPELLING_SIMILARITY;
}

/** Null when the names differ. */
export function identity(a: Person, b: Person): Identity | null {
  if (a.key !== b.key) return null;
  if (a.unitKey === null || b.unitKey === null) return 'probable';
  return sameUnit(a.unitKey, b.unitKey) ? 'same' : 'namesake';
}

export const describePerson = (p: Person): string => (p.unit ? `${p.name}（${p.unit}）` : p.name);
