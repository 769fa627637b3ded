import type { Db } from '../db/connect.ts';
import type { Author } from '../db/schema.ts';

export type ContestAuthor = Omit<Author, 'id'>;

/** Every author of a contest's entries, in author order; one query for a whole contest. */
export function contestAuthors(db: Db, contestId: number): Promise<ContestAuthor[]> {
  return db
    .selectFrom('authors as a')
    .innerJoin('entries as e', 'e.id', 'a.entry_id')
    .select(['a.entry_id', 'a.position', 'a.name', 'a.unit', 'a.county', 'a.title', 'a.phone', 'a.role'])
    .where('e.contest_id', '=', contestId)
    .orderBy('a.entry_id')
    .orderBy('a.position')
    .execute();
}

/** The same, grouped by entry id. */
export async function authorsByEntry(db: Db, contestId: number): Promise<Map<number, ContestAuthor[]>> {
  const byEntry = new Map<number, ContestAuthor[]>();
  for (const a of await contestAuthors(db, contestId)) {
    const list = byEntry.get(a.entry_id);
    if (list) list.push(a);
    else byEntry.set(a.entry_id, [a]);
  }
  return byEntry;
}
