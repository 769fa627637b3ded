import type { AuthorLimits } from '../rules/schema.ts';
import type { CheckResult, EntryAuthor, Finding } from './types.ts';
import { combine } from './types.ts';

/** Names and units as entrants type them differ in width and spaces only. */
export const normalizeName = (s: string | null | undefined): string => (s ?? '').normalize('NFKC').replace(/\s+/g, '');

/** The same person: same name and same unit (two teachers called 王芳 at two schools are two people). */
export const personKey = (a: { name: string; unit: string | null }): string => `${normalizeName(a.name)}|${normalizeName(a.unit)}`;

/** An entry of one category with its first author, for counting works per first author. */
export interface FirstAuthorWork {
  entryId: number;
  code: string;
  firstAuthor: EntryAuthor | undefined;
}

/** Codes of the works each first author (by personKey) has in the given entries, in input order. */
export function worksByFirstAuthor(entries: FirstAuthorWork[]): Map<string, string[]> {
  const works = new Map<string, string[]>();
  for (const e of entries) {
    if (!e.firstAuthor || !normalizeName(e.firstAuthor.name)) continue;
    const key = personKey(e.firstAuthor);
    works.set(key, [...(works.get(key) ?? []), e.code]);
  }
  return works;
}

const describeAuthor = (a: EntryAuthor) => (a.unit ? `${a.name}（${a.unit}）` : a.name);

/**
 * Author rules of the category (or the entry's group): how many, from which units, with which
 * role, and how many works one first author may have. `firstAuthorWorks` are the codes of all
 * works in the category whose first author is this entry's first author (this one included).
 */
export function checkAuthors(authors: EntryAuthor[], limits: AuthorLimits, firstAuthorWorks: string[]): CheckResult[] {
  const results: CheckResult[] = [];
  const n = authors.length;
  const bounds = [limits.min !== undefined ? `至少 ${limits.min} 人` : '', limits.max !== undefined ? `不超过 ${limits.max} 人` : '']
    .filter(Boolean)
    .join('、');

  if (bounds) {
    if (n === 0) results.push({ id: 'authors.count', status: 'warn', message: `未登记作者信息，无法核对人数（要求${bounds}）` });
    else if (limits.max !== undefined && n > limits.max)
      results.push({ id: 'authors.count', status: 'fail', message: `作者 ${n} 人，超过本类别 ${limits.max} 人的限制` });
    else if (limits.min !== undefined && n < limits.min)
      results.push({ id: 'authors.count', status: 'fail', message: `作者 ${n} 人，少于本类别至少 ${limits.min} 人的要求` });
    else results.push({ id: 'authors.count', status: 'pass', message: `作者 ${n} 人（要求${bounds}）` });
  }

  if (limits.sameUnit || limits.maxFromSameUnit !== undefined) {
    const findings: Finding[] = [];
    const missing = authors.filter((a) => !normalizeName(a.unit));
    if (n > 0 && missing.length)
      findings.push({ status: 'warn', message: `${missing.map((a) => a.name).join('、')} 未登记单位，无法核对` });
    const withUnit = authors.filter((a) => normalizeName(a.unit));
    if (limits.sameUnit && withUnit.length > 1) {
      const first = normalizeName(withUnit[0].unit);
      const others = withUnit.filter((a) => normalizeName(a.unit) !== first);
      if (others.length)
        findings.push({
          status: 'fail',
          message: `作者须来自同一单位，但 ${others.map(describeAuthor).join('、')} 与第一作者单位（${withUnit[0].unit}）不同`,
        });
    }
    if (limits.maxFromSameUnit !== undefined) {
      const perUnit = new Map<string, EntryAuthor[]>();
      for (const a of withUnit) perUnit.set(normalizeName(a.unit), [...(perUnit.get(normalizeName(a.unit)) ?? []), a]);
      for (const same of perUnit.values()) {
        if (same.length > limits.maxFromSameUnit)
          findings.push({
            status: 'fail',
            message: `同一单位（${same[0].unit}）作者 ${same.length} 人，超过 ${limits.maxFromSameUnit} 人的限制`,
          });
      }
    }
    const rule = limits.sameUnit ? '须来自同一单位' : `同一单位不超过 ${limits.maxFromSameUnit} 人`;
    results.push(combine('authors.unit', findings, n === 0 ? `未登记作者，无法核对（${rule}）` : `作者单位符合要求（${rule}）`));
  }

  if (limits.requiredRole) {
    const role = limits.requiredRole;
    const has = authors.some((a) => a.role?.includes(role));
    const anyRole = authors.some((a) => a.role);
    results.push(
      has
        ? {
            id: 'authors.role',
            status: 'pass',
            message: `作者中有${role}（${authors
              .filter((a) => a.role?.includes(role))
              .map((a) => a.name)
              .join('、')}）`,
          }
        : anyRole
          ? { id: 'authors.role', status: 'fail', message: `作者中没有${role}（须包含${role}）` }
          : { id: 'authors.role', status: 'warn', message: `未登记作者角色，请人工核对作者中是否有${role}` },
    );
  }

  if (limits.maxWorksPerFirstAuthor !== undefined) {
    const max = limits.maxWorksPerFirstAuthor;
    const first = authors[0];
    results.push(
      !first
        ? { id: 'authors.works', status: 'warn', message: `未登记第一作者，无法核对报送件数（每人限 ${max} 件）` }
        : firstAuthorWorks.length > max
          ? {
              id: 'authors.works',
              status: 'fail',
              message: `第一作者 ${describeAuthor(first)} 在本类别共报送 ${firstAuthorWorks.length} 件作品（${firstAuthorWorks.join('、')}），每人限 ${max} 件`,
            }
          : {
              id: 'authors.works',
              status: 'pass',
              message: `第一作者 ${first.name} 在本类别报送 ${Math.max(1, firstAuthorWorks.length)} 件（每人限 ${max} 件）`,
            },
    );
  }
  return results;
}
