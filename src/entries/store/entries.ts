import type { Db } from '../../db/connect.ts';

/**
 * A contest's entries (`e`) with their category (`c`), selecting what every list of entries shows; callers add their
 * own joins, columns and filters.
 */
export function entriesWithCategory(db: Db, contestId: number) {
  return db
    .selectFrom('entries as e')
    .leftJoin('categories as c', 'c.id', 'e.category_id')
    .select([
      'e.id',
      'e.code',
      'e.title',
      'e.group_name',
      'e.status',
      'e.category_label',
      'c.key as category_key',
      'c.name as category_name',
    ])
    .where('e.contest_id', '=', contestId);
}

/** The category of a row of entriesWithCategory(), null while the entry has none. */
export const categoryOf = (r: { category_key: string | null; category_name: string | null }): { key: string; name: string } | null =>
  r.category_key && r.category_name ? { key: r.category_key, name: r.category_name } : null;
