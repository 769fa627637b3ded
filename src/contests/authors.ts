import type { Db } from '../db/connect.ts';
import type { Author } from '../db/schema.ts';
import { inChunks } from '../util/chunks.ts';

export type ContestAuthor = Omit<Author, 'id'>;

const COLUMNS = ['entry_id', 'position', 'name', 'unit', 'county', 'title', 'phone', 'role'] as const;

/** Every author of a contest's entries, in author order; one query for a whole contest. */
export function contestAuthors(db: Db, contestId: number): Promise<ContestAuthor[]> {
  return db
    .selectFrom('authors as a')
    .innerJoin('entries as e', 'e.id', 'a.entry_id')
    .select(COLUMNS.map((c) => `a.${c}` as const))
    .where('e.contest_id', '=', contestId)
    .orderBy('a.entry_id')
    .orderBy('a.position')
    .execute();
}

function byEntry(authors: ContestAuthor[]): Map<number, ContestAuthor[]> {
  const grouped = new Map<number, ContestAuthor[]>();
  for (const a of authors) {
    const list = grouped.get(a.entry_id);
    if (list) list.push(a);
    else grouped.set(a.entry_id, [a]);
  }
  return grouped;
}

/** The same, grouped by entry id. */
export async function authorsByEntry(db: Db, contestId: number): Promise<Map<number, ContestAuthor[]>> {
  return byEntry(await contestAuthors(db, contestId));
}

/** The authors of these entries only (one entry's page, a subset of a large contest), grouped by entry id in author order. */
export async function authorsOfEntries(db: Db, entryIds: number[]): Promise<Map<number, ContestAuthor[]>> {
  const authors: ContestAuthor[] = [];
  for (const part of inChunks([...new Set(entryIds)], 500))
    authors.push(
      ...(await db.selectFrom('authors').select(COLUMNS).where('entry_id', 'in', part).orderBy('entry_id').orderBy('position').execute()),
    );
  return byEntry(authors);
}
