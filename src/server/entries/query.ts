import type { NotNull } from 'kysely';
import type { Db } from '../../db/connect.ts';
import type { Author, Category, Entry, StoredFile } from '../../db/schema.ts';

export interface EntryFacets {
  categories: Pick<Category, 'id' | 'name'>[];
  groups: string[];
  /** Whether some entries have no recognised category (offer the 未归类 filter). */
  hasUncategorised: boolean;
}

export async function entryFacets(db: Db, contestId: number): Promise<EntryFacets> {
  const categories = await db
    .selectFrom('categories')
    .select(['id', 'name'])
    .where('contest_id', '=', contestId)
    .orderBy('sort_order')
    .execute();
  const groups = await db
    .selectFrom('entries')
    .select('group_name')
    .distinct()
    .where('contest_id', '=', contestId)
    .where('group_name', 'is not', null)
    .$narrowType<{ group_name: NotNull }>()
    .orderBy('group_name')
    .execute();
  const uncategorised = await db
    .selectFrom('entries')
    .select('id')
    .where('contest_id', '=', contestId)
    .where('category_id', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return { categories, groups: groups.map((g) => g.group_name), hasUncategorised: Boolean(uncategorised) };
}

export type EntryFile = Pick<StoredFile, 'id' | 'original_path' | 'name' | 'kind' | 'ext' | 'size' | 'error' | 'html'>;

export interface EntryDetail {
  entry: Entry;
  category: string | null;
  authors: Author[];
  files: EntryFile[];
}

export async function entryDetail(db: Db, contestId: number, entryId: number): Promise<EntryDetail | null> {
  const entry = await db.selectFrom('entries').selectAll().where('id', '=', entryId).where('contest_id', '=', contestId).executeTakeFirst();
  if (!entry) return null;
  const category = entry.category_id
    ? ((await db.selectFrom('categories').select('name').where('id', '=', entry.category_id).executeTakeFirst())?.name ?? null)
    : entry.category_label;
  const authors = await db.selectFrom('authors').selectAll().where('entry_id', '=', entryId).orderBy('position').execute();
  const files = await db
    .selectFrom('files')
    .select(['id', 'original_path', 'name', 'kind', 'ext', 'size', 'error', 'html'])
    .where('entry_id', '=', entryId)
    .orderBy('original_path')
    .execute();
  return { entry, category, authors, files };
}

/** A stored file of a contest, or undefined when the id belongs to another contest. */
export const contestFile = (db: Db, contestId: number, fileId: number) =>
  db
    .selectFrom('files as f')
    .innerJoin('entries as e', 'e.id', 'f.entry_id')
    .select(['f.id', 'f.name', 'f.sha256', 'f.size', 'f.entry_id'])
    .where('f.id', '=', fileId)
    .where('e.contest_id', '=', contestId)
    .executeTakeFirst();
