import type { NotNull } from 'kysely';
import type { Db } from '../../db/connect.ts';
import type { Author, Category, Entry, StoredFile, StoredFilePart } from '../../db/schema.ts';
import { documentProperties } from '../../db/columns.ts';
import type { DocumentProperties } from '../../ingest/extract/parts.ts';

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

/** A file as the entry page shows it: what was read from it, part by part. */
export interface EntryFileDetail extends EntryFile {
  sha256: string;
  mime: string | null;
  extractor: string | null;
  ocrStatus: StoredFile['ocr_status'];
  /** Characters of the body text (what word counts and the similarity scan read). */
  bodyChars: number;
  properties: DocumentProperties | null;
  parts: Pick<StoredFilePart, 'kind' | 'text' | 'confidence'>[];
}

export interface EntryDetail {
  entry: Entry;
  category: string | null;
  authors: Author[];
  files: EntryFileDetail[];
}

export async function entryDetail(db: Db, contestId: number, entryId: number): Promise<EntryDetail | null> {
  const entry = await db.selectFrom('entries').selectAll().where('id', '=', entryId).where('contest_id', '=', contestId).executeTakeFirst();
  if (!entry) return null;
  const category = entry.category_id
    ? ((await db.selectFrom('categories').select('name').where('id', '=', entry.category_id).executeTakeFirst())?.name ?? null)
    : entry.category_label;
  const authors = await db.selectFrom('authors').selectAll().where('entry_id', '=', entryId).orderBy('position').execute();
  const rows = await db
    .selectFrom('files')
    .select([
      'id',
      'original_path',
      'name',
      'kind',
      'ext',
      'size',
      'error',
      'html',
      'sha256',
      'mime',
      'extractor',
      'ocr_status',
      'properties_json',
    ])
    .select((eb) => eb.fn.coalesce(eb.fn<number>('length', ['text']), eb.lit(0)).as('body_chars'))
    .where('entry_id', '=', entryId)
    .orderBy('original_path')
    .execute();
  const parts = rows.length
    ? await db
        .selectFrom('file_parts')
        .select(['file_id', 'kind', 'text', 'confidence'])
        .where(
          'file_id',
          'in',
          rows.map((r) => r.id),
        )
        .orderBy('file_id')
        .orderBy('position')
        .execute()
    : [];
  const files = rows.map(({ ocr_status, properties_json, body_chars, ...f }) => ({
    ...f,
    ocrStatus: ocr_status,
    bodyChars: Number(body_chars),
    properties: properties_json ? documentProperties.read(properties_json) : null,
    parts: parts.filter((p) => p.file_id === f.id).map(({ kind, text, confidence }) => ({ kind, text, confidence })),
  }));
  return { entry, category, authors, files };
}

/** A stored file of a contest, or undefined when the id belongs to another contest. */
export const contestFile = (db: Db, contestId: number, fileId: number) =>
  db
    .selectFrom('files as f')
    .innerJoin('entries as e', 'e.id', 'f.entry_id')
    .select(['f.id', 'f.name', 'f.sha256', 'f.size', 'f.mime', 'f.entry_id'])
    .where('f.id', '=', fileId)
    .where('e.contest_id', '=', contestId)
    .executeTakeFirst();
