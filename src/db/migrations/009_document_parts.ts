import type { Kysely } from 'kysely';
import { dialectOf } from '../dialect.ts';
import { withId } from './helpers.ts';

/**
 * Every part of a submitted document, not only its body: notes, headers, footers, text boxes,
 * comments and OCR text (with its confidence) in `file_parts`; on `files`, which reader produced
 * the text, the document's own properties (author, last modified by, company), the state of OCR
 * for scans, and the version of the extraction, so files read by an older version are read again
 * on the next import even when their bytes are unchanged.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await withId(db, db.schema.createTable('file_parts'))
    .addColumn('file_id', 'integer', (c) => c.notNull().references('files.id').onDelete('cascade'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('confidence', dialectOf(db) === 'postgres' ? 'double precision' : 'real')
    .execute();
  await db.schema.createIndex('file_parts_file').on('file_parts').columns(['file_id', 'position']).execute();
  await db.schema.alterTable('files').addColumn('extractor', 'text').execute();
  await db.schema.alterTable('files').addColumn('properties_json', 'text').execute();
  await db.schema.alterTable('files').addColumn('ocr_status', 'text').execute();
  await db.schema
    .alterTable('files')
    .addColumn('extract_version', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const column of ['extract_version', 'ocr_status', 'properties_json', 'extractor'])
    await db.schema.alterTable('files').dropColumn(column).execute();
  await db.schema.dropTable('file_parts').execute();
}
