import type { Db } from '../db/connect.ts';
import { authorsByEntry } from '../contests/authors.ts';
import type { EntryStatus } from '../db/schema.ts';
import { categoryOf, entriesWithCategory } from '../entries/store/entries.ts';

export interface EntryListItem {
  id: number;
  code: string;
  title: string;
  category: { key: string; name: string } | null;
  /** As written in the submission when it matched no category. */
  categoryLabel: string | null;
  group: string | null;
  status: EntryStatus;
  sourcePath: string | null;
  authors: { name: string; unit: string | null }[];
  files: number;
  /** Files whose text could not be read. */
  fileErrors: number;
}

export interface EntryFilter {
  /** Category key. */
  category?: string;
  status?: EntryStatus;
}

/** A contest's imported entries in code order, with authors and file counts. */
export async function listEntries(db: Db, contestId: number, filter: EntryFilter = {}): Promise<EntryListItem[]> {
  let query = entriesWithCategory(db, contestId)
    .select('e.source_path')
    .select((eb) => [
      eb.selectFrom('files').select(eb.fn.countAll().as('n')).whereRef('files.entry_id', '=', 'e.id').as('files'),
      eb
        .selectFrom('files')
        .select(eb.fn.countAll().as('n'))
        .whereRef('files.entry_id', '=', 'e.id')
        .where('files.error', 'is not', null)
        .as('file_errors'),
    ]);
  if (filter.category) query = query.where('c.key', '=', filter.category);
  if (filter.status) query = query.where('e.status', '=', filter.status);
  const rows = await query.orderBy('e.code').execute();
  const authors = await authorsByEntry(db, contestId);
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    title: r.title,
    category: categoryOf(r),
    categoryLabel: r.category_label,
    group: r.group_name,
    status: r.status,
    sourcePath: r.source_path,
    authors: (authors.get(r.id) ?? []).map((a) => ({ name: a.name, unit: a.unit })),
    files: Number(r.files),
    fileErrors: Number(r.file_errors),
  }));
}
