import { type NotNull, sql } from 'kysely';
import type { Db } from '../../db/connect.ts';
import type { Author, Category, Entry, EntryStatus, StoredFile } from '../../db/schema.ts';

export const PAGE_SIZE = 50;

export interface EntryFilter {
  /** A category id, or 'none' for entries whose category was not recognised. */
  category?: number | 'none';
  group?: string;
  status?: EntryStatus;
  /** Matches 编号, 作品名称 or an author's name. */
  q?: string;
  page: number;
}

export interface EntryRow {
  id: number;
  code: string;
  title: string;
  group_name: string | null;
  status: EntryStatus;
  category: string | null;
  authors: string[];
  file_count: number;
}

export interface EntryPage {
  rows: EntryRow[];
  total: number;
  page: number;
  pages: number;
}

/** `%text%` for LIKE with the user's own % and _ taken literally. */
const containsPattern = (text: string): string => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export async function listEntries(db: Db, contestId: number, f: EntryFilter): Promise<EntryPage> {
  let base = db.selectFrom('entries as e').where('e.contest_id', '=', contestId);
  if (f.category === 'none') base = base.where('e.category_id', 'is', null);
  else if (f.category !== undefined) base = base.where('e.category_id', '=', f.category);
  if (f.group) base = base.where('e.group_name', '=', f.group);
  if (f.status) base = base.where('e.status', '=', f.status);
  const q = f.q?.trim();
  if (q) {
    const like = containsPattern(q.toLowerCase());
    base = base.where((eb) =>
      eb.or([
        sql<boolean>`lower(e.code) like ${like} escape '\\'`,
        sql<boolean>`lower(e.title) like ${like} escape '\\'`,
        eb.exists(
          eb
            .selectFrom('authors as a')
            .select('a.id')
            .whereRef('a.entry_id', '=', 'e.id')
            .where(sql<boolean>`lower(a.name) like ${like} escape '\\'`),
        ),
      ]),
    );
  }
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const pages = Math.max(1, Math.ceil(Number(total) / PAGE_SIZE));
  const page = Math.min(Math.max(1, f.page), pages);
  const entries = await base
    .leftJoin('categories as c', 'c.id', 'e.category_id')
    .select(['e.id', 'e.code', 'e.title', 'e.group_name', 'e.status', 'e.category_label', 'c.name as category_name'])
    .select((eb) =>
      eb
        .selectFrom('files as f')
        .whereRef('f.entry_id', '=', 'e.id')
        .select((eb2) => eb2.fn.countAll<number>().as('n'))
        .as('file_count'),
    )
    .orderBy('e.code')
    .limit(PAGE_SIZE)
    .offset((page - 1) * PAGE_SIZE)
    .execute();
  const authorsByEntry = new Map<number, string[]>();
  if (entries.length) {
    const authors = await db
      .selectFrom('authors')
      .select(['entry_id', 'name'])
      .where(
        'entry_id',
        'in',
        entries.map((e) => e.id),
      )
      .orderBy('entry_id')
      .orderBy('position')
      .execute();
    for (const a of authors) authorsByEntry.set(a.entry_id, [...(authorsByEntry.get(a.entry_id) ?? []), a.name]);
  }
  return {
    rows: entries.map((e) => ({
      id: e.id,
      code: e.code,
      title: e.title,
      group_name: e.group_name,
      status: e.status,
      category: e.category_name ?? e.category_label,
      authors: authorsByEntry.get(e.id) ?? [],
      file_count: Number(e.file_count ?? 0),
    })),
    total: Number(total),
    page,
    pages,
  };
}

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
